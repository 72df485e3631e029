#!/usr/bin/env python3
"""The command line as a coordinator meets it (issue 13, item 8).

Each subcommand's --help is its own; options a subcommand does not take are
refused with exit 2 and the likeliest fix (« did you mean », or the command
the option belongs to); mistyped subcommands get « did you mean »;
--format takes A4/A5 in either case; `booklet --impose` names both files it
wrote; running where there is no content/ points at the -C that works.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, check, finish, project, run as run_cmd, require_built  # noqa: E402


def run(args, cwd=None, env=None, fiches=FICHES):
    # Messages from the program's own catalogue, never an installed one.
    p = run_cmd([fiches] + args, env=dict(env or {}, FICHES_LOCALEDIR=None), cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def long_options(help_text):
    return set(re.findall(r"--([a-z][a-z-]*)", help_text))


def test_help():
    rc, glob, _ = run(["--help"])
    check("global --help exits 0", rc == 0)
    helps = {}
    listed = re.findall(r"^  ([a-z]+) +\S", glob, re.M)
    for cmd in ("build", "check", "serve", "new", "booklet"):
        check(f"the global help lists {cmd}", cmd in listed, str(listed))
    for cmd in listed:
        rc, out, err = run([cmd, "--help"])
        helps[cmd] = out
        check(f"{cmd} --help exits 0 on stdout", rc == 0 and out and not err, err)
        check(f"{cmd} --help is its own usage", out.startswith(f"Usage: fiches {cmd} "),
              out[:80])
        rc2, out2, _ = run(["help", cmd])
        check(f"fiches help {cmd} prints the same", rc2 == 0 and out2 == out)
    check("each command's help differs from the others'",
          len(set(helps.values())) == len(listed) >= 5, str(listed))
    check("check --help lists no --port", "--port" not in helps["check"])
    check("serve --help lists --port and --host",
          {"port", "host"} <= long_options(helps["serve"]))
    check("booklet --help lists the selection options",
          {"theme", "logic", "public", "ids", "format", "impose", "title", "output"}
          <= long_options(helps["booklet"]))
    check("booklet --help says the imposed file's name", "-imposee.pdf" in helps["booklet"])
    check("build --help lists --no-pdf, not --theme",
          "no-pdf" in long_options(helps["build"]) and "theme" not in long_options(helps["build"]))


def test_refusals(proj):
    rc, _, err = run(["check", "--port", "1", "-C", proj])
    check("check --port 1 exits 2", rc == 2, f"{rc} {err}")
    check("… says --port belongs to serve",
          "unknown option '--port'" in err and "'fiches serve'" in err, err)
    rc, _, err = run(["build", "--theme", "x", "-C", proj])
    check("build --theme exits 2", rc == 2, err)
    rc, _, err = run(["biuld", "-C", proj])
    check("biuld exits 2", rc == 2)
    check("biuld: did you mean build", "Did you mean 'fiches build'?" in err, err)
    rc, _, err = run(["chek"])
    check("chek: did you mean check", rc == 2 and "'fiches check'" in err, err)
    rc, _, err = run(["traduire"])
    check("an unknown command far from all gets no guess",
          rc == 2 and "unknown command 'traduire'" in err and "Did you mean" not in err, err)
    rc, _, err = run(["publier"])
    check("publier (French): did you mean publish",
          rc == 2 and "Did you mean 'fiches publish'?" in err, err)
    rc, _, err = run(["check", "--stict", "-C", proj])
    check("--stict: did you mean --strict", rc == 2 and "Did you mean '--strict'?" in err, err)
    rc, _, err = run(["build", "--no-pfd", "-C", proj])
    check("--no-pfd: did you mean --no-pdf", rc == 2 and "'--no-pdf'" in err, err)
    rc, _, err = run(["build", "-j"])
    check("-j without a value exits 2", rc == 2 and "needs a value" in err, err)
    rc, _, err = run(["build", "extra", "-C", proj])
    check("an operand build does not take exits 2",
          rc == 2 and "unexpected argument 'extra'" in err, err)
    rc, _, err = run(["new", "action", "-C", proj])
    check("new without a title exits 2 with its usage",
          rc == 2 and "Usage: fiches new " in err, err)
    rc, _, err = run(["--verison"])
    check("--verison: did you mean --version", rc == 2 and "'fiches --version'" in err, err)
    rc, _, err = run(["-C", proj, "build"])
    check("an option before the command: the command comes first",
          rc == 2 and "The command comes first" in err, err)
    rc, _, err = run(["booklet", "atelier", "--format", "A3", "-o", "x.pdf", "-C", proj])
    check("--format A3 exits 2", rc == 2 and "A4 or A5" in err, err)


def pdf_size(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return (round(float(m.group(1))), round(float(m.group(2)))) if m else None


def test_booklet(proj):
    out = tempfile.mkdtemp(prefix="fiches-cli-out-")
    for fmt, size in (("A5", (420, 595)), ("a5", (420, 595)), ("A4", (595, 842))):
        target = os.path.join(out, f"fmt-{fmt}.pdf")
        rc, _, err = run(["booklet", "--ids", "action:1", "--format", fmt, "-o", target,
                          "-C", proj])
        check(f"--format {fmt} is accepted", rc == 0, err)
        check(f"--format {fmt} gives {size}", pdf_size(target) == size, str(pdf_size(target)))
    rc, _, err = run(["booklet", "--ids", "action:1,action:2", "--impose", "-o", "atelier.pdf",
                      "-C", proj], cwd=out)
    imposed = os.path.join(out, "atelier-imposee.pdf")
    check("booklet --impose exits 0", rc == 0, err)
    check("the imposed file is written", os.path.exists(imposed))
    check("booklet names the reading-order file with its full path",
          f"wrote {os.path.join(out, 'atelier.pdf')} (" in err, err)
    check("booklet names the imposed file with its full path",
          f"wrote {imposed} (" in err, err)
    check("each file on its own line", len(re.findall(r"^fiches: wrote ", err, re.M)) == 2, err)
    rc, _, err = run(["booklet", "--ids", "action:1", "-o", "seul.pdf", "-C", proj], cwd=out)
    check("without --impose only one file is named",
          rc == 0 and len(re.findall(r"^fiches: wrote ", err, re.M)) == 1, err)
    rc, _, err = run(["booklet", "--ids", "action:1", "-C", proj])
    check("booklet without -o exits 2 and says -o", rc == 2 and "-o FILE.pdf" in err, err)
    shutil.rmtree(out, ignore_errors=True)


def test_content_hint(proj):
    rc, _, err = run(["check"], cwd=os.path.join(proj, "content"))
    check("check inside content/ exits 1", rc == 1, err)
    check("… suggests -C ..", "run 'fiches check -C ..'" in err, err)
    check("… in one line", len(err.strip().splitlines()) == 1, err)
    rc, _, err = run(["build"], cwd=os.path.join(proj, "content", "actions"))
    check("build two levels down suggests -C ../..", rc == 1 and "-C ../..'" in err, err)
    rc, _, err = run(["check", "-C", os.path.join(proj, "content")])
    check("-C pointing at content/ suggests its parent",
          rc == 1 and f"run 'fiches check -C {os.path.realpath(proj)}'" in err, err)
    rc, _, err = run(["check", "-C", "content"], cwd=proj)
    check("a relative -C content suggests content/..",
          rc == 1 and "run 'fiches check -C content/..'" in err, err)
    lonely = tempfile.mkdtemp(prefix="fiches-cli-empty-")
    rc, _, err = run(["check"], cwd=lonely)
    check("no content/ anywhere above: the plain error, no -C hint",
          rc == 1 and "no content directory" in err and "-C" not in err, err)
    shutil.rmtree(lonely)
    rc, _, _ = run(["check", "-C", proj])
    check("check at the project root still works", rc == 0)


def main():
    require_built()
    proj = project(templates=True)
    try:
        test_help()
        test_refusals(proj)
        test_booklet(proj)
        test_content_hint(proj)
    finally:
        shutil.rmtree(os.path.dirname(proj), ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
