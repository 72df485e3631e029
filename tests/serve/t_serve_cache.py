#!/usr/bin/env python3
"""`fiches serve` keeps cached answers across builds, never a stale one.

After a build the server keeps the responses whose file is still the
same (device, inode, modification time to the nanosecond, size), so that
the style sheet and scripts are not read and compressed again after every
save (serve_cache.h). This test shows that such a response is kept (the
count FICHES_TIMING prints after each build) and that every file that
changed is served anew, however it changed:
- rewritten in place with the same size within the same second (only
  the nanoseconds of its modification time differ);
- replaced by a rename of a file of the same size and modification time
  (another inode);
- rewritten in place with the same size and its modification time put
  back exactly, when that time was not older than its first reading by
  CACHE_SETTLE_NS (a rewrite in the same tick of the file system's clock
  looks so): not kept. Its time is set in the future, so that no load of
  the machine can make it old enough before it is read;
- a fiche page that the build itself renames over (its old copy made to
  look old, so that only its inode tells).

Runs `fiches serve --no-pdf` on a copy of tests/fixtures/basic; no wall
clock assertion (the waits only catch hangs).
Prints "N passed, N failed[, N skipped]" last; exits non-zero on failure.
"""
import gzip
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import Serve, check, finish, request, require_program  # noqa: E402

WAIT = 60  # seconds: a build that takes longer hangs
HOUR_NS = 3600 * 10**9
KEPT = re.compile(r"^fiches: cache after the build: (\d+) responses kept, (\d+) dropped$", re.M)


def write(path, data, mtime_ns=None):
    """Writes data into path in place (same inode when it exists), then sets its mtime."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def get(port, rel, gz=False):
    st, h, body = request(port, "GET", "/" + rel, headers={"Accept-Encoding": "gzip"} if gz else None)
    if h.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return st, body


def wait_builds(srv, n):
    """The cache lines of the first n builds (list of (kept, dropped)), waiting for them."""
    deadline = time.time() + WAIT
    while True:
        found = [(int(k), int(d)) for k, d in KEPT.findall(srv.text())]
        if len(found) >= n or time.time() > deadline or srv.proc.poll() is not None:
            return found
        time.sleep(0.05)


def main():
    require_program()
    with Serve.copy_of(prefix="fiches-serve-cache-", env={"FICHES_TIMING": "1"}) as srv:
        if check("server starts and prints its address", srv.port is not None, srv.text()):
            run(srv.root, srv)
        check("stops with status 0", srv.stop() == 0)
    finish()


def run(root, srv):
    out = os.path.join(root, "public")
    port = srv.port
    old = time.time_ns() - HOUR_NS
    # Files dropped into the output: the builds keep files they did not make.
    old_sec = old - old % 10**9 + 500_000_000       # x.5 s: same-second variants below
    files = {
        "kept.css": b"body { color: #111; } /* kept */\n" * 20,
        "inplace.css": b"p { margin: 0; } /* version 1 */\n" * 20,
        "renamed.js": b"var version = 'un';\n" * 20,
        "racy.css": b"h1 { color: #a00; } /* v1 */\n" * 20,
    }
    for name, data in files.items():
        write(os.path.join(out, name), data, time.time_ns() + HOUR_NS if name == "racy.css" else old_sec)
    actions = os.path.join(root, "content", "actions")
    fiche = os.path.join(actions, sorted(os.listdir(actions))[0])
    slug = re.sub(r"^\d+-", "", os.path.basename(fiche)[:-3])
    page = next((os.path.relpath(os.path.join(d, n), out) for d, _, ns in os.walk(out) for n in ns
                 if n.endswith(".html") and slug in n), None)
    if not check("the fiche's page is found", page is not None, slug):
        return
    # The page looks old: only its inode can tell that the build replaced it.
    os.utime(os.path.join(out, page), ns=(old, old))

    for name, data in files.items():
        for gz in (False, True):
            st, body = get(port, name, gz)
            check("%s%s: served" % (name, " (gzip)" if gz else ""), st == 200 and body == data, st)
    st, body = get(port, page)
    check("the fiche page is served", st == 200 and b"/__fiches/events" in body, st)
    before = len(wait_builds(srv, 1))

    # The changes, none of them visible to the cache until the next build.
    inplace2 = b"p { margin: 0; } /* version 2 */\n" * 20
    st_before = os.stat(os.path.join(out, "inplace.css"))
    write(os.path.join(out, "inplace.css"), inplace2, old_sec - 250_000_000)
    st_after = os.stat(os.path.join(out, "inplace.css"))
    check("in place: same inode, size and second, other nanoseconds",
          st_after.st_ino == st_before.st_ino and st_after.st_size == st_before.st_size and
          st_after.st_mtime_ns // 10**9 == st_before.st_mtime_ns // 10**9 and
          st_after.st_mtime_ns != st_before.st_mtime_ns)
    renamed2 = b"var version = 'de';\n" * 20
    tmp = os.path.join(out, ".renamed.tmp")
    write(tmp, renamed2, old_sec)
    os.rename(tmp, os.path.join(out, "renamed.js"))
    racy = os.path.join(out, "racy.css")
    racy_st = os.stat(racy)
    racy2 = b"h1 { color: #0a0; } /* v2 */\n" * 20
    write(racy, racy2, racy_st.st_mtime_ns)
    after = os.stat(racy)
    check("racy: same inode, size and modification time to the nanosecond",
          (after.st_ino, after.st_size, after.st_mtime_ns) ==
          (racy_st.st_ino, racy_st.st_size, racy_st.st_mtime_ns))

    # An edit of the fiche: its page is renamed over, then the build is published.
    with open(fiche, encoding="utf-8") as f:
        text = f.read()
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(text + "\nUne phrase ajoutée pour le cache.\n")
    builds = wait_builds(srv, before + 1)
    if not check("the edit's build is published", len(builds) > before, srv.text()[-2000:]):
        return
    kept, dropped = builds[before]
    # kept.css plain and gzipped; the other three files twice, and the page, dropped.
    check("unchanged files kept across the build (2 kept, 7 dropped)", (kept, dropped) == (2, 7),
          "%d kept, %d dropped" % (kept, dropped))
    expect = dict(files, **{"inplace.css": inplace2, "renamed.js": renamed2, "racy.css": racy2})
    for name, data in expect.items():
        for gz in (False, True):
            st, body = get(port, name, gz)
            check("%s%s: %s after the build" % (name, " (gzip)" if gz else "",
                                                  "kept" if name == "kept.css" else "new bytes"),
                  st == 200 and body == data, body[:60])
    st, body = get(port, page)
    check("the fiche page shows the edit", st == 200 and "Une phrase ajoutée pour le cache".encode() in body)


if __name__ == "__main__":
    main()
