#!/usr/bin/env python3
"""The templates built into the program, and a project's own templates over them.

A project with no templates/ builds with the built-in set, byte for byte as
with a copy of the source tree's templates/; a project's templates/NAME
replaces that one file (a page template, a partial, an asset) and the rest
still comes from the built-in set; an error in a project's partial is
reported at its own file; --templates DIR plays the part of templates/, and
a DIR that does not exist is a usage error. A project's asset with the name
of a file the build writes (an icon, the search index, a .gz) never stops
the build.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import TEMPLATES, check, fiches, finish, project, read, require_built, sha256, tree, write  # noqa: E402


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-templates-")
    bare = project(tmp=tmp, name="bare")
    rc, _, err = fiches("build", "--no-pdf", "-C", bare)
    check("a project without templates/ builds with the built-in set", rc == 0, err)
    full = project(templates=True, tmp=tmp, name="full")
    rc, _, err = fiches("build", "--no-pdf", "-C", full)
    same = tree(os.path.join(bare, "public"), sha256) == tree(os.path.join(full, "public"), sha256)
    check("built-in set = the source tree's templates/, byte for byte (service worker included)",
          rc == 0 and same, err)
    builtin = tree(os.path.join(bare, "public"), sha256)

    # One page template, one partial and one asset replaced; one asset added.
    own = project(tmp=tmp, name="own")
    write(os.path.join(own, "templates", "page.mustache"),
          "<!doctype html><title>{{title}}</title><p class=\"mon-modele\">{{title}}</p>\n")
    foot = read(os.path.join(TEMPLATES, "partials", "foot.mustache"))
    write(os.path.join(own, "templates", "partials", "foot.mustache"),
          foot.replace("</footer>", "<p class=\"pied-perso\">Pied de page du projet</p></footer>"))
    write(os.path.join(own, "templates", "assets", "style.css"), "body { color: #123456 }\n")
    write(os.path.join(own, "templates", "assets", "logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n")
    rc, _, err = fiches("build", "--no-pdf", "-C", own)
    pub = os.path.join(own, "public")
    got = tree(pub, sha256)
    page = read(os.path.join(pub, "pages", "la-demarche.html"))
    action = read(os.path.join(pub, "fiches-actions", "maraude.html"))
    check("the project's page.mustache renders the pages", rc == 0 and "mon-modele" in page, err)
    check("the other templates still come from the built-in set, with the project's partial",
          "pied-perso" in action and "mon-modele" not in action and "<nav" in action)
    css = read(os.path.join(pub, "assets", "style.css"))
    check("the project's assets/style.css replaces the built-in one", css == "body { color: #123456 }\n")
    check("a project asset the built-in set lacks is published", "assets/logo.svg" in got)
    check("the other built-in assets are published as they are",
          got.get("assets/search.js") == builtin["assets/search.js"] and
          got.get("assets/site.js") == builtin["assets/site.js"])
    sw = read(os.path.join(pub, "sw.js"))
    check("the service worker precaches the project asset and has a new version",
          "\"assets/logo.svg\"" in sw and got["sw.js"] != builtin["sw.js"])

    # Names the build writes itself. The project's own icon replaces the
    # drawn one; a copy of the search index, or a .gz of an asset the build
    # compresses itself, is left out with one warning each; never an
    # internal error (the stage takes each path once).
    icon = b"\x89PNG\r\n\x1a\n" + b"logo du projet" * 8
    write(os.path.join(own, "templates", "assets", "icone-192.png"), icon)
    write(os.path.join(own, "templates", "assets", "recherche-index.js"), "var x = 1;\n")
    write(os.path.join(own, "templates", "assets", "site.js.gz"), "pas un gzip\n")
    rc, _, err = fiches("build", "--no-pdf", "-C", own)
    got = tree(pub, sha256)
    with open(os.path.join(pub, "assets", "icone-192.png"), "rb") as f:
        kept = f.read() == icon
    check("the project's assets/icone-192.png replaces the drawn icon; the 512 px one is still drawn",
          rc == 0 and kept and got.get("assets/icone-512.png") == builtin["assets/icone-512.png"], err)
    check("a copy of the search index in templates/assets: one warning at that file, the build's index kept",
          err.count("templates/assets/recherche-index.js: warning:") == 1 and
          got.get("assets/recherche-index.js") == builtin["assets/recherche-index.js"] and
          "internal error" not in err, err)
    check("templates/assets/site.js.gz beside site.js: one warning, the build compresses site.js itself",
          err.count("templates/assets/site.js.gz: warning:") == 1 and
          got.get("assets/site.js.gz") == builtin["assets/site.js.gz"], err)
    for name in ("icone-192.png", "recherche-index.js", "site.js.gz"):
        os.unlink(os.path.join(own, "templates", "assets", name))

    # A syntax error in the project's partial is reported at that file.
    write(os.path.join(own, "templates", "partials", "card.mustache"), "{{#x}}\n")
    before = tree(pub, sha256)
    rc, _, err = fiches("build", "--no-pdf", "-C", own)
    check("an error in the project's partial: templates/partials/card.mustache:1:1, nothing written",
          rc == 1 and "templates/partials/card.mustache:1:1: error:" in err and "built" not in err
          and tree(pub, sha256) == before, err)
    os.unlink(os.path.join(own, "templates", "partials", "card.mustache"))

    # --templates DIR overrides file by file too; a missing DIR is refused.
    alt = os.path.join(tmp, "alt")
    write(os.path.join(alt, "page.mustache"), "<!doctype html><p class=\"autre\">{{title}}</p>\n")
    rc, _, err = fiches("build", "--no-pdf", "-C", own, "--templates", alt, "-o", os.path.join(tmp, "out-alt"))
    page = read(os.path.join(tmp, "out-alt", "pages", "la-demarche.html"))
    check("--templates DIR: its page.mustache over the built-in set (not the project's)",
          rc == 0 and "autre" in page and "mon-modele" not in page, err)
    rc, _, err = fiches("build", "--no-pdf", "-C", own, "--templates", os.path.join(tmp, "nowhere"))
    check("--templates with a directory that does not exist: usage error, nothing written",
          rc == 2 and "nowhere: error:" in err and tree(pub, sha256) == before, err)
    shutil.rmtree(tmp)
    finish()


if __name__ == "__main__":
    require_built()
    sys.exit(main())
