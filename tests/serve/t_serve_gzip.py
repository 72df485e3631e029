#!/usr/bin/env python3
"""`fiches serve` sends text compressed (issue 16, item 4).

Builds a copy of tests/fixtures/basic with `fiches serve --no-pdf` and
checks over HTTP: the search index, a part of it, the style and the
scripts come gzipped (Content-Encoding: gzip, Vary: Accept-Encoding) to a
client whose Accept-Encoding takes gzip, and decompress to the bytes on
disk; not to a client that does not (no header, « identity », « gzip;q=0 »);
pages never (the server adds its reload script to them); a second request
gets the same bytes (compressed once per build, then cached). Also that
`fiches build` writes .gz siblings of the index's first file and of the
larger assets, and none for pages or index fragments.

Prints "N passed, N failed[, N skipped]" last; exits non-zero on failure.
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t_serve  # noqa: E402  (Server, request, check, finish)
from t_serve import FIXTURE, TEMPLATES, FICHES, ENV, Server, request, check  # noqa: E402


def main():
    if not os.path.exists(FICHES):
        t_serve.skip_all("no build/fiches")
    tmp = tempfile.mkdtemp(prefix="fiches-serve-gzip-")
    try:
        root = os.path.join(tmp, "projet")
        shutil.copytree(FIXTURE, root)
        if not os.path.isdir(os.path.join(root, "templates")):
            shutil.copytree(TEMPLATES, os.path.join(root, "templates"))
        static(root)
        srv = Server(root)
        if srv.port is None:
            check("server starts and prints its address", False, srv.text())
            srv.stop()
            return
        try:
            served(root, srv.port)
        finally:
            srv.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t_serve.finish()


def static(root):
    out = os.path.join(root, "static")
    r = subprocess.run([FICHES, "build", "--no-pdf", "-C", root, "-o", out], capture_output=True,
                       text=True, timeout=120, env=ENV)
    check("fiches build succeeds", r.returncode == 0, r.stderr)
    for rel in ["assets/recherche-index.js", "assets/search.js", "assets/style.css"]:
        gz = os.path.join(out, rel + ".gz")
        with open(os.path.join(out, rel), "rb") as f:
            plain = f.read()
        if len(plain) < 4096:  # PRECOMPRESS_MIN: not worth a file
            check("build: no %s.gz for %d bytes" % (rel, len(plain)), not os.path.exists(gz))
            continue
        ok = os.path.exists(gz)
        if ok:
            with open(gz, "rb") as f:
                ok = gzip.decompress(f.read()) == plain
        check("build: %s.gz holds %s compressed" % (rel, rel), ok)
    stray = [os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs
             if f.endswith(".gz") and (f.endswith(".html.gz") or "/recherche/" in d + "/")]
    check("build: no .gz for pages or index fragments", not stray, " ".join(stray[:5]))


def served(root, port):
    out = os.path.join(root, "public")
    # The largest part: a phrase shard (f0.js) may be a few bytes, too small to compress.
    pdir = os.path.join(out, "assets", "recherche")
    part = max(sorted(os.listdir(pdir)), key=lambda p: os.path.getsize(os.path.join(pdir, p)))
    for rel in ["assets/recherche-index.js", "assets/recherche/" + part, "assets/search.js",
                "assets/style.css"]:
        with open(os.path.join(out, rel), "rb") as f:
            plain = f.read()
        st, h, body = request(port, "GET", "/" + rel, {"Accept-Encoding": "gzip, deflate, br"})
        zipped = h.get("content-encoding") == "gzip"
        check("%s: gzip to a browser that takes it (%d → %d bytes)" % (rel, len(plain), len(body)),
              st == 200 and zipped and gzip.decompress(body) == plain and len(body) < len(plain),
              "%d %s" % (st, h))
        check("%s: Vary: Accept-Encoding" % rel, "accept-encoding" in h.get("vary", "").lower(), str(h))
        st2, h2, body2 = request(port, "GET", "/" + rel, {"Accept-Encoding": "gzip"})
        check("%s: the same bytes the second time (cached)" % rel, st2 == 200 and body2 == body)
        for ae in [None, "identity", "gzip;q=0", "br", "gzip;q=0, *"]:
            st, h, body = request(port, "GET", "/" + rel, {"Accept-Encoding": ae} if ae else {})
            check("%s: plain for Accept-Encoding %s" % (rel, ae), st == 200 and body == plain and
                  "content-encoding" not in h, str(h))
    st, h, body = request(port, "GET", "/index.html", {"Accept-Encoding": "gzip"})
    check("pages are not compressed (the reload script is added to them)",
          st == 200 and "content-encoding" not in h and b"<html" in body, str(h))
    st, h, body = request(port, "GET", "/*", {"Accept-Encoding": "*"})
    check("a missing file is still a 404", st == 404, str(st))
    st, h, body = request(port, "GET", "/assets/search.js", {"Accept-Encoding": "*"})
    check("« * » takes gzip", st == 200 and h.get("content-encoding") == "gzip", str(h))


if __name__ == "__main__":
    main()
