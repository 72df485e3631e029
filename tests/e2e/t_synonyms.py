#!/usr/bin/env python3
"""The search's synonyms, content/recherche.yaml (issue 18, item 4).

On copies of tests/fixtures/basic: without the file the build is as before
(an empty "alias" list); a valid file reaches the index as folded words
with the stems of their synonyms (a phrase keeps its words together, a
synonym the site never writes is left out); each mistake (two words before
« : », an empty or non-text synonym, an unknown key, a file that is not a
table) is one error at its line and column, in French under LANG=fr, and
the site is not published; the file is not reported as « not read ».
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, check, finish  # noqa: E402


def project(tmp, name, synonyms):
    proj = os.path.join(tmp, name)
    shutil.copytree(FIXTURE, proj)
    shutil.rmtree(os.path.join(proj, "public"), ignore_errors=True)
    if synonyms is not None:
        with open(os.path.join(proj, "content", "recherche.yaml"), "w", encoding="utf-8") as f:
            f.write(synonyms)
    return proj


def build(proj, lang="C"):
    env = dict(os.environ, LANG=lang, LC_ALL=lang, LANGUAGE="")
    return subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True,
                          text=True, env=env, timeout=120)


def index(proj):
    with open(os.path.join(proj, "public", "assets", "recherche-index.js"), encoding="utf-8") as f:
        return f.read()


def alias(text):
    m = re.search(r'"alias":(\[.*\])\}\);\s*$', text, re.S)
    return m.group(1) if m else None


def texts(proj):
    """The sections' texts: the index's text fragments, assets/recherche/t*.js."""
    parts = os.path.join(proj, "public", "assets", "recherche")
    out = ""
    for f in sorted(os.listdir(parts)):
        if f.startswith("t"):
            with open(os.path.join(parts, f), encoding="utf-8") as fp:
                out += fp.read()
    return out


tmp = tempfile.mkdtemp(prefix="fiches-synonyms-")
try:
    proj = project(tmp, "none", None)
    r = build(proj)
    check("without recherche.yaml the build succeeds", r.returncode == 0, r.stderr)
    check("… and the index has an empty alias list", r.returncode == 0 and alias(index(proj)) == "[]",
          r.returncode == 0 and index(proj)[-200:])

    # Words of the fixture: find one common enough to serve as a synonym.
    words = re.findall(r"[a-zà-ÿ]{6,}", texts(proj).split('"secs":', 1)[1].lower())
    common, other = sorted(set(words), key=lambda w: (-words.count(w), w))[:2]
    good = (f"# Synonymes\nsynonymes:\n  Flic: {common}\n  came: [{common}, motquinexistepas]\n"
            f"  deal: {common} {other}\n  absent: motquinexistepas\n")
    proj = project(tmp, "good", good)
    r = build(proj)
    check("a valid recherche.yaml builds without a message",
          r.returncode == 0 and ": error" not in r.stderr and ": warning" not in r.stderr, r.stderr)
    a = alias(index(proj)) if r.returncode == 0 else None
    check("the key is folded (Flic → flic) with one stem", a is not None and re.search(r'\["flic",\[\[\d+\]\]\]', a),
          str(a))
    check("a synonym the site never writes is left out, the others kept",
          a is not None and re.search(r'\["came",\[\[\d+\]\]\]', a), str(a))
    # A phrase of several words has its postings intersected at build time: its number follows.
    check("a phrase keeps its words together", a is not None and re.search(r'\["deal",\[\[\d+,\d+\]\],\[\d+\]\]', a), str(a))
    check("a word with no synonym left is not shipped", a is not None and '"absent"' not in a, str(a))

    bad = ("synonymes:\n"
           "  petit frere: jeunes\n"        # line 2: two words
           "  shit:\n"                      # line 3: empty
           "  came: [drogue, {a: b}]\n"      # line 4: not a text
           "  flic: \"  \"\n"               # line 5: no word
           "autre: 1\n")                    # line 6: unknown key
    proj = project(tmp, "bad", bad)
    r = build(proj)
    errs = [l for l in r.stderr.splitlines() if ": error: " in l]
    check("mistakes fail the build", r.returncode != 0, r.stderr)
    check("one error per mistake (5)", len(errs) == 5, "\n".join(errs))
    for where, what in [("2:3", "is not one word"), ("3:3", "has no synonym"),
                        ("4:18", "must be words of the site"), ("5:9", "is empty"),
                        ("6:1", "unknown key 'autre'")]:
        check(f"content/recherche.yaml:{where}: {what}",
              any(l.startswith(f"content/recherche.yaml:{where}: error: ") and what in l for l in errs),
              "\n".join(errs))
    check("the site is not published", not os.path.exists(os.path.join(proj, "public", "index.html")),
          str(os.listdir(os.path.join(proj, "public")) if os.path.exists(os.path.join(proj, "public")) else ""))
    check("recherche.yaml is not reported as a file not read", "not read" not in r.stderr, r.stderr)

    proj = project(tmp, "shape", "- shit\n- cannabis\n")
    r = build(proj)
    check("a list instead of a table: one error at 1:1",
          r.returncode != 0 and "content/recherche.yaml:1:1: error: expected a 'synonymes:' table" in r.stderr,
          r.stderr)

    r = build(project(tmp, "fr", "synonymes:\n  petit frere: jeunes\n"), lang="fr_FR.UTF-8")
    check("in French: « « petit frere » n’est pas un seul mot »",
          "content/recherche.yaml:2:3: erreur" in r.stderr and "«\u202fpetit frere\u202f» n’est pas un seul mot" in r.stderr,
          r.stderr)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

finish()
