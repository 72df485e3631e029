#!/usr/bin/env python3
"""The search's folding tables, from Unicode's data (Python's unicodedata).

Search folds words to lower case without accents, in the generator
(generator/html/search_fold.c: lower_tab, the lower case of U+00C0..U+017F that
the stemmer is given, and fold_str, the folded form of each) and in the
browser (templates/assets/*.js: FOLD, the same string). The three must
agree with each other and with Unicode: this script computes them.

  scripts/gen-fold-tables.py --check   exit 1 and say where a table differs
  scripts/gen-fold-tables.py --write   rewrite the tables in place

Folding: the letters of Latin-1 Supplement and Latin Extended-A lose their
diacritics (NFD, combining marks dropped) and their case; the letters that
decompose to nothing are spelt out (æ → ae, œ → oe, ß → ss, þ → th, ø → o,
ł → l…); × and ÷ are not letters and fold to nothing."""
import glob, os, re, sys, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST, END = 0xC0, 0x180
SPELT = {"Æ": "ae", "æ": "ae", "Œ": "oe", "œ": "oe", "ß": "ss", "Þ": "th", "þ": "th",
         "Ð": "d", "ð": "d", "Ø": "o", "ø": "o", "Đ": "d", "đ": "d", "Ħ": "h", "ħ": "h",
         "ı": "i", "Ĳ": "ij", "ĳ": "ij", "Ŀ": "l", "ŀ": "l", "Ł": "l", "ł": "l", "ŉ": "n",
         "Ŋ": "n", "ŋ": "n", "ſ": "s", "Ŧ": "t", "ŧ": "t", "ĸ": "k"}


def fold(cp):
    c = chr(cp)
    if c in SPELT:
        return SPELT[c]
    if unicodedata.category(c)[0] != "L":
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch)).lower()


def lower(cp):
    low = chr(cp).lower()
    return ord(low) if len(low) == 1 else cp  # İ lowers to two code points: kept


FOLDS = [fold(cp) for cp in range(FIRST, END)]
LOWERS = [lower(cp) for cp in range(FIRST, END)]
assert all(re.fullmatch(r"[a-z]*", f) for f in FOLDS)

C_FILE = os.path.join(ROOT, "generator/html/search_fold.c")
C_FOLD = re.compile(r"(static const char fold_str\[\] =\n)((?:\t\"[^\"]*\"\n?)+);")
C_LOWER = re.compile(r"(static const uint16_t lower_tab\[192\] = \{\n)([^}]*)(\};)")
JS_FOLD = re.compile(r"(var FOLD = \()((?:\"[^\"]*\"(?: \+)?\s*)+)(\)\.split\(\"\|\"\))")


def strings(literals):
    return "".join(re.findall(r"\"([^\"]*)\"", literals))


def wrap(entries, width, indent, quote_end):
    lines, cur = [], ""
    for i, e in enumerate(entries):
        piece = e + ("|" if i < len(entries) - 1 else "")
        if cur and len(indent) + len(cur) + len(piece) + 2 + len(quote_end) > width:
            lines.append(cur)
            cur = ""
        cur += piece
    lines.append(cur)
    return lines


def c_fold_text():
    lines = wrap(FOLDS, 96, "\t", "")
    return "\n".join("\t\"%s\"" % l for l in lines)


def c_lower_text():
    nums = ["0x%03x" % v for v in LOWERS]
    rows = [", ".join(nums[i:i + 12]) + "," for i in range(0, len(nums), 12)]
    return "".join("\t%s\n" % r for r in rows)


def js_fold_text():
    lines = wrap(FOLDS, 90, "    ", " +")
    return (" +\n    ").join("\"%s\"" % l for l in lines)


def main():
    write = "--write" in sys.argv
    problems = []
    with open(C_FILE, encoding="utf-8") as f:
        c = f.read()
    m = C_FOLD.search(c)
    if not m:
        problems.append("%s: fold_str not found" % C_FILE)
    elif strings(m.group(2)).split("|") != FOLDS:
        problems.append("%s: fold_str differs from Unicode's folding" % C_FILE)
        c = c[:m.start(2)] + c_fold_text() + c[m.end(2):]
    m = C_LOWER.search(c)
    if not m:
        problems.append("%s: lower_tab not found" % C_FILE)
    elif [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", m.group(2))] != LOWERS:
        problems.append("%s: lower_tab differs from Unicode's lower case" % C_FILE)
        c = c[:m.start(2)] + c_lower_text() + c[m.end(2):]
    js_found = 0
    js_new = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "templates/assets/*.js"))):
        with open(path, encoding="utf-8") as f:
            js = f.read()
        for m in reversed(list(JS_FOLD.finditer(js))):
            js_found += 1
            if strings(m.group(2)).split("|") != FOLDS:
                problems.append("%s: FOLD differs from Unicode's folding" % path)
                js = js[:m.start(2)] + js_fold_text() + js[m.end(2):]
                js_new[path] = js
    if not js_found:
        problems.append("templates/assets/*.js: no FOLD table found")
    for p in problems:
        print(p)
    if write:
        with open(C_FILE, "w", encoding="utf-8") as f:
            f.write(c)
        for path, js in js_new.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(js)
        return 0
    if not problems:
        print("the folding tables agree with Unicode %s (%d code points)" %
              (unicodedata.unidata_version, END - FIRST))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
