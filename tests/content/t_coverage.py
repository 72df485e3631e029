#!/usr/bin/env python3
"""Fidelity test: the fiches in content/ must republish the TAT report in full.

The source is ``003_8f6e0924e9eea6d2.txt`` (plain text extracted from the PDF
report), looked up in ``$FICHES_SEEDS`` (a directory or the file itself) or
else in ``../shared/seeds/`` relative to the repository root (two levels above
this script).

The script locates the span of each of the 11 fiches-actions (part one, 3.A)
and of the 6 fiches-thématiques (part two, B) in the source, cuts each span
into units (paragraphs and list items; a paragraph cut by a page break is
joined again), and checks that every unit appears in the concatenated text of
``content/actions/*.md`` and ``content/themes/*.md``.

Both sides are normalised the same way before comparing: Unicode NFC,
``^{ème}``/``^{er}`` superscripts, footnote markers (superscript digits and
``[^n]``), Markdown syntax (emphasis ``*``/``**``, links ``[text](target)`` ->
text, autolinks, heading and list markers, hard breaks, square brackets),
quotes and apostrophes (« » " “ ” ' ’ ‘), dashes, ellipses, hyphenation breaks
(``psy- choactives``), whitespace (including before punctuation and inside
guillemets), ``fiche-action10`` -> ``fiche-action 10``, and letter case (the
report's block labels are in capitals, the fiches use headings).

The only source lines not checked are the fiche-action block labels (ACTEURS,
OBJECTIFS, CONTACT(S), PARMI/PARTI DES QUESTIONNEMENTS TRAVAILLÉS, OUVRAGES
PRODUITS), which become the fixed ``##`` headings; a fiche's title line is
checked against the ``title:`` fields of the front matter instead of the body.

Output: per-fiche coverage, the units not found, and a last line
``N passed, M failed``. Exit status 1 when overall coverage is below 99 %.
Without the seeds: ``coverage: skipped (../shared/seeds not found)``, then
``0 passed, 0 failed, 1 skipped``, exit status 0.
"""

import glob
import os
import re
import sys
import unicodedata

SOURCE_NAME = "003_8f6e0924e9eea6d2.txt"
THRESHOLD = 0.99

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ACTION_TITLES = [
    "Collectif ensemble dans la prévention",
    "Questions de Réseaux",
    "Réseaux et territoire",
    "Santal",
    "Parcours santé-jeunes",
    "Habitants à l'épreuve des trafics",
    "Réduction des risques liés aux usages",
    "Gestion des traces matérialisées et lien avec l'environnement",
    "Soutien aux familles et proches victimes de la violence des réseaux",
    "Dispositif de Veille",
    "Formation",
]
ACTIONS_START = "A. Les actions menées"
ACTIONS_END = "B. L'impact des actions et de la démarche TAT"

THEME_TITLES = [
    "Le cadre de vie",
    "Economie de la débrouille",
    "Scolarisation, qualification, insertion socioprofessionnelle",
    "Intervention sociale et positionnement professionnel",
    "Adolescence : Construction identitaire / santé",
    "L'expertise des habitants",
]
THEMES_START = "B. Les fiches thématiques"
THEMES_END = "TROISIEME PARTIE"

# Block labels of a fiche-action, rendered as the fixed "##" headings.
LABEL = re.compile(
    r"(ACTEURS|OBJECTIFS|CONTACTS?|PAR(MI|TI) (LES|DES) QUESTIONNEMENTS TRAVAILL[ÉE]S"
    r"|OUVRAGES PRODUITS)"
)


def find_source():
    env = os.environ.get("FICHES_SEEDS")
    candidates = []
    if env:
        candidates += [env, os.path.join(env, SOURCE_NAME)]
    candidates.append(os.path.join(ROOT, "..", "shared", "seeds", SOURCE_NAME))
    for c in candidates:
        if os.path.isfile(c):
            return c
    return None


# ---- normalisation (applied to both sides) ----------------------------------

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def normalise(text):
    t = unicodedata.normalize("NFC", text)
    t = re.sub(r"\^\{([^}]*)\}", lambda m: "e" if m.group(1) in ("ème", "eme", "e") else m.group(1), t)
    t = re.sub(r"[%s]+" % SUPERSCRIPT_DIGITS, "", t)
    t = re.sub(r"\[\^[^\]]*\]", "", t)                      # footnote references
    t = re.sub(r"!?\[([^\]]*)\]\([^)\s]*\)", r"\1", t)      # links and images -> text
    t = re.sub(r"<((?:https?://|mailto:)?[^<>\s]+[@.][^<>\s]+)>", r"\1", t)  # autolinks
    t = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", t)             # ATX headings
    t = re.sub(r"(?m)^\s*(?:[-+*]|\d+[.)])\s+", "", t)      # list markers
    t = t.replace("\\\n", " ")                               # hard line breaks
    t = t.replace("*", "").replace("[", "").replace("]", "")
    for q in "«»“”„\"":
        t = t.replace(q, '"')
    for q in "’‘‛ʼ´`":
        t = t.replace(q, "'")
    for d in "–—‐‑":
        t = t.replace(d, "-")
    t = t.replace("…", "...")
    t = re.sub(r"[\u00a0\u202f\u2009\u2007\s]+", " ", t)
    t = re.sub(r"(\w)- (\w)", r"\1\2", t)                   # hyphenation breaks
    t = re.sub(r"fiche-action\s*(\d+)", r"fiche-action \1", t, flags=re.I)
    t = re.sub(r'\s+([.,;:!?)"])', r"\1", t)                # space before punctuation
    t = re.sub(r'(["(])\s+', r"\1", t)                      # space after opening marks
    return t.strip().casefold()


def fold_title(text):
    t = unicodedata.normalize("NFD", normalise(text))
    return "".join(c for c in t if not unicodedata.combining(c))


# ---- source -------------------------------------------------------------------

def index_of(lines, text, start=0):
    for i in range(start, len(lines)):
        if lines[i].strip() == text:
            return i
    for i in range(start, len(lines)):
        if lines[i].strip().startswith(text):
            return i
    raise SystemExit("coverage: cannot find %r in the source" % text)


def units(lines):
    """Paragraphs and list items of a span, page breaks repaired."""
    paras, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    out = []  # list of [kind, text]
    for p in paras:
        text = " ".join(p)
        if LABEL.fullmatch(text) or text == "PAR « QUESTIONS DE RÉSEAUX »":
            out.append(["label", text])
            continue
        if p[0].startswith("- "):
            for item in p:
                if item.startswith("- ") or not out:
                    out.append(["item", item[2:] if item.startswith("- ") else item])
                else:
                    out[-1][1] += " " + item
            continue
        prev = out[-1] if out else None
        if (prev and prev[0] == "para" and not re.search(r"[.!?:;»)…]$", prev[1])
                and text[:1].islower()):
            prev[1] += " " + text          # paragraph cut by a page break
        else:
            out.append(["para", text])
    return out


def part(lines, start, end, after, titles, label):
    """The fiches of the part of the source between the lines start and end
    (looked for from line after): their end line, and (label % N, title,
    lines) for each fiche, from the line after its title to the next one's."""
    first = index_of(lines, start, after)
    last = index_of(lines, end, first)
    starts = []
    pos = first
    for title in titles:
        pos = index_of(lines, title, pos + 1)
        starts.append(pos)
    ends = starts[1:] + [last]
    return last, [(label % (n + 1), title, lines[starts[n] + 1:ends[n]]) for n, title in enumerate(titles)]


def spans(lines):
    a1, actions = part(lines, ACTIONS_START, ACTIONS_END, 0, ACTION_TITLES, "fiche-action %d")
    # (The list « Fiche 1, Le cadre de vie »... after THEMES_START does not match a title line.)
    _, themes = part(lines, THEMES_START, THEMES_END, a1, THEME_TITLES, "fiche-thématique %d")
    return actions + themes


# ---- content ------------------------------------------------------------------

def read_content():
    bodies, titles = [], []
    files = sorted(glob.glob(os.path.join(ROOT, "content", "actions", "*.md")) +
                   glob.glob(os.path.join(ROOT, "content", "themes", "*.md")))
    for path in files:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read().replace("\r\n", "\n")
        m = re.match(r"---\n(.*?)\n---\n", text, re.S)
        if m:
            fm = m.group(1)
            text = text[m.end():]
            t = re.search(r"(?m)^title:\s*(.+?)\s*$", fm)
            if t:
                titles.append(fold_title(t.group(1).strip("\"'")))
        bodies.append(text)
    return files, normalise("\n\n".join(bodies)), set(titles)


def main():
    source = find_source()
    if not source:
        print("coverage: skipped (../shared/seeds not found)")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    with open(source, encoding="utf-8") as f:
        lines = f.read().split("\n")
    files, content, titles = read_content()
    if not files:
        print("coverage: no fiche in content/actions or content/themes")
    passed = failed = 0
    missing = []
    for name, title, span in spans(lines):
        ok = bad = 0
        if fold_title(title) in titles:
            ok += 1
        else:
            bad += 1
            missing.append((name, "title: " + title))
        for kind, text in units(span):
            if kind == "label":
                continue
            if normalise(text) in content:
                ok += 1
            else:
                bad += 1
                missing.append((name, text))
        passed += ok
        failed += bad
        total = ok + bad
        print("%-20s %-62s %3d/%-3d %5.1f%%" % (name, title[:62], ok, total,
                                                 100.0 * ok / total if total else 100.0))
    if missing:
        print()
        print("not found in content/:")
        for name, text in missing:
            short = text if len(text) <= 160 else text[:157] + "..."
            print("  [%s] %s" % (name, short))
    total = passed + failed
    ratio = passed / total if total else 0.0
    print()
    print("coverage: %.2f%% of %d source paragraphs (threshold %d%%)"
          % (100.0 * ratio, total, int(THRESHOLD * 100)))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if total and ratio >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
