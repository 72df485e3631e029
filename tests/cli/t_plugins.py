#!/usr/bin/env python3
"""The typesetting and the server as plugins (README, « Libraries »).

A copy of the program with no plugin beside it still builds the site
without PDFs and checks it; the commands that need a plugin stop with
one French message that names the module and says what to do, write
nothing, and exit with status 3. A plugin from another build (a table of
another version) or a shared object without the table is refused by
plugin_load.c before anything is called through it.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, check, finish, require_built, run  # noqa: E402

FRENCH = {"LANGUAGE": "fr", "LC_ALL": None, "LANG": "fr_FR.UTF-8"}


def shared_object(tmp, name, source):
    """Compiles source into tmp/name; returns whether cc could."""
    c = os.path.join(tmp, name + ".c")
    with open(c, "w") as f:
        f.write(source)
    p = subprocess.run(["cc", "-shared", "-fPIC", "-o", os.path.join(tmp, name), c],
                       capture_output=True, text=True)
    os.unlink(c)
    return check("cc builds " + name, p.returncode == 0, p.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-plugins-")
    alone = os.path.join(tmp, "fiches")
    shutil.copy2(FICHES, alone)
    out = os.path.join(tmp, "site")

    p = run([alone, "build", "--no-pdf", "-q", "-C", FIXTURE, "-o", out])
    check("no plugin: build --no-pdf builds the site", p.returncode == 0 and
          os.path.exists(os.path.join(out, "index.html")), p.stderr)
    p = run([alone, "check", "-C", FIXTURE])
    check("no plugin: check runs", p.returncode == 0, p.stderr)

    pdf = os.path.join(tmp, "livret.pdf")
    p = run([alone, "booklet", "--ids", "action:1", "-C", FIXTURE, "-q", "-o", pdf], env=FRENCH)
    check("no plugin: a booklet stops with one French message naming fiches-pdf.so, status 3",
          p.returncode == 3 and p.stderr.count("\n") == 1 and
          "le module pdf de fiches ne peut pas être chargé" in p.stderr and
          "fiches-pdf.so" in p.stderr and "réinstallez fiches" in p.stderr, p.stderr)
    check("no plugin: nothing written", not os.path.exists(pdf))
    p = run([alone, "serve", "-C", FIXTURE, "--port", "0"], env=FRENCH, timeout=60)
    check("no plugin: serve stops with the serve module's message, status non-zero",
          p.returncode != 0 and "le module serve de fiches ne peut pas être chargé" in p.stderr,
          p.stderr)

    # A table of another version: refused, never called.
    if shared_object(tmp, "fiches-pdf.so",
                     "struct stamp { unsigned abi, size; };\n"
                     "const struct stamp fiches_pdf_plugin = {999, sizeof(struct stamp)};\n"):
        p = run([alone, "booklet", "--ids", "action:1", "-C", FIXTURE, "-q", "-o", pdf], env=FRENCH)
        check("a plugin of another version is refused with one French message, status 3",
              p.returncode == 3 and p.stderr.count("\n") == 1 and
              "le module pdf de fiches n’est pas celui de ce programme" in p.stderr and
              not os.path.exists(pdf), p.stderr)
    # A shared object without the table.
    if shared_object(tmp, "fiches-pdf.so", "int not_a_table = 1;\n"):
        p = run([alone, "booklet", "--ids", "action:1", "-C", FIXTURE, "-q", "-o", pdf], env=FRENCH)
        check("a shared object without the table is refused the same way",
              p.returncode == 3 and
              "le module pdf de fiches n’est pas celui de ce programme" in p.stderr and
              not os.path.exists(pdf), p.stderr)

    # The program's own plugins beside it: the booklet is made.
    plugin = os.path.join(os.path.dirname(FICHES), "fiches-pdf.so")
    shutil.copy2(plugin, os.path.join(tmp, "fiches-pdf.so"))
    p = run([alone, "booklet", "--ids", "action:1", "-C", FIXTURE, "-q", "-o", pdf])
    check("with its own fiches-pdf.so beside it, the copy makes the booklet",
          p.returncode == 0 and os.path.getsize(pdf) > 1000, p.stderr)
    shutil.rmtree(tmp)
    finish()


if __name__ == "__main__":
    require_built()
    sys.exit(main())
