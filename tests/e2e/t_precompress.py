#!/usr/bin/env python3
"""The .gz siblings of the site's style and scripts.

The gzip of each built-in asset is made when the program is built
(scripts/gzip-assets.c) and staged by every build whose asset is the
built-in one (html/precompress.c); a project that changes an asset gets
the gzip of its own bytes. Checked: each .gz inflates to its file, the
built-in ones are what zlib's best level gives (Python's zlib, same
settings as generator/base/gzip.c: level 9, memLevel 9, no name, time 0),
and an asset changed by the project, in templates/ beside the content, is
compressed from its own bytes, not taken from the table.
"""
import gzip
import os
import shutil
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, check, fiches, finish, project, read, require_built  # noqa: E402

require_built()


def gzip_best(data):
    """A gzip member as gzip_compress writes it (header: no time, OS unknown)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 15 + 16, 9)
    return z.compress(data) + z.flush()


tmp = tempfile.mkdtemp(prefix="fiches-precompress-")
try:
    # The built-in assets (no templates/ in the project).
    proj = project(tmp=tmp, name="builtin")
    shutil.rmtree(os.path.join(proj, "templates"), ignore_errors=True)
    out = os.path.join(tmp, "out-builtin")
    rc, _, err = fiches("build", "--no-pdf", "-q", "-C", proj, "-o", out)
    check("a build with the built-in assets succeeds", rc == 0, err)
    assets = os.path.join(out, "assets")
    gz = sorted(f for f in os.listdir(assets) if f.endswith(".gz"))
    check("the built-in style and search script have a .gz",
          {"style.css.gz", "search.js.gz"} <= set(gz), gz)
    for name in gz:
        plain = read(os.path.join(assets, name[:-3]), "rb")
        packed = read(os.path.join(assets, name), "rb")
        check(f"{name} inflates to {name[:-3]}", gzip.decompress(packed) == plain)
        if name != "recherche-index.js.gz":
            source = read(os.path.join(ROOT, "templates", "assets", name[:-3]), "rb")
            check(f"{name[:-3]} is the built-in file", plain == source)
            check(f"{name} is zlib's best level of it", packed == gzip_best(plain))

    # The project's own style: its .gz is made from its bytes.
    proj = project(tmp=tmp, name="own", templates=True)
    css = os.path.join(proj, "templates", "assets", "style.css")
    own = read(css, "rb") + b"\n.fiche-propre { color: #123456; }\n"
    with open(css, "wb") as f:
        f.write(own)
    out = os.path.join(tmp, "out-own")
    rc, _, err = fiches("build", "--no-pdf", "-q", "-C", proj, "-o", out)
    check("a build with the project's own style succeeds", rc == 0, err)
    packed = read(os.path.join(out, "assets", "style.css.gz"), "rb")
    check("the project's style.css is staged as written", read(os.path.join(out, "assets", "style.css"), "rb") == own)
    check("its style.css.gz inflates to the project's style, not the built-in one",
          gzip.decompress(packed) == own)
    check("its style.css.gz is zlib's best level of it", packed == gzip_best(own))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
