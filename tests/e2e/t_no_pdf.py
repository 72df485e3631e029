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
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FIXTURE, check, fiches, finish, read, require_built, stamp, tree  # noqa: E402


def build(proj, *extra):
    rc, _, err = fiches("build", "-j", "2", "-C", proj, *extra, env={"SOURCE_DATE_EPOCH": "1700000000"})
    return rc, err


def files_under(pub, *prefixes):
    """(sha256, mtime) of the files below pub's prefixes, by path relative to pub."""
    return {os.path.join(prefix, rel): v for prefix in prefixes
            for rel, v in tree(os.path.join(pub, prefix), stamp).items()}


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
    page = read(os.path.join(pub, "fiches-actions", "maraude.html"))
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
    page = read(os.path.join(pub, "fiches-actions", "maraude.html"))
    check("the next full build remakes the PDFs, links them and removes the deleted booklet",
          rc == 0 and ".pdf" in page and "pdf/atelier.pdf" not in after
          and "print/atelier.html" not in after
          and after.get("pdf/fiches-actions.pdf", ("",))[0] != published["pdf/fiches-actions.pdf"][0], err)
    shutil.rmtree(proj)
    finish()


if __name__ == "__main__":
    require_built()
    sys.exit(main())
