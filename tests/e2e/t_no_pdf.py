#!/usr/bin/env python3
"""`fiches build --no-pdf` keeps what earlier builds published in pdf/ and print/.

A coordinator rebuilds quickly with --no-pdf after a full build: the
booklets and print pages already in public/ (linked from partners' e-mails,
printed QR codes, bookmarks) must stay, byte for byte with their mtimes,
and stay listed in the manifest so that a later full build still replaces
or removes them. Also: the pages of a --no-pdf build do not link PDFs, and
the next full build brings the links back and removes a booklet whose
source was deleted.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, check, finish  # noqa: E402


def build(proj, *extra):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="", SOURCE_DATE_EPOCH="1700000000")
    p = subprocess.run([FICHES, "build", "-j", "2", "-C", proj] + list(extra),
                       capture_output=True, text=True, env=env)
    return p.returncode, p.stderr


def files_under(pub, *prefixes):
    out = {}
    for prefix in prefixes:
        for base, _, files in os.walk(os.path.join(pub, prefix)):
            for f in files:
                p = os.path.join(base, f)
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, pub)] = (hashlib.sha256(fh.read()).hexdigest(),
                                                    os.stat(p).st_mtime_ns)
    return out


def main():
    proj = tempfile.mkdtemp(prefix="fiches-nopdf-")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(proj, "content"))
    pub = os.path.join(proj, "public")
    rc, err = build(proj)
    published = files_under(pub, "pdf", "print")
    check("a full build publishes PDFs and print pages",
          rc == 0 and any(p.startswith("pdf/") for p in published)
          and any(p.startswith("print/") for p in published), err)

    # A change to a fiche, then a quick build without PDFs.
    fiche = os.path.join(proj, "content", "actions", "02-maraude.md")
    with open(fiche, "a", encoding="utf-8") as f:
        f.write("\nUn paragraphe ajouté.\n")
    rc, err = build(proj, "--no-pdf")
    kept = files_under(pub, "pdf", "print")
    check("--no-pdf keeps every PDF and print page, bytes and mtimes",
          rc == 0 and kept == published, f"{err} lost: {sorted(set(published) - set(kept))}")
    check("--no-pdf reports no file removed", " 0 removed" in err, err)
    with open(os.path.join(pub, "fiches-actions", "maraude.html"), encoding="utf-8") as f:
        page = f.read()
    check("the page was rebuilt, without PDF links", "Un paragraphe ajouté" in page and ".pdf" not in page)
    with open(os.path.join(pub, ".fiches-manifest"), encoding="utf-8") as f:
        listed = {line.split(" ", 2)[2].rstrip("\n") for line in f
                  if line.count(" ") >= 2 and not line.startswith("#")}
    check("the kept files stay in the manifest (a later build still owns them)",
          set(published) <= listed, str(sorted(set(published) - listed)))

    # A booklet deleted: kept by --no-pdf, removed by the next full build.
    os.unlink(os.path.join(proj, "content", "booklets", "atelier.yaml"))
    rc, err = build(proj, "--no-pdf")
    check("--no-pdf keeps even a deleted booklet's PDF until the next full build",
          rc == 0 and os.path.exists(os.path.join(pub, "pdf", "atelier.pdf")), err)
    rc, err = build(proj)
    after = files_under(pub, "pdf", "print")
    with open(os.path.join(pub, "fiches-actions", "maraude.html"), encoding="utf-8") as f:
        page = f.read()
    check("the next full build remakes the PDFs, links them and removes the deleted booklet",
          rc == 0 and ".pdf" in page and "pdf/atelier.pdf" not in after
          and "print/atelier.html" not in after
          and after.get("pdf/fiches-actions.pdf", ("",))[0] != published["pdf/fiches-actions.pdf"][0], err)
    shutil.rmtree(proj)
    finish()


if __name__ == "__main__":
    if not os.access(FICHES, os.X_OK):
        print(f"{FICHES} not built")
        print("0 passed, 1 failed")
        sys.exit(1)
    sys.exit(main())
