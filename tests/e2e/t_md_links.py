#!/usr/bin/env python3
"""Relative .md links, resolved through the table of documents (md_paths.c).

Builds a copy of tests/fixtures/basic whose fiches link each other with
relative .md links, as an editor's preview follows them: same directory,
'../', './', an anchor, a path climbing to the project root and back, a
fiche reached through a symbolic link inside content/ (file and directory),
and checks the href each link gets. Then a link to no fiche: one error at
the link's line and column, and nothing written.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, TEMPLATES, check, finish  # noqa: E402


def build(project, out):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")
    p = subprocess.run([FICHES, "build", "--no-pdf", "-C", project, "-o", out],
                       capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stderr


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def hrefs(path):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    return dict((m.group(2), m.group(1)) for m in
                re.finditer(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', page))


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-mdlinks-")
    try:
        project = os.path.join(tmp, "p")
        shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(project, "content"))
        os.symlink(TEMPLATES, os.path.join(project, "templates"))
        c = os.path.join(project, "content")
        # A directory of the project that is a symbolic link to another one.
        os.symlink("themes", os.path.join(c, "themes-lien"))
        append(os.path.join(c, "actions", "02-maraude.md"), "\n".join([
            "",
            "## Liens relatifs",
            "",
            "- [meme-dossier](03-veille.md)",
            "- [point](./03-veille.md)",
            "- [parent](../themes/1-cadre-de-vie.md)",
            "- [ancre](../themes/1-cadre-de-vie.md#comment-faire)",
            "- [racine](../../content/themes/2-expertise-des-habitants.md)",
            "- [detour](../guide/../actions/./01-atelier-habitants.md)",
            "- [dossier-lien](../themes-lien/2-expertise-des-habitants.md)",
            "- [page](../pages/la-demarche.md)",
            "",
        ]))
        append(os.path.join(c, "themes", "1-cadre-de-vie.md"),
               "\nVoir [action-depuis-theme](../actions/02-maraude.md#objectifs).\n")
        out = os.path.join(tmp, "out")
        status, err = build(project, out)
        check("a corpus of relative .md links builds", status == 0, err)
        links = hrefs(os.path.join(out, "fiches-actions", "maraude.html"))
        expect = {
            "meme-dossier": "veille.html",
            "point": "veille.html",
            "parent": "../fiches-thematiques/cadre-de-vie.html",
            "ancre": "../fiches-thematiques/cadre-de-vie.html#comment-faire",
            "racine": "../fiches-thematiques/expertise-des-habitants.html",
            "detour": "atelier-habitants.html",
            "dossier-lien": "../fiches-thematiques/expertise-des-habitants.html",
            "page": "../pages/la-demarche.html",
        }
        for text, href in expect.items():
            check(f"link '{text}' leads to {href}", links.get(text) == href, links.get(text))
        links = hrefs(os.path.join(out, "fiches-thematiques", "cadre-de-vie.html"))
        check("a theme links to an action's section",
              links.get("action-depuis-theme") == "../fiches-actions/maraude.html#objectifs",
              links.get("action-depuis-theme"))

        # A fiche that is a symbolic link to a file elsewhere in content/:
        # reachable by its listed name and by the file's real name.
        os.makedirs(os.path.join(c, "partage"))
        os.rename(os.path.join(c, "actions", "03-veille.md"), os.path.join(c, "partage", "veille.md"))
        os.symlink("../partage/veille.md", os.path.join(c, "actions", "03-veille.md"))
        append(os.path.join(c, "actions", "01-atelier-habitants.md"),
               "\nVoir [par-le-lien](03-veille.md) et [par-le-fichier](../partage/veille.md).\n")
        shutil.rmtree(out)
        status, err = build(project, out)
        check("a fiche behind a symbolic link builds", status == 0, err)
        links = hrefs(os.path.join(out, "fiches-actions", "atelier-habitants.html"))
        check("a link to the symbolic link's name", links.get("par-le-lien") == "veille.html",
              links.get("par-le-lien"))
        check("a link to the file it leads to", links.get("par-le-fichier") == "veille.html",
              links.get("par-le-fichier"))

        # Links to no fiche: one error each, at the link, and nothing written.
        fiche = os.path.join(c, "themes", "2-expertise-des-habitants.md")
        with open(fiche, encoding="utf-8") as f:
            before = f.read()
        lines = before.count("\n")
        append(fiche, "\nUn [lien cassé](../actions/99-absente.md) et [trop haut](../../../x.md).\n")
        shutil.rmtree(out)
        status, err = build(project, out)
        check("a link to no fiche fails the build", status != 0, err)
        errors = [l for l in err.splitlines() if ": error: " in l]
        check("one error per broken link", len(errors) == 2, err)
        where = f"content/themes/2-expertise-des-habitants.md:{lines + 2}:"
        check("the error names the file and line", all(e.startswith(where) for e in errors), err)
        check("the error names the link", "99-absente.md" in err and "../../../x.md" in err, err)
        check("nothing is written on error", not os.path.exists(os.path.join(out, "index.html")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    sys.exit(main())
