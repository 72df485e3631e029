#!/usr/bin/env python3
"""`fiches serve` answers with an ETag and 304 Not Modified (issue 15).

After a save the open page reloads; answers carry `Cache-Control:
no-cache`, so the browser asks for the style sheet and scripts again.
With a strong validator it asks with If-None-Match and gets an empty 304
when the file did not change, and keeps its compiled copy
(generator/serve/http_etag.h). This test checks, with a real HTTP client:
- every answer of a file carries an ETag made from the bytes sent (the
  size and FNV-1a of the uncompressed body, "-gz" when gzipped; a page's
  tag covers the reload script injected into it);
- If-None-Match with that tag (alone, in a list, weak, or "*") gives 304,
  no body, the same ETag, Cache-Control and Vary; any other tag gives 200
  and the whole body (a server answering 304 to any If-None-Match fails);
- the gzipped and plain answers of a file have distinct tags, and neither
  validates the other;
- after an edit of the project's style sheet (templates/assets) or of a
  fiche and the rebuild, the old tag gets 200 with the new bytes.

Runs `fiches serve --no-pdf` on a copy of tests/fixtures/basic with the
default templates; no wall clock assertion (the waits only catch hangs).
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
CSS = "assets/style.css"


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def tag_of(plain, gz):
    """The tag the server must send for these uncompressed bytes."""
    return '"%x-%016x%s"' % (len(plain), fnv1a64(plain), "-gz" if gz else "")


def get(port, rel, gz=False, inm=None):
    """(status, headers, body as sent, body uncompressed)."""
    headers = {}
    if gz:
        headers["Accept-Encoding"] = "gzip"
    if inm is not None:
        headers["If-None-Match"] = inm
    st, h, body = request(port, "GET", "/" + rel, headers=headers)
    plain = gzip.decompress(body) if body and h.get("content-encoding") == "gzip" else body
    return st, h, body, plain


def wait_change(port, rel, old, gz=False):
    """The uncompressed body of rel once it differs from old (or old after WAIT s)."""
    deadline = time.time() + WAIT
    while True:
        st, h, _, plain = get(port, rel, gz)
        if (st == 200 and plain != old) or time.time() > deadline:
            return st, h, plain
        time.sleep(0.1)


def main():
    require_program()
    with Serve.copy_of(prefix="fiches-serve-etag-") as srv:
        if check("server starts and prints its address", srv.port is not None, srv.text()):
            run(srv.root, srv.port)
        check("stops with status 0", srv.stop() == 0)
    finish()


def validates(port, rel, gz, what):
    """Checks rel's validator (plain or gzipped answer); returns its tag and uncompressed body."""
    name = "%s%s" % (what, " (gzip)" if gz else "")
    st, h, body, plain = get(port, rel, gz)
    etag = h.get("etag")
    if not check("%s: 200 with an ETag" % name, st == 200 and etag, (st, h)):
        return None, plain
    check("%s: the ETag is made from the bytes sent" % name, etag == tag_of(plain, gz),
          "%s, expected %s" % (etag, tag_of(plain, gz)))
    check("%s: still Cache-Control: no-cache" % name, h.get("cache-control") == "no-cache", h)
    check("%s: sent gzipped exactly when asked" % name,
          (h.get("content-encoding") == "gzip") == gz, h.get("content-encoding"))
    for inm in (etag, '"autre", W/%s' % etag, "W/" + etag, "*", ' "x" ,%s ' % etag):
        st, h2, body2, _ = get(port, rel, gz, inm)
        check("%s: If-None-Match %s → 304 without a body" % (name, inm), st == 304 and body2 == b"",
              (st, len(body2)))
        check("%s: the 304 has the same ETag, Cache-Control and Vary" % name,
              all(h2.get(k) == h.get(k) for k in ("etag", "cache-control", "vary")), (h, h2))
    near = etag[:-2] + ('0' if etag[-2] != '0' else '1') + '"'
    for inm in ('"autre"', near, etag[1:-1], '"%s' % etag):
        st, _, body2, _ = get(port, rel, gz, inm)
        check("%s: If-None-Match %s → 200 with the whole body" % (name, inm),
              st == 200 and body2 == body, (st, len(body2), len(body)))
    return etag, plain


def run(root, port):
    actions = os.path.join(root, "content", "actions")
    fiche = os.path.join(actions, sorted(os.listdir(actions))[0])
    slug = re.sub(r"^\d+-", "", os.path.basename(fiche)[:-3])
    out = os.path.join(root, "public")
    page = next((os.path.relpath(os.path.join(d, n), out) for d, _, ns in os.walk(out) for n in ns
                 if n.endswith(".html") and slug in n), None)
    if not check("the fiche's page is found", page is not None, slug):
        return

    plain_tag, css = validates(port, CSS, False, "style.css")
    gz_tag, css_gz = validates(port, CSS, True, "style.css")
    check("style.css: same bytes plain and gzipped", css == css_gz)
    check("style.css: the gzipped and plain answers have distinct tags",
          plain_tag and gz_tag and plain_tag != gz_tag, (plain_tag, gz_tag))
    st, _, _, _ = get(port, CSS, True, plain_tag)
    check("the plain answer's tag does not validate the gzipped answer", st == 200, st)
    st, _, _, _ = get(port, CSS, False, gz_tag)
    check("the gzipped answer's tag does not validate the plain answer", st == 200, st)
    for rel in ("assets/site.js", "assets/search.js"):
        validates(port, rel, True, rel)
    page_tag, html = validates(port, page, False, "the fiche page")
    check("the page's tagged bytes include the reload script", b"/__fiches/events" in html)

    # The project's style sheet edited: rebuilt, the old tags get the new bytes.
    with open(os.path.join(root, "templates", CSS), "ab") as f:
        f.write(b"\n.etag-test { color: #123; }\n")
    st, h, css2 = wait_change(port, CSS, css)
    check("style.css rebuilt with the edit", st == 200 and b".etag-test" in css2, css2[-80:])
    for gz, old in ((False, plain_tag), (True, gz_tag)):
        st, h, _, plain = get(port, CSS, gz, old)
        check("style.css%s after the edit: the old tag → 200 with the new bytes" %
              (" (gzip)" if gz else ""), st == 200 and plain == css2, (st, plain[-80:]))
        check("style.css%s after the edit: a new tag" % (" (gzip)" if gz else ""),
              h.get("etag") not in (None, old) and h.get("etag") == tag_of(css2, gz), h.get("etag"))
        st, _, body, _ = get(port, CSS, gz, h.get("etag"))
        check("style.css%s after the edit: the new tag → 304" % (" (gzip)" if gz else ""),
              st == 304 and body == b"", st)

    # The fiche edited: its page's old tag gets the new page.
    with open(fiche, encoding="utf-8") as f:
        text = f.read()
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(text + "\nUne phrase ajoutée pour l’ETag.\n")
    st, h, html2 = wait_change(port, page, html)
    check("the fiche page rebuilt with the edit", "pour l’ETag".encode() in html2, html2[-200:])
    st, h, body, _ = get(port, page, False, page_tag)
    check("the fiche page after the edit: the old tag → 200 with the new page",
          st == 200 and body == html2 and h.get("etag") == tag_of(html2, False), (st, h.get("etag")))


if __name__ == "__main__":
    main()
