#!/usr/bin/env python3
"""`fiches serve` under ThreadSanitizer (make test TSAN=1, run by tests/run.sh
in that mode only; `make test TSAN=1 ONLY=serve`).

The server's threads meet here and nowhere else: libmicrohttpd's two
polling threads answer requests (the response cache, pages, compressed
files, 404), hold event streams and run the workshop's previews and saves
against the kept model, while the main thread rebuilds (incremental
updates, their data files, a full build) and publishes each build (the
cache checked against the disk, the streams woken); then SIGTERM ends the
streams and the daemon with clients still connected. Any report of
ThreadSanitizer fails (exit code 66 at the end, and its warning in the
log), as does a status other than 0. Basic fixture, no PDFs (TSan's
slowness); the waits only catch hangs.
Prints "N passed, N failed" last.
"""
import hashlib
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, Serve, check, finish, request, skip  # noqa: E402

WAIT = 300  # seconds for one build under TSan: longer is a hang
SUPP = os.path.join(ROOT, "tests", "tsan", "tsan.supp")


def events(port):
    """An open event stream (HTTP/1.1, chunked), its first bytes read."""
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s.sendall(b"GET /__fiches/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    s.recv(4096)
    return s


def load(port, stop, paths, errors):
    """Requests paths in turn until stop is set; any answer but 200/404 is an error."""
    i = 0
    while not stop.is_set():
        path, gz = paths[i % len(paths)]
        try:
            st, _, _ = request(port, "GET", path, headers={"Accept-Encoding": "gzip"} if gz else None)
            if st not in (200, 404):
                errors.append("%s: %d" % (path, st))
        except OSError as e:
            errors.append("%s: %s" % (path, e))
        i += 1


def main():
    if "tsan" not in FICHES or not os.access(FICHES, os.X_OK):
        skip("tsan_serve", "not a ThreadSanitizer build: %s" % FICHES)
        finish()
    env = {"TSAN_OPTIONS": "exitcode=66 halt_on_error=0 second_deadlock_stack=1 suppressions=" + SUPP}
    with Serve.copy_of(prefix="fiches-tsan-serve-", env=env, timeout=WAIT) as srv:
        if check("serve starts under TSan", srv.port is not None, srv.text()[-3000:]):
            run(srv.root, srv)
        status = srv.stop()
        log = srv.text()
    races = log.count("WARNING: ThreadSanitizer")
    check("SIGTERM with streams open: status 0", status == 0, "status %s" % status)
    check("no ThreadSanitizer report", races == 0,
          "\n".join(log[log.find("WARNING: ThreadSanitizer"):].splitlines()[:60]))
    finish()


def run(root, srv):
    port, out = srv.port, os.path.join(root, "public")
    actions = os.path.join(root, "content", "actions")
    name = sorted(os.listdir(actions))[0]
    fiche = os.path.join(actions, name)
    doc = "actions/" + name
    pages = ["/" + os.path.relpath(os.path.join(d, n), out) for d, _, ns in os.walk(out)
             for n in sorted(ns) if n.endswith(".html")][:6]
    paths = [(p, False) for p in pages] + [("/assets/style.css", True), ("/assets/style.css", False),
                                           ("/assets/search.js", True), ("/absente.html", False)]
    streams = [events(port) for _ in range(2)]
    stop, errors = threading.Event(), []
    loaders = [threading.Thread(target=load, args=(port, stop, paths, errors)) for _ in range(2)]
    for t in loaders:
        t.start()
    try:
        with open(fiche, encoding="utf-8") as f:
            text = f.read()
        done = 0
        for i in range(3):
            with open(fiche, "w", encoding="utf-8") as f:
                f.write(text + "\nPhrase %d ajoutée sous TSan.\n" % i)
            done = wait_rebuilt(srv, done + 1)
        # The workshop's preview and save on the HTTP threads, against the kept model.
        if srv.key:
            cookie, origin = "fiches_atelier=" + srv.key, "http://127.0.0.1:%d" % port
            with open(fiche, "rb") as f:
                version = hashlib.blake2b(f.read(), digest_size=16).hexdigest()
            st, _, _ = request(port, "POST", "/_edit/api/apercu", {"chemin": doc, "texte": text},
                               origin=origin, cookie=cookie)
            check("a preview while pages are served", st == 200, st)
            st, _, body = request(port, "POST", "/_edit/api/enregistrer",
                                  {"chemin": doc, "texte": text, "base": version}, origin=origin, cookie=cookie)
            check("a save while pages are served", st == 200, body[:200])
            done = wait_rebuilt(srv, done + 1)
        # A template changed: a full build.
        css = os.path.join(root, "templates", "assets", "style.css")
        if os.path.exists(css):
            with open(css, "a") as f:
                f.write("\n/* tsan */\n")
            done = wait_rebuilt(srv, done + 1)
    finally:
        stop.set()
        for t in loaders:
            t.join()
    check("every request answered while building (%d rebuilds)" % done, not errors, errors[:5])
    # The streams stay open: SIGTERM must end them before the daemon stops.
    srv.streams = streams


REBUILT = re.compile(r"^fiches: (rebuilt in .*only what the change shows|rebuilt in [0-9.]+ s \(\d+ written, \d+ removed\)$)", re.M)


def wait_rebuilt(srv, n):
    """Waits until n rebuilds are printed (an incremental one counts once its data files are written)."""
    deadline = time.time() + WAIT
    while time.time() < deadline and srv.proc.poll() is None:
        if len(REBUILT.findall(srv.text())) >= n:
            break
        time.sleep(0.1)
    got = len(REBUILT.findall(srv.text()))
    check("rebuild %d printed" % n, got >= n, srv.text()[-2000:])
    return got


if __name__ == "__main__":
    main()
