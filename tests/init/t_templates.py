#!/usr/bin/env python3
"""The templates built into the program, and a project's own templates over them.

A project with no templates/ builds with the built-in set, byte for byte as
with a copy of the source tree's templates/; a project's templates/NAME
replaces that one file (a page template, a partial, an asset) and the rest
still comes from the built-in set; an error in a project's partial is
reported at its own file; --templates DIR plays the part of templates/, and
a DIR that does not exist is a usage error.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, TEMPLATES, check, finish  # noqa: E402


def run(args, env=None):
    e = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")
    e.update(env or {})
    p = subprocess.run([FICHES] + args, capture_output=True, text=True, env=e)
    return p.returncode, p.stdout, p.stderr


def digest(path):
    out = {}
    for base, _, files in os.walk(path):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, path)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def project(tmp, name, with_templates=False):
    d = os.path.join(tmp, name)
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(d, "content"))
    if with_templates:
        shutil.copytree(TEMPLATES, os.path.join(d, "templates"))
    return d


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-templates-")
    bare = project(tmp, "bare")
    rc, _, err = run(["build", "--no-pdf", "-C", bare])
    check("a project without templates/ builds with the built-in set", rc == 0, err)
    full = project(tmp, "full", with_templates=True)
    rc, _, err = run(["build", "--no-pdf", "-C", full])
    same = digest(os.path.join(bare, "public")) == digest(os.path.join(full, "public"))
    check("built-in set = the source tree's templates/, byte for byte (service worker included)",
          rc == 0 and same, err)
    builtin = digest(os.path.join(bare, "public"))

    # One page template, one partial and one asset replaced; one asset added.
    own = project(tmp, "own")
    write(os.path.join(own, "templates", "page.mustache"),
          "<!doctype html><title>{{title}}</title><p class=\"mon-modele\">{{title}}</p>\n")
    with open(os.path.join(TEMPLATES, "partials", "foot.mustache"), encoding="utf-8") as f:
        foot = f.read()
    write(os.path.join(own, "templates", "partials", "foot.mustache"),
          foot.replace("</footer>", "<p class=\"pied-perso\">Pied de page du projet</p></footer>"))
    write(os.path.join(own, "templates", "assets", "style.css"), "body { color: #123456 }\n")
    write(os.path.join(own, "templates", "assets", "logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n")
    rc, _, err = run(["build", "--no-pdf", "-C", own])
    pub = os.path.join(own, "public")
    got = digest(pub)
    with open(os.path.join(pub, "pages", "la-demarche.html"), encoding="utf-8") as f:
        page = f.read()
    with open(os.path.join(pub, "fiches-actions", "maraude.html"), encoding="utf-8") as f:
        action = f.read()
    check("the project's page.mustache renders the pages", rc == 0 and "mon-modele" in page, err)
    check("the other templates still come from the built-in set, with the project's partial",
          "pied-perso" in action and "mon-modele" not in action and "<nav" in action)
    with open(os.path.join(pub, "assets", "style.css"), encoding="utf-8") as f:
        css = f.read()
    check("the project's assets/style.css replaces the built-in one", css == "body { color: #123456 }\n")
    check("a project asset the built-in set lacks is published", "assets/logo.svg" in got)
    check("the other built-in assets are published as they are",
          got.get("assets/search.js") == builtin["assets/search.js"] and
          got.get("assets/site.js") == builtin["assets/site.js"])
    with open(os.path.join(pub, "sw.js"), encoding="utf-8") as f:
        sw = f.read()
    check("the service worker precaches the project asset and has a new version",
          "\"assets/logo.svg\"" in sw and got["sw.js"] != builtin["sw.js"])

    # A syntax error in the project's partial is reported at that file.
    write(os.path.join(own, "templates", "partials", "card.mustache"), "{{#x}}\n")
    before = digest(pub)
    rc, _, err = run(["build", "--no-pdf", "-C", own])
    check("an error in the project's partial: templates/partials/card.mustache:1:1, nothing written",
          rc == 1 and "templates/partials/card.mustache:1:1: error:" in err and "built" not in err
          and digest(pub) == before, err)
    os.unlink(os.path.join(own, "templates", "partials", "card.mustache"))

    # --templates DIR overrides file by file too; a missing DIR is refused.
    alt = os.path.join(tmp, "alt")
    write(os.path.join(alt, "page.mustache"), "<!doctype html><p class=\"autre\">{{title}}</p>\n")
    rc, _, err = run(["build", "--no-pdf", "-C", own, "--templates", alt, "-o", os.path.join(tmp, "out-alt")])
    with open(os.path.join(tmp, "out-alt", "pages", "la-demarche.html"), encoding="utf-8") as f:
        page = f.read()
    check("--templates DIR: its page.mustache over the built-in set (not the project's)",
          rc == 0 and "autre" in page and "mon-modele" not in page, err)
    rc, _, err = run(["build", "--no-pdf", "-C", own, "--templates", os.path.join(tmp, "nowhere")])
    check("--templates with a directory that does not exist: usage error, nothing written",
          rc == 2 and "nowhere: error:" in err and digest(pub) == before, err)
    shutil.rmtree(tmp)
    finish()


if __name__ == "__main__":
    if not os.access(FICHES, os.X_OK):
        print(f"{FICHES} not built")
        print("0 passed, 1 failed")
        sys.exit(1)
    sys.exit(main())
