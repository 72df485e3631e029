#!/usr/bin/env python3
"""`fiches serve`: the background work waits for the pages to reload.

After an edit the open pages are told to reload; the data files (search
index, site.json) and then the PDF pass are background work that must not
take the two cores while the browser reloads. Each page's reload script
says when its page has loaded (GET /__fiches/charge); the server starts the
background work once every page it told has said so, or after at most one
second. Checked on the basic fixture, with FICHES_TIMING=1, whose lines
carry the server's monotonic clock, so that every check is an order of
events on that clock, never a speed:

- the reload script carries the path it requests, which answers 204;
- with one page open that says it loaded 0.3 s after the event, the data
  files start after that request (not before, as a fixed delay would);
- a page closed before the edit is not waited for (its stream, suspended,
  is found closed): one page told, not two;
- a client that never says it loaded holds the work back one second at
  most (the data files still come);
- with no page open, nothing is waited for.

Prints "N passed, N failed[, N skipped]" last; exits non-zero on failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import Events, Serve, check, finish, request, require_program, wait_for  # noqa: E402

WAIT = 60  # seconds: a limit that catches a hang only

# The cap of serve.c's background_wait, BACKGROUND_WAIT_MAX_MS.
CAP_MS = 1000

BACKGROUND = re.compile(r"^fiches: background work after (\d+) of (\d+) pages loaded again, (\d+) ms after the reload$",
                        re.M)
DATA = re.compile(r"^fiches: phase data-files at ([0-9.]+) ms: ([0-9.]+) ms", re.M)
REBUILT = re.compile(r"^fiches: phase pages-reload-sent at ([0-9.]+) ms", re.M)
MARK = re.compile(r"^fiches: mark (\S+) at ([0-9.]+) ms: (.*)$", re.M)
FICHE = "content/actions/01-atelier-habitants.md"


def marks(srv, name, what=None):
    return [float(m.group(2)) for m in MARK.finditer(srv.text())
            if m.group(1) == name and (what is None or m.group(3) == what)]


def edit(srv, n):
    path = os.path.join(srv.root, FICHE)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\nAjout %d pendant le test.\n" % n)


def data_files(srv, n):
    """Waits for the n-th data files' phase; (start, end) on the server's clock, or None."""
    if not wait_for(lambda: len(DATA.findall(srv.text())) >= n, WAIT):
        return None
    m = list(DATA.finditer(srv.text()))[n - 1]
    return float(m.group(1)) - float(m.group(2)), float(m.group(1))


def background(srv, n):
    m = BACKGROUND.findall(srv.text())
    return tuple(int(x) for x in m[n - 1]) if len(m) >= n else None


def main():
    require_program()
    srv = Serve.copy_of(env={"FICHES_TIMING": "1"})
    with srv:
        if not check("serve starts", srv.port is not None, srv.text()[-500:]):
            return
        status, _, body = request(srv.port, "GET", "/")
        check("the reload script says where its page tells it has loaded",
              b'data-loaded="/__fiches/charge"' in body, body[-600:])
        status, _, body = request(srv.port, "GET", "/__fiches/charge")
        check("/__fiches/charge answers 204 with no body", status == 204 and body == b"", (status, body))

        # One page open, another closed before the edit; the open one says it loaded 0.3 s late.
        closed = Events(srv.port)
        check("a first page's stream opens", closed.wait_for(b"text/event-stream", 10))
        closed.close()
        page = Events(srv.port, loaded=False)
        check("the open page's stream opens", page.wait_for(b"text/event-stream", 10))
        edit(srv, 1)
        check("the open page is told to reload", page.wait_for(b"data: reload\n\n", WAIT))
        time.sleep(0.3)
        page.say_loaded()
        got = data_files(srv, 1)
        if check("the data files are written", got is not None, srv.text()[-800:]):
            said = marks(srv, "request", "/__fiches/charge")[-1]
            # The wait is counted from after the pages' rebuild, which ends with the event.
            rebuilt = float(REBUILT.findall(srv.text())[-1])
            check("they start once the page has loaded, or at the cap",
                  got[0] >= min(said, rebuilt + CAP_MS) - 1, (got, said, rebuilt))
            told = background(srv, 1)
            check("only the open page was waited for (the closed one is not counted)",
                  told is not None and told[1] == 1, told)
            check("it said it loaded, or the cap passed",
                  told is not None and (told[0] == 1 or told[2] >= CAP_MS), told)

        # A page that never says it loaded: the work comes at the cap.
        edit(srv, 2)
        check("the silent page is told to reload", page.wait_for(b"data: reload\n\n", WAIT))
        got = data_files(srv, 2)
        told = background(srv, 2)
        check("a page that never says it loaded holds the data files back, at most to the cap",
              got is not None and told is not None and told[:2] == (0, 1) and told[2] >= CAP_MS, (got, told))
        page.close()

        # No page open: nothing to wait for.
        time.sleep(0.2)
        edit(srv, 3)
        got = data_files(srv, 3)
        told = background(srv, 3)
        check("with no page open the data files are written", got is not None, srv.text()[-500:])
        check("no page is waited for", told is not None and told[1] == 0, told)


if __name__ == "__main__":
    main()
    finish()
