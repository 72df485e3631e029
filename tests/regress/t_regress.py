#!/usr/bin/env python3
"""Regression corpus (issue 14, item 8), in the manner of lowdown's regress/:
each fiche of tests/regress/cases/ is built with the basic fixture around
it, and four outputs are compared with tests/regress/expected/:

  NAME.html         the page's <main> fragment, as written
  NAME.pdf.txt      the text of the fiche's own PDF, page by page (pdftotext)
  NAME.search.txt   the search records of the fiche (title, summary, and
                    each section's heading, anchor and text)
  NAME.json         the fiche's record of site.json (fields and relations)

A difference prints a unified diff and fails. When it is intended, run
  python3 tests/regress/t_regress.py --update
and read `git diff tests/regress/expected` before committing it.
Prints "N passed, N failed" last."""
import difflib, glob, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, check, finish  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")


def front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return dict(re.findall(r"^(\w+): *(.*)$", m.group(1), re.M)) if m else {}


def main_fragment(path):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    m = re.search(r"<main\b.*?</main>", page, re.S)
    # A PDF's size changes with every byte of it: the PDF text is compared
    # on its own below, so the size is left out of the page fragment.
    main = re.sub(r"\(PDF, [0-9\u202f\u00a0 ,]+[kKM]o\)", "(PDF, … Ko)", m.group(0)) if m else None
    return (main or "(no <main> in %s)" % path) + "\n"


def pdf_text(path):
    if not os.path.exists(path):
        return "(no PDF %s)\n" % os.path.basename(path)
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True)
    pages = r.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    out = []
    for i, p in enumerate(pages, 1):
        out.append("--- page %d ---\n" % i)
        out.append("\n".join(l.rstrip() for l in p.strip("\n").splitlines()) + "\n")
    return "".join(out)


def search_parts(site):
    """Every part of the search index, by name: each file calls
    FichesRechercheData(name, data)."""
    parts = {}
    for path in glob.glob(os.path.join(site, "assets", "recherche*.js")) + \
            glob.glob(os.path.join(site, "assets", "recherche", "*.js")):
        with open(path, encoding="utf-8") as f:
            js = f.read()
        m = re.search(r"FichesRechercheData\(\s*(\"[^\"]*\")\s*,\s*(.*)\)\s*;?\s*$", js, re.S)
        if m:
            parts[json.loads(m.group(1))] = json.loads(m.group(2))
    return parts


DIGITS64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def varints(s):
    """The index's numbers: five bits a character, 32 meaning « more follows »."""
    out, v, shift = [], 0, 1
    for ch in s:
        c = DIGITS64.index(ch)
        v += (c & 31) * shift
        shift *= 32
        if not c & 32:
            out.append(v)
            v, shift = 0, 1
    return out


def record_meta(parts, rec):
    """Kind, number and title of record rec, from the record lists (dN)."""
    for name, part in parts.items():
        if not (name.startswith("d") and isinstance(part, dict)):
            continue
        if not part["r"] <= rec < part["r"] + len(part["t"]):
            continue
        number = 0
        for i, z in enumerate(varints(part["n"])):
            number += -(z + 1) // 2 if z & 1 else z // 2
            if part["r"] + i == rec:
                return varints(part["k"])[i], number, part["t"][i]
    return None, None, None


def search_records(parts, href):
    for name, part in sorted(parts.items()):
        if not (name.startswith("t") and isinstance(part, dict) and "docs" in part):
            continue
        for k, doc in enumerate(part["docs"]):
            if doc[0] != href:
                continue
            rec = part["r"] + k
            kinds = parts.get("index", {}).get("kinds", [])
            kind_id, number, title = record_meta(parts, rec)
            kind = kinds[kind_id] if isinstance(kind_id, int) and kind_id < len(kinds) else kind_id
            out = ["kind: %s · number: %s\ntitle: %s\nsummary: %s\n" % (kind, number, title, doc[1])]
            for sec in part["secs"]:
                if part["r"] + sec[0] == rec:
                    head = "## %s #%s" % (sec[1], sec[2]) if sec[1] else "## (before the first heading)"
                    out.append("\n%s\n%s\n" % (head, sec[3]))
            return "".join(out)
    return "(no search record for %s)\n" % href


def compare(name, got, update):
    path = os.path.join(EXPECTED, name)
    if update:
        os.makedirs(EXPECTED, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(got)
        print("wrote " + os.path.relpath(path, ROOT))
        return
    want = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        "expected/" + name, "got/" + name, n=2))
    check(name, got == want, diff[:6000] if want else "missing " + path)


def main():
    update = "--update" in sys.argv
    cases = sorted(glob.glob(os.path.join(HERE, "cases", "*.md")))
    with tempfile.TemporaryDirectory() as tmp:
        project = os.path.join(tmp, "projet")
        shutil.copytree(FIXTURE, project)
        for c in cases:
            shutil.copy(c, os.path.join(project, "content", "actions"))
        site = os.path.join(tmp, "site")
        env = dict(os.environ, SOURCE_DATE_EPOCH="1464739200", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   LANGUAGE="")
        r = subprocess.run([FICHES, "build", "-C", project, "-o", site], capture_output=True,
                           text=True, env=env)
        check("the corpus builds", r.returncode == 0, r.stderr[-2000:])
        check("the cases are valid content (no warning)", "warning" not in r.stderr, r.stderr[-2000:])
        if r.returncode:
            finish()
        with open(os.path.join(site, "site.json"), encoding="utf-8") as f:
            data = json.load(f)
        actions = {str(a["number"]): a for a in data["actions"]}
        parts = search_parts(site)
        for c in cases:
            name = os.path.splitext(os.path.basename(c))[0]
            num = front_matter(c).get("number", "")
            rec = actions.get(num)
            if not rec:
                check(name + ": in site.json", False, "no action %s" % num)
                continue
            compare(name + ".html", main_fragment(os.path.join(site, rec["url"])), update)
            compare(name + ".pdf.txt", pdf_text(os.path.join(site, "pdf", "action-%s-%s.pdf" % (num, rec["id"]))),
                    update)
            compare(name + ".search.txt", search_records(parts, rec["url"]), update)
            compare(name + ".json", json.dumps(rec, ensure_ascii=False, indent=1, sort_keys=True) + "\n", update)
    if update:
        return 0
    finish()


if __name__ == "__main__":
    sys.exit(main())
