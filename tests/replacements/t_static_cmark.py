#!/usr/bin/env python3
"""cmark-gfm linked statically (issue 14: « multiple definition of
cmark_manage_extensions_special_characters »). build/tests/fiches-static-cmark
is the program as `make STATIC=1` links it: cmark-gfm's static libraries,
fiches' replacement of their function left out (FICHES_STATIC_CMARK). It must
link at all, hold no shared cmark-gfm, say in --version and once with
FICHES_DEBUG that inline passes run one at a time, and build the basic
fixture (with an autolink and a strikethrough, the extensions whose switch
the replacement guards) exactly as the shared-library program does. Prints "N passed, N failed" last."""
import filecmp, glob, os, shutil, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import ROOT, BUILD, FICHES, check, finish  # noqa: E402

STATIC = os.path.join(ROOT, BUILD, "tests", "fiches-static-cmark")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "basic")
EXTRA = "\nVoir www.example.org, l’ancienne adresse ~~www.example.net~~ n’existe plus.\n"


# Messages in English, texts in UTF-8, and none of the switches the test sets itself.
LOCALE = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "FICHES_DEBUG": None}


def run(*cmd, env=None):
    return fichestest.run(list(cmd), env={**LOCALE, **(env or {})}, cwd=ROOT)


def main():
    if not check("build/tests/fiches-static-cmark is built (make test links it)", os.path.exists(STATIC)):
        finish()
    ldd = run("ldd", STATIC).stdout
    check("no shared cmark-gfm in the static build", "libcmark-gfm" not in ldd, ldd)
    check("the shared build does use the shared cmark-gfm", "libcmark-gfm" in run("ldd", FICHES).stdout)
    v = run(STATIC, "--version").stdout
    line = [l for l in v.splitlines() if l.startswith("cmark-gfm ")]
    check("--version: inline passes one at a time, linked statically",
          len(line) == 1 and "one at a time" in line[0] and "statically" in line[0], v)
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "project")
        shutil.copytree(FIXTURE, project)
        fiche = sorted(glob.glob(os.path.join(project, "content", "actions", "*.md")))[0]
        with open(fiche, "a", encoding="utf-8") as f:
            f.write(EXTRA)
        shared, static = os.path.join(tmp, "shared"), os.path.join(tmp, "static")
        a = run(FICHES, "build", "--no-pdf", "-C", project, "-o", shared)
        b = run(STATIC, "build", "--no-pdf", "-C", project, "-o", static, env={"FICHES_DEBUG": "1"})
        check("shared build succeeds", a.returncode == 0, a.stderr[-800:])
        check("static build succeeds", b.returncode == 0, b.stderr[-800:])
        said = [l for l in b.stderr.splitlines() if l.startswith("fiches: cmark-gfm:")]
        check("FICHES_DEBUG: the static path announced once",
              len(said) == 1 and "linked statically" in said[0], b.stderr[-800:])
        ta, tb = fichestest.files(shared), fichestest.files(static)
        check("same files in both sites", ta == tb and len(ta) > 10, "%d vs %d files" % (len(ta), len(tb)))
        differ = [f for f in ta if f in tb and not filecmp.cmp(os.path.join(shared, f),
                                                               os.path.join(static, f), shallow=False)]
        check("same bytes in both sites", not differ, ", ".join(differ[:10]))
        slug = os.path.splitext(os.path.basename(fiche))[0]
        pages = [f for f in tb if f.endswith(".html") and slug.split("-", 1)[-1] in f and "actions" in f]
        html = open(os.path.join(static, pages[0]), encoding="utf-8").read() if pages else ""
        check("static build: the autolink is a link", 'href="http://www.example.org"' in html, str(pages))
        check("static build: the strikethrough is struck", '<del><a href="http://www.example.net"' in html,
              str(pages))
    finish()


if __name__ == "__main__":
    main()
