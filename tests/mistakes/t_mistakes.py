#!/usr/bin/env python3
"""The coordinator mistakes corpus: one directory per mistake, expected messages beside it.

Usage:
  python3 tests/mistakes/t_mistakes.py                 run every case
  python3 tests/mistakes/t_mistakes.py CASE...         run these cases only
  python3 tests/mistakes/t_mistakes.py --update [CASE...]
                                                       rewrite expected.C and expected.fr
                                                       from what the program prints now

The format of a case is described in tests/mistakes/README.md. For each
case the runner copies tests/fixtures/basic (with the project's templates,
and public/ built once beforehand) to a scratch directory, applies the case
(files/, patch, remove), runs `fiches check` in English (LANGUAGE=C) and in
French (LANGUAGE=fr), and compares:

  - the diagnostic lines with expected.C and expected.fr (a unified diff
    is shown for each difference);
  - the exit status with the file `status`;
  - the number of diagnostic lines with the file `lines` (written by hand:
    one mistake, one line, unless the case says otherwise);
  - when the status is not 0, `fiches build --no-pdf` fails with the same
    status and the same messages, and public/ stays byte-identical.

Only the diagnostic lines (`file:line:col: error|warning|note: ...`) are
compared; the closing summary line is not part of a mistake's messages.
The last line printed is `N passed, N failed` (tests/run.sh reads it).
"""
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, TEMPLATES, check, finish  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.path.dirname(os.path.abspath(FICHES))
LOCALEDIR = os.path.join(BUILD_DIR, "locale")
CASES = os.path.join(HERE, "cases")
SANITIZED = os.environ.get("SANITIZE") == "1" or "sanitize" in FICHES
TIMEOUT = 120 if SANITIZED else 30

LANGS = (("C", "expected.C"), ("fr", "expected.fr"))

# A diagnostic: location, then a level word (English or French), then ":".
# The summary line ("fiches: 3 errors, ..." / "fiches: erreurs : 3, ...")
# has a count or a plural after the location, so it never matches.
DIAG = re.compile(r"^\S.*?: (error|warning|note|erreur|avertissement)\u00a0?\s?: ")


def env_for(lang):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LC_") or k in ("LANG", "LANGUAGE"):
            del env[k]
    env["LC_ALL"] = "C.UTF-8"
    env["LANGUAGE"] = lang
    env["NO_COLOR"] = "1"
    # The catalogue of the build tree, not an installed one.
    env["FICHES_LOCALEDIR"] = LOCALEDIR
    return env


def run(args, cwd, lang):
    p = subprocess.run([FICHES] + args, cwd=cwd, env=env_for(lang),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    err = p.stderr.decode("utf-8", "replace")
    return p.returncode, [l for l in err.splitlines() if DIAG.match(l)], err


def digest(path):
    out = {}
    for base, dirs, files in os.walk(path):
        for f in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            p = os.path.join(base, f)
            rel = os.path.relpath(p, path)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            else:
                with open(p, "rb") as fh:
                    out[rel] = (hashlib.sha256(fh.read()).hexdigest(), os.stat(p).st_mtime_ns)
    return out


def read(path, default=None):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return default


def read_int(path):
    text = read(path)
    if text is None:
        return None
    return int(text.split()[0])


class Case:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(CASES, name)
        desc = read(os.path.join(self.dir, "description"), "")
        self.title = desc.strip().splitlines()[0] if desc.strip() else ""
        self.status = read_int(os.path.join(self.dir, "status"))
        self.lines = read_int(os.path.join(self.dir, "lines"))
        args = read(os.path.join(self.dir, "args"), "")
        self.args = args.split()
        self.nobuild = os.path.exists(os.path.join(self.dir, "nobuild"))

    def apply(self, root):
        """Changes the copy of the fixture at root as the case says."""
        files = os.path.join(self.dir, "files")
        if os.path.isdir(files):
            for base, _, names in os.walk(files):
                for n in names:
                    src = os.path.join(base, n)
                    dst = os.path.join(root, os.path.relpath(src, files))
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    if os.path.lexists(dst):
                        os.unlink(dst)
                    shutil.copyfile(src, dst)
        patch = os.path.join(self.dir, "patch")
        if os.path.exists(patch):
            p = subprocess.run(["patch", "-p1", "-s", "-f", "--no-backup-if-mismatch",
                                "-d", root, "-i", patch],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                raise RuntimeError("patch does not apply: " + p.stdout.decode(errors="replace"))
        for rel in read(os.path.join(self.dir, "remove"), "").split("\n"):
            rel = rel.strip()
            if rel:
                target = os.path.join(root, rel)
                if os.path.isdir(target) and not os.path.islink(target):
                    shutil.rmtree(target)
                else:
                    os.unlink(target)


def show_diff(label, expected, actual):
    """A unified diff, indented under the problem it explains."""
    diff = difflib.unified_diff(expected, actual, "expected " + label, "actual " + label,
                                lineterm="", n=2)
    return "\n".join("    " + line for line in diff)


def prepare_base(scratch):
    """The fixture with templates and a built public/, copied by every case."""
    base = os.path.join(scratch, "base")
    shutil.copytree(FIXTURE, base, symlinks=True)
    if not os.path.exists(os.path.join(base, "templates")):
        shutil.copytree(TEMPLATES, os.path.join(base, "templates"))
    rc, _, err = run(["build", "--no-pdf"], base, "C")
    if rc != 0:
        print("the fixture does not build:\n" + err)
        sys.exit(1)
    return base


def run_case(case, base, scratch, update):
    """Returns a list of problems (empty when the case passes)."""
    problems = []
    root = os.path.join(scratch, case.name)
    shutil.copytree(base, root, symlinks=True)
    try:
        case.apply(root)
    except (RuntimeError, OSError) as e:
        return [str(e)]
    public = os.path.join(root, "public")
    before = digest(public)
    outputs = {}
    for lang, fname in LANGS:
        rc, diags, raw = run(["check"] + case.args, root, lang)
        outputs[lang] = (rc, diags, raw)
        path = os.path.join(case.dir, fname)
        if update:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write("".join(l + "\n" for l in diags))
            continue
        expected = read(path)
        if expected is None:
            problems.append(f"{fname} is missing (run with --update, then review it)")
            continue
        if expected.splitlines() != diags:
            problems.append(f"check (LANGUAGE={lang}) prints other messages:\n"
                            + show_diff(fname, expected.splitlines(), diags))
    rc, diags, raw = outputs["C"]
    if rc not in (0, 1):
        problems.append(f"check exits with {rc} (a crash or usage error?):\n{raw}")
    if update and case.status is None:
        with open(os.path.join(case.dir, "status"), "w") as fh:
            fh.write(f"{rc}\n")
        case.status = rc
        print(f"  wrote status {rc}: review it")
    if update and case.lines is None:
        with open(os.path.join(case.dir, "lines"), "w") as fh:
            fh.write(f"{len(diags)}\n")
        case.lines = len(diags)
        print(f"  wrote lines {len(diags)}: review it (one mistake, one line)")
    if case.status is None:
        problems.append("the file 'status' is missing")
    elif rc != case.status:
        problems.append(f"check exits with {rc}, expected {case.status}")
    if case.lines is None:
        problems.append("the file 'lines' is missing")
    elif len(diags) != case.lines:
        problems.append(f"{len(diags)} diagnostic lines, expected {case.lines}")
    if outputs["fr"][0] != rc:
        problems.append(f"check exits with {outputs['fr'][0]} in French, {rc} in English")
    if len(outputs["fr"][1]) != len(diags):
        problems.append(f"{len(outputs['fr'][1])} lines in French, {len(diags)} in English")
    if rc != 0 and not case.nobuild:
        brc, bdiags, braw = run(["build", "--no-pdf"] + case.args, root, "C")
        if brc != rc:
            problems.append(f"build exits with {brc}, check with {rc}:\n{braw}")
        if bdiags != diags:
            problems.append("build prints other messages than check:\n"
                            + show_diff("(check)", diags, bdiags))
        if digest(public) != before:
            problems.append("public/ changed after a failed build")
    return problems


def main(argv):
    update = "--update" in argv
    names = [a for a in argv if not a.startswith("--")]
    if not names:
        names = sorted(n for n in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, n)))
    scratch = tempfile.mkdtemp(prefix="fiches-mistakes-")
    try:
        base = prepare_base(scratch)
        for name in names:
            if not os.path.isdir(os.path.join(CASES, name)):
                check(name, False, f"no such case in {CASES}")
                continue
            case = Case(name)
            if update:
                print(f"update {name}")
            problems = run_case(case, base, scratch, update)
            shutil.rmtree(os.path.join(scratch, name), ignore_errors=True)
            check(name, not problems, case.title + "".join("\n  " + p for p in problems))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    finish()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
