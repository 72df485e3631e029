#!/usr/bin/env python3
"""Typography of the booklets, read back from the PDFs (issue 17).

Builds the TAT site (content/) and the fixture (tests/fixtures/basic) with
$FICHES, reads every reading-order booklet back with `pdftotext -bbox-layout`
and plain `pdftotext`, and measures what a typographer would look at:

  measure       median characters of a full justified body line (60-75)
  overflow      lines ending more than 1 pt past the right edge of the text
                (justified lines end up to 0.5 pt short of it)
  hyph-run      runs of more than two consecutive hyphenated lines
  page-turn     a page whose last body line ends with a hyphen
  url-hyphen    a hyphen added inside a web address or an e-mail address
                (and no zero-width space or U+034F left in the extracted text)
  loose         lines whose word spaces are above 1.8x the normal space
                (lines above 1.5x are reported)
  footnotes     a footnote call whose note text starts on another page
  nested-ref    « fiche-action 10 (voir fiche-action 10, p. 44) », « URL (URL) »,
                « "Santal (voir fiche-action 4, p. 33)" » (the page inside the quotes)
  straight-quote  straight double quotes " in the text
  sommaire / p. N  sommaire entries and « fiche-action N, p. M » land right
  single-line   a page holding a single line of text
  single-item   a page holding a single list item (its bullet line, then
                only lines indented under it) after a page
  fragment      a paragraph ending on a lone fragment: a line of body text
                that ends with a hyphen followed by a last line of fewer
                than 8 characters (« adapta-/tion. »)

The text frame is not assumed: on each page the right edge is the most
common end of the long lines that do not end with a hyphen, and the running
heads and page numbers are the lines found at the same height on many
pages. Hyphens added by the line breaking come out as U+00AD (soft hyphen,
see generator/pdf/text_renderer.c), hyphens of the text as '-'.

Checks not met yet are listed in KNOWN: they are reported as known
failures (counted as skipped) and the test fails when one of them starts
passing, so the list cannot hide progress or regressions.

`t_typography.py --report DIR...` prints the counts for the PDFs in DIR
(e.g. public/pdf) without building anything. Prints "N passed, N failed,
N skipped" last."""
import collections, os, re, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FICHES = os.environ.get("FICHES", os.path.join(ROOT, "build", "fiches"))
SHY = "\u00ad"

# Checks that the booklets do not meet yet (issue 17): known failures.
KNOWN = set()

passed = failed = skipped = 0


def check(name, ok, detail=""):
    global passed, failed, skipped
    known = name in KNOWN
    if ok and not known:
        passed += 1
        print("ok   " + name + (" (" + detail + ")" if detail else ""))
    elif ok and known:
        failed += 1
        print("FAIL " + name + ": now met, remove it from KNOWN (" + detail + ")")
    elif known:
        skipped += 1
        print("KNOWN FAIL " + name + ": " + detail)
    else:
        failed += 1
        print("FAIL " + name + ": " + detail)


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


class Line:
    __slots__ = ("words", "x0", "y0", "x1", "y1", "h", "last_of_block", "text")

    def __init__(self, words, last):
        self.words = words
        self.x0 = min(w[0] for w in words)
        self.y0 = min(w[1] for w in words)
        self.x1 = max(w[2] for w in words)
        self.y1 = max(w[3] for w in words)
        self.h = max(w[3] - w[1] for w in words)
        self.last_of_block = last
        self.text = " ".join(unescape(w[4]) for w in words)


def unescape(s):
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


def page_width(pdf):
    m = re.search(r"Page size:\s+([\d.]+)", run("pdfinfo", pdf).stdout)
    return m.group(1) if m else ""


def pages_of(pdf):
    """Pages, each a list of Line in reading order."""
    out = run("pdftotext", "-bbox-layout", pdf, "-").stdout
    pages = []
    for p in out.split("<page ")[1:]:
        lines = []
        for block in re.findall(r"<block [^>]*>(.*?)</block>", p, re.S):
            ls = re.findall(r"<line [^>]*>(.*?)</line>", block, re.S)
            for k, l in enumerate(ls):
                ws = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in WORD.findall(l)]
                if ws:
                    lines.append(Line(ws, k == len(ls) - 1))
        pages.append(lines)
    return pages


def furniture_heights(pages):
    """Heights (rounded yMin) where running heads and page numbers sit."""
    tops, bottoms = collections.Counter(), collections.Counter()
    for lines in pages:
        if len(lines) < 2:
            continue
        tops[round(min(l.y0 for l in lines))] += 1
        bottoms[round(max(l.y0 for l in lines))] += 1
    n = len(pages)
    keep = set()
    for c in (tops, bottoms):
        for y, k in c.items():
            if n >= 3 and k >= max(2, n * 0.3):
                keep.add(y)
    return keep


def is_furniture(l, heights):
    return any(abs(l.y0 - y) <= 1.0 for y in heights)


def mode(values):
    c = collections.Counter(round(v * 4) / 4 for v in values)
    return c.most_common(1)[0][0] if c else None


def ends_hyphen(l):
    t = l.words[-1][4]
    return t.endswith(SHY) or (len(t) > 2 and t.endswith("-") and t[-2].isalpha())


URLISH = re.compile(r"(://|^www\.|@|\w\.(org|fr|com|net|gouv|eu|info)\b)", re.I)


class Stats:
    def __init__(self):
        self.c = collections.Counter()
        self.measure = []
        self.where = collections.defaultdict(list)

    def add(self, key, where, n=1):
        self.c[key] += n
        if where and len(self.where[key]) < 6:
            self.where[key].append(where)


def body_size(lines):
    return mode([l.h for l in lines if len(l.text) > 30]) or 10.0


def text_frame(books, heights):
    """Right and left edges of the text on even and odd pages: the most
    common end and start of the long lines that do not end with a hyphen,
    over every booklet of a format (a short fiche alone has too few)."""
    long_lines = [(k, l) for pages in books for k, lines in enumerate(pages, 1) for l in lines
                  if len(l.text) > 40 and not ends_hyphen(l) and not is_furniture(l, heights)]
    edges = {}
    for parity in (0, 1):
        ls = [l for k, l in long_lines if k % 2 == parity] or [l for k, l in long_lines]
        edges[parity] = (mode([l.x1 for l in ls]), mode([l.x0 for l in ls])) if ls else (None, None)
    return edges


def measure_pdf(pdf, st, name, pages, heights, edges):
    plain = run("pdftotext", pdf, "-").stdout
    st.add("pages", None, len(pages))
    calls, notes = [], []   # (order, number, page)
    order = 0
    prev_hyph = 0
    size = body_size([l for lines in pages for l in lines])
    # The text frame, on even and odd pages: the most common end (and start)
    # of the long lines that do not end with a hyphen.

    for pno, lines in enumerate(pages, 1):
        body = [l for l in lines if not is_furniture(l, heights)]
        # (A ruled « Notes » page before the back cover is padding by design.)
        if pno > 1 and len(body) == 1 and pno < len(pages) and body[0].text != "Notes":
            st.add("single-line", "%s p. %d « %s »" % (name, pno, body[0].text[:40]))
        st.add("lines", None, len(body))
        if pno > 1 and pno < len(pages) and body and re.match(r"(•|–|\d+\.)\s", body[0].text) and \
                all(l.x0 > body[0].x0 + 3 for l in body[1:]):
            st.add("single-item", "%s p. %d « %s »" % (name, pno, body[0].text[:40]))
        right, left = edges[pno % 2]
        for i, l in enumerate(body):
            hy = ends_hyphen(l)
            if hy:
                st.add("hyphenated", None)
                prev_hyph += 1
                if prev_hyph == 3:
                    st.add("hyph-run", "%s p. %d « %s »" % (name, pno, l.text[-30:]))
            else:
                prev_hyph = 0
            if hy and i + 1 < len(body) and right is not None and l.h >= size - 0.5:
                nxt = body[i + 1]
                if len(nxt.text) < 8 and nxt.x1 < right - 20 and abs(nxt.y0 - l.y0) < 3 * l.h:
                    st.add("fragment", "%s p. %d « %s/%s »" % (name, pno, l.words[-1][4], nxt.text))
            if l.words[-1][4].endswith(SHY) and i + 1 < len(body):
                joined = l.words[-1][4][:-1] + body[i + 1].words[0][4]
                if URLISH.search(joined):
                    st.add("url-hyphen", "%s p. %d « %s »" % (name, pno, joined))
            if right is None:
                continue
            if l.x1 > right + 1.0 and l.x1 < right + 20:
                st.add("overflow", "%s p. %d +%.1f pt « %s »" % (name, pno, l.x1 - right, l.text[-25:]))
            full = l.x1 >= right - 1.0 and len(l.words) >= 4 and l.h >= size - 0.5
            if full and abs(l.x0 - left) < 1.5:
                st.measure.append(len(l.text))
            if full and not l.last_of_block:
                gaps = [b[0] - a[2] for a, b in zip(l.words, l.words[1:])]
                g = statistics.median(gaps)
                normal = 0.2261 * l.h
                if g > 1.5 * normal:
                    st.add("loose-1.5", None)
                if g > 1.8 * normal:
                    st.add("loose", "%s p. %d %.1fx « %s »" % (name, pno, g / normal, l.text[:30]))
        # The page number, in the outer corner: right on a recto, left on a verso.
        for l in lines:
            if is_furniture(l, heights) and l.text.strip() == str(pno) and right is not None:
                st.add("numbers", None)
                outer = abs(l.x1 - right) < 2 if pno % 2 else abs(l.x0 - left) < 2
                if not outer:
                    st.add("number-inside", "%s p. %d" % (name, pno))
        text_lines = [l for l in body if not l.text.strip().isdigit()]
        last = [l for l in text_lines if l.h >= size - 0.5]
        if last and ends_hyphen(last[-1]) and pno < len(pages):
            st.add("page-turn", "%s p. %d « %s »" % (name, pno, last[-1].text[-25:]))
        # Footnote calls: raised digits smaller than their line; note texts:
        # smaller lines starting with their number.
        for l in body:
            for w in l.words:
                if w[4].isdigit() and (w[3] - w[1]) < 0.8 * l.h:
                    order += 1
                    calls.append((order, int(w[4]), pno))
            first = l.words[0][4]
            m = re.fullmatch(r"(\d+)\.?", first)
            if m and l.h < 0.88 * size and len(l.words) > 1:
                order += 1
                notes.append((order, int(m.group(1)), pno))
    for o, n, p in notes:
        before = [c for c in calls if c[1] == n and c[0] < o]
        if not before:
            continue
        st.add("notes", None)
        if before[-1][2] != p:
            st.add("footnotes", "%s note %d p. %d, called p. %d" % (name, n, p, before[-1][2]))
    flat = flat_text([[l for l in lines if not is_furniture(l, heights)] for lines in pages])
    for m in re.finditer(r"(fiche-action|fiche thématique) (\d+) \(voir \1 \2\b", flat):
        st.add("nested-ref", "%s « %s »" % (name, m.group(0)))
    # A page reference goes after the closing quotation mark, not inside.
    for m in re.finditer(r"\((voir p\.|(voir )?(fiche-action|fiche thématique))[^()]{0,30}\d\)[\s\u202f]?[»\"”]", flat):
        st.add("nested-ref", "%s « %s »" % (name, m.group(0)))
    for m in re.finditer(r"(\S+) \((https?://\S+?)\)", flat):
        if norm_url(m.group(1)) == norm_url(m.group(2)):
            st.add("nested-ref", "%s « %s »" % (name, m.group(0)[:60]))
    marks = plain.count("\u200b") + plain.count("\u034f")
    if marks:
        st.add("marks", "%s %d" % (name, marks), marks)
    q = plain.count('"')
    if q:
        i = plain.find('"')
        st.add("straight-quote", "%s %d « %s »" % (name, q, plain[max(0, i - 20):i + 20].replace("\n", " ")), q)
    check_pages(pdf, pages, flat, st, name)


def flat_text(pages):
    """The text as read: lines joined, a word cut at a line end made whole
    (pdftotext's own plain output drops the hyphen of « fiche-⏎action »)."""
    out = []
    for lines in pages:
        for l in lines:
            t = l.text
            if t.endswith(SHY):
                out.append(t[:-1])
            elif len(t) > 2 and t.endswith("-") and t[-2].isalpha():
                out.append(t)
            else:
                out.append(t + " ")
    return re.sub(r"\s+", " ", "".join(out))


def norm_url(u):
    u = re.sub(r"^https?://", "", u.strip("().,;«»\u202f "))
    u = re.sub(r"^www\.", "", u)
    return u.rstrip("/")


def page_text(pages, n):
    return re.sub(r"\s+", " ", " ".join(l.text for l in pages[n - 1]).replace(SHY + " ", "").replace(SHY, ""))


def check_pages(pdf, pages, flat, st, name):
    """Sommaire entries and « fiche-action N, p. M » point where they say."""
    if len(pages) >= 2 and any(l.text == "Sommaire" for l in pages[1][:3]):
        # A booklet with a sommaire has a back cover, which must be a verso.
        st.add("booklets", None)
        if len(pages) % 2:
            st.add("back-recto", "%s (%d pages)" % (name, len(pages)))
        p = 2
        while p <= len(pages):
            lay = run("pdftotext", "-layout", "-f", str(p), "-l", str(p), pdf, "-").stdout
            entries = re.findall(r"^\s*(.+?)\s+(\d+)\s*$", lay, re.M)
            if p > 2 and "Sommaire" not in lay and len(entries) < 3:
                break
            for title, num in entries:
                num = int(num)
                title = re.sub(r"\s+", " ", title.split("·")[-1].replace(SHY, "")).strip(" .")
                if num <= p or num > len(pages) or len(title) < 3:
                    continue
                st.add("toc", None)
                got = page_text(pages, num)
                # A title may be cut after a hyphen of its own (« Trafics-Acteurs-|Territoires »,
                # a part's title set as its first chapter's kicker), which the text
                # extraction drops or spaces: compare without hyphens and spaces.
                if re.sub(r"[-\s]", "", title) not in re.sub(r"[-\s]", "", got):
                    st.add("toc-wrong", "%s « %s » p. %d" % (name, title, num))
            if p > 2 and "Sommaire" in lay:
                break
            p += 1
            if p > 8:
                break
    for m in re.finditer(r"(fiche-action|fiche thématique) (\d+), p\.\s?(\d+)", flat):
        kind, num, page = m.group(1), m.group(2), int(m.group(3))
        st.add("refs", None)
        label = ("FICHE-ACTION " if kind == "fiche-action" else "FICHE THÉMATIQUE ") + num
        if page > len(pages) or label not in page_text(pages, page):
            st.add("ref-wrong", "%s « %s »" % (name, m.group(0)))


def measure_dirs(dirs, st):
    """Measures the reading-order PDFs of each (directory, prefix) together:
    running heads and the text frame are learnt over every booklet of a
    format (a short fiche alone has too few lines to show them)."""
    files = [(os.path.join(d, n), prefix + n) for d, prefix in dirs for n in sorted(os.listdir(d))
             if n.endswith(".pdf") and not n.endswith(("-imposee.pdf", "-traits.pdf"))]
    per = {}
    read = {path: pages_of(path) for path, _ in files}
    width = {path: page_width(path) for path, _ in files}
    formats = collections.defaultdict(list)
    for path, _ in files:
        formats[width[path]] += read[path]
    heights = {w: furniture_heights(p) for w, p in formats.items()}
    frames = {w: text_frame([read[p] for p, _ in files if width[p] == w], heights[w]) for w in formats}
    for path, name in files:
        one = Stats()
        w = width[path]
        measure_pdf(path, one, name, read[path], heights[w], frames[w])
        per[name] = one
        st.c.update(one.c)
        st.measure += one.measure
        for k, v in one.where.items():
            st.where[k] += v
    return per


def report(st, per=None):
    med = statistics.median(st.measure) if st.measure else 0
    c = st.c
    print("booklet pages %d, body lines %d, median characters per full line %.0f" % (c["pages"], c["lines"], med))
    print("hyphenated lines %d (%.1f %%), runs of 3+ %d, at a page turn %d, in URLs %d" %
          (c["hyphenated"], 100 * c["hyphenated"] / max(1, c["lines"]), c["hyph-run"], c["page-turn"],
           c["url-hyphen"]))
    print("past the right margin %d; loose lines >1.8x %d, >1.5x %d" % (c["overflow"], c["loose"], c["loose-1.5"]))
    print("footnotes %d, not on their call's page %d; nested references %d; straight quotes %d" %
          (c["notes"], c["footnotes"], c["nested-ref"], c["straight-quote"]))
    print("sommaire entries %d (wrong %d), page references %d (wrong %d), single-line pages %d" %
          (c["toc"], c["toc-wrong"], c["refs"], c["ref-wrong"], c["single-line"]))
    print("single-item pages %d, lone fragments %d" % (c["single-item"], c["fragment"]))
    if per:
        for n, s in per.items():
            m = statistics.median(s.measure) if s.measure else 0
            print("  %-60s measure %3.0f hyph %3d over %3d runs %2d turn %2d url %2d loose %2d/%2d notes %2d/%2d"
                  " refs %2d q %3d single %d item %d frag %d pages %d" %
                  (n, m, s.c["hyphenated"], s.c["overflow"], s.c["hyph-run"], s.c["page-turn"],
                   s.c["url-hyphen"], s.c["loose"], s.c["loose-1.5"], s.c["footnotes"], s.c["notes"],
                   s.c["nested-ref"], s.c["straight-quote"], s.c["single-line"], s.c["single-item"],
                   s.c["fragment"], s.c["pages"]))


def where(st, key):
    return "; ".join(st.where[key][:4])


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--report":
        st = Stats()
        per = measure_dirs([(d, os.path.basename(os.path.dirname(d.rstrip("/"))) + "/") for d in sys.argv[2:]], st)
        report(st, per)
        return
    tmp = tempfile.mkdtemp(prefix="t_typography.")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    try:
        tat = os.path.join(tmp, "tat")
        r = run(FICHES, "build", "-q", "-C", ROOT, "-o", tat, env=env)
        check("TAT site built", r.returncode == 0, r.stderr[-500:])
        fix = os.path.join(tmp, "fixture")
        os.mkdir(fix)
        os.symlink(os.path.join(ROOT, "tests/fixtures/basic/content"), os.path.join(fix, "content"))
        os.symlink(os.path.join(ROOT, "templates"), os.path.join(fix, "templates"))
        r = run(FICHES, "build", "-q", "-C", fix, "-o", os.path.join(fix, "public"), env=env)
        check("fixture built", r.returncode == 0, r.stderr[-500:])
        st = Stats()
        per = measure_dirs([(os.path.join(tat, "pdf"), "tat/"), (os.path.join(fix, "public", "pdf"), "fixture/")], st)
        report(st, per)
        c = st.c
        check("booklets read back", c["pages"] > 150 and c["lines"] > 3000, "%d pages" % c["pages"])
        med = statistics.median(st.measure) if st.measure else 0
        check("measure", 60 <= med <= 75, "median %.0f characters per line" % med)
        check("overflow", c["overflow"] == 0, "%d lines: %s" % (c["overflow"], where(st, "overflow")))
        check("hyph-run", c["hyph-run"] == 0, "%d: %s" % (c["hyph-run"], where(st, "hyph-run")))
        check("page-turn", c["page-turn"] == 0, "%d: %s" % (c["page-turn"], where(st, "page-turn")))
        check("url-hyphen", c["url-hyphen"] == 0, "%d: %s" % (c["url-hyphen"], where(st, "url-hyphen")))
        check("loose", c["loose"] == 0, "%d above 1.8x (%d above 1.5x): %s" %
              (c["loose"], c["loose-1.5"], where(st, "loose")))
        check("footnotes found", c["notes"] >= 12, "%d" % c["notes"])
        check("footnotes", c["footnotes"] == 0, "%d of %d: %s" % (c["footnotes"], c["notes"], where(st, "footnotes")))
        check("nested-ref", c["nested-ref"] == 0, "%d: %s" % (c["nested-ref"], where(st, "nested-ref")))
        check("no break marks (U+200B, U+034F) in the text", c["marks"] == 0, where(st, "marks"))
        check("straight-quote", c["straight-quote"] == 0, "%d: %s" % (c["straight-quote"], where(st, "straight-quote")))
        check("sommaire entries found", c["toc"] >= 60, "%d" % c["toc"])
        check("sommaire exact", c["toc-wrong"] == 0, where(st, "toc-wrong"))
        check("page references found", c["refs"] >= 40, "%d" % c["refs"])
        check("page references exact", c["ref-wrong"] == 0, where(st, "ref-wrong"))
        check("back cover on a verso", c["booklets"] >= 6 and c["back-recto"] == 0,
              "%d booklets: %s" % (c["booklets"], where(st, "back-recto")))
        check("page numbers found", c["numbers"] > 300, "%d" % c["numbers"])
        check("page numbers in the outer corner", c["number-inside"] == 0,
              "%d: %s" % (c["number-inside"], where(st, "number-inside")))
        check("single-line", c["single-line"] == 0, "%d: %s" % (c["single-line"], where(st, "single-line")))
        check("single-item", c["single-item"] == 0, "%d: %s" % (c["single-item"], where(st, "single-item")))
        check("fragment", c["fragment"] == 0, "%d: %s" % (c["fragment"], where(st, "fragment")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))


main()
sys.exit(1 if failed else 0)
