#!/usr/bin/env python3
"""Leaflets (issue 19, generator/pdf/fold.c), read back with poppler and qpdf.

1. The TAT dépliant (content/booklets/plaquette.yaml, with a base_url so
   that the back panel has its QR code): A4 landscape, two pages; every
   word inside the text frame of one panel (pdftotext -bbox-layout), none
   across a fold; the fold order by content (outside: flap, back, cover
   on the right third; inside: the three inner panels in reading order);
   tagged in reading order (cover, inside panels, flap, back) by
   pdfinfo -struct-text; qpdf --check and fonts embedded; the printer's
   file with marks outside the trim says which edge to flip.
2. An A5 plaquette written here over tests/fixtures/basic: four A5 pages
   in reading order, and the imposed A4 sheet (two pages) in fold order.
3. A dépliant whose third panel is too long: `fiches booklet` and
   `fiches build` fail with « N lignes de trop dans le volet 3 » at the
   panel's line, exit 1, and write nothing.
Prints "N passed, N failed" last."""
import os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfstruct  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, BUILD, FICHES, FIXTURE, check, finish  # noqa: E402

MM = 72 / 25.4
W, H = 841.89, 595.28
PANEL, FLAP = 100 * MM, W - 200 * MM


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def info(pdf):
    out = run("pdfinfo", pdf).stdout
    return {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in out.splitlines() if ":" in l)}


def words(pdf):
    """[(page, xMin, yMin, xMax, yMax, text)] of every word, and the lines' texts by page."""
    out = run("pdftotext", "-bbox-layout", pdf, "-").stdout
    ws, lines, page = [], [], 0
    for m in re.finditer(r'<page |<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">|'
                         r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out):
        if m.group(0).startswith("<page"):
            page += 1
        elif m.group(1):
            lines.append([page, float(m.group(1)), float(m.group(2)), ""])
        else:
            w = (page, float(m.group(5)), float(m.group(6)), float(m.group(7)), float(m.group(8)),
                 m.group(9).replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", '"'))
            ws.append(w)
            lines[-1][3] += (" " if lines[-1][3] else "") + w[5]
    return ws, lines


def line_at(lines, page, prefix):
    """The first line of page starting with prefix, or None."""
    for l in lines:
        if l[0] == page and l[3].startswith(prefix):
            return l
    return None


def panels_of(ws, frames):
    """Words outside every frame of their page: [(word, frames)]."""
    bad = []
    for w in ws:
        if not any(x0 - 0.5 <= w[1] and w[3] <= x1 + 0.5 and y0 - 0.5 <= w[2] and w[4] <= y1 + 0.5
                   for (x0, x1, y0, y1) in frames[w[0]]):
            bad.append(w)
    return bad


def struct_headings(pdf):
    """The texts of H1 and H2 elements in structure-tree order, and the Sect count under Document."""
    out = run("pdfinfo", "-struct-text", pdf)
    heads, sects, want = [], 0, False
    for l in out.stdout.splitlines():
        s = l.strip()
        if re.match(r"^Sect\b", s) and l.startswith("  ") and not l.startswith("   "):
            sects += 1
        if re.match(r"^H[12]\b", s):
            want = True
        elif want and s.startswith('"'):
            heads.append(s.strip('"').replace("\ufb01", "fi").replace("\ufb02", "fl"))
            want = False
    return heads, sects, out.stderr


def common(name, pdf, tagged=True):
    check("qpdf --check " + name, run("qpdf", "--check", pdf).returncode == 0)
    fonts = run("pdffonts", pdf).stdout.splitlines()[2:]
    check("fonts embedded in " + name, fonts and all(l.split()[-5] == "yes" for l in fonts), fonts)
    if tagged:
        check("tagged " + name, info(pdf).get("Tagged") == "yes")
    # As the booklets (pdf_post.c): XMP metadata in every file, and in a
    # tagged one nothing drawn outside marked content (bands, rules and
    # marks are artifacts).
    doc = pdfstruct.Doc(pdf)
    check("XMP metadata in " + name, doc.xmp() is not None)
    if tagged:
        unmarked = [(i + 1, op) for i in range(len(doc.pages)) for op in doc.unmarked_drawing(i)]
        check("nothing drawn outside marked content in " + name, not unmarked, unmarked[:5])


def depliant(tmp, env):
    site = os.path.join(tmp, "tat")
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(site, "content"))
    conf = os.path.join(site, "content/site.yaml")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    with open(conf, "w", encoding="utf-8") as f:
        f.write("base_url: https://tat.example.org/\n" + text)
    out = os.path.join(tmp, "out", "plaquette.pdf")
    os.makedirs(os.path.dirname(out))
    r = run(FICHES, "booklet", "-C", site, "plaquette", "-o", out, env=env)
    check("fiches booklet plaquette (TAT dépliant)", r.returncode == 0, r.stderr)
    marks = out.replace(".pdf", "-traits.pdf")
    if r.returncode:
        return
    i = info(out)
    check("dépliant: A4 landscape", i.get("Page size", "").startswith("841.89 x 595.28"), i.get("Page size"))
    check("dépliant: two pages (both sides)", i.get("Pages") == "2", i.get("Pages"))
    check("dépliant: the PDF says to flip on the short edge", "bord court" in i.get("Keywords", ""),
          i.get("Keywords"))
    common("plaquette.pdf", out)
    common("plaquette-traits.pdf", marks, tagged=False)
    mi = info(marks)
    size = mi.get("Page size", "")
    check("printer's file: A4 with 12 mm around for the marks",
          re.match(r"909\.9\d* x 663\.3", size) is not None, size)
    mt = run("pdftotext", marks, "-").stdout
    check("printer's file says which edge to flip", "retourner sur le bord court" in mt)

    ws, lines = words(out)
    m = 9 * MM   # text frames are at least 10 mm inside each panel
    outside = [(0, FLAP), (FLAP, FLAP + PANEL), (FLAP + PANEL, W)]
    inside = [(0, PANEL), (PANEL, 2 * PANEL), (2 * PANEL, W)]
    frames = {1: [(a + m, b - m, 8 * MM, H - 8 * MM) for a, b in outside],
              2: [(a + m, b - m, 8 * MM, H - 8 * MM) for a, b in inside]}
    check("dépliant: words read back on both sides",
          len({w[0] for w in ws}) == 2 and len(ws) > 400, len(ws))
    bad = panels_of(ws, frames)
    check("dépliant: every word within its panel's text frame, none across a fold", not bad, bad[:5])

    def panel(page, prefix):
        l = line_at(lines, page, prefix)
        if not l:
            return None
        edges = outside if page == 1 else inside
        return next((k for k, (a, b) in enumerate(edges) if a <= l[1] < b), None)

    cover = panel(1, "Agir ensemble")
    check("cover title on the right third of the outside side", cover == 2, cover)
    check("cover title starts right of 2/3 of the sheet",
          (line_at(lines, 1, "Agir ensemble") or [0, 0])[1] > W * 2 / 3)
    check("back panel (Contacts, QR address) in the middle of the outside side",
          panel(1, "Contacts") == 1 and panel(1, "https://tat.example.org/") == 1,
          (panel(1, "Contacts"), panel(1, "https://tat.example.org/")))
    check("inner flap (Que faire si…) on the left of the outside side", panel(1, "Que faire si") == 0,
          panel(1, "Que faire si"))
    order = [panel(2, "La démarche"), panel(2, "Six logiques"), panel(2, "Comment participer")]
    check("inside side: the three inner panels in reading order", order == [0, 1, 2], order)
    check("the six logiques on the inside, with their fiches-actions",
          all(line_at(lines, 2, t) for t in ["Mobilisation des professionnels", "Santal",
                                              "Soutien aux familles et proches victimes"]))
    # The flap is 3 mm narrower: nothing of the inside side's third panel starts before 200 mm.
    third = [w for w in ws if w[0] == 2 and w[1] > 2 * PANEL - 1]
    check("third inner panel (behind the 97 mm flap) starts after the second fold",
          third and min(w[1] for w in third) >= 2 * PANEL + 9 * MM)

    heads, sects, err = struct_headings(out)
    want = ["Agir ensemble", "La démarche", "Six logiques", "Comment participer", "Six fi",
            "Que faire si", "Contacts"]
    got = [next((h for h in heads if h.startswith(w)), None) for w in want]
    pos = [heads.index(g) if g in heads else -1 for g in got]
    check("tagged in reading order: cover, inside panels, flap, back",
          -1 not in pos and pos == sorted(pos), heads)
    check("one Document of six Sect (one per panel)", sects == 6, sects)
    check("poppler reads the structure tree without warnings", "Warning" not in err, err[:300])
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", out, "-"], capture_output=True).stdout
    check("the QR code is a Figure with its text alternative",
          b"/S /Figure" in qdf and re.search(rb"/Alt <feff0051005200200063006f00640065", qdf) is not None)
    outline = subprocess.run(["qpdf", "--json", "--json-key=outlines", out], capture_output=True, text=True).stdout
    titles = re.findall(r'"title": "([^"]*)"', outline)
    check("bookmarks: one per panel, in reading order",
          [t[:6] for t in titles] == ["Agir e", "La dém", "Six lo", "Commen", "Que fa", "Contac"], titles)

    # The same sources give the same bytes.
    again = os.path.join(tmp, "out2", "plaquette.pdf")
    os.makedirs(os.path.dirname(again))
    run(FICHES, "booklet", "-C", site, "plaquette", "-o", again, env=env)
    with open(out, "rb") as a, open(again, "rb") as b:
        check("dépliant: reproducible bytes", a.read() == b.read())


PLAQUETTE = """title: L'atelier en quatre pages
subtitle: Une plaquette d'essai
format: plaquette
panels:
  - text: |
      Une démarche **d'essai** pour les tests.
  - title: Page deux
    text: |
      La démarche réunit habitants et professionnels.
    logics: actions
  - title: Page trois
    themes: all
    urgences: true
  - title: Au dos
    contacts: [collectif-habitants]
"""

TROP = """title: Trop long
format: depliant
panels:
  - text: Couverture.
  - title: Un
    text: Court.
  - title: Deux
    text: |
{}
  - title: Trois
    text: Court.
  - title: Rabat
    text: Court.
  - title: Dos
    text: Court.
""".format("".join("      Ce texte est bien trop long pour tenir dans un seul volet de dépliant.\n"
                   for _ in range(40)))


def plaquette(tmp, env):
    site = os.path.join(tmp, "fx")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(site, "content"))
    contacts = open(os.path.join(site, "content/contacts.yaml"), encoding="utf-8").read()
    cid = re.search(r"^- id: (\S+)", contacts, re.M).group(1)
    with open(os.path.join(site, "content/booklets/quatre.yaml"), "w", encoding="utf-8") as f:
        f.write(PLAQUETTE.replace("collectif-habitants", cid))
    r = run(FICHES, "check", "-C", site, env=env)
    check("fiches check accepts the plaquette", r.returncode == 0, r.stdout + r.stderr)
    out = os.path.join(tmp, "pl", "quatre.pdf")
    os.makedirs(os.path.dirname(out))
    r = run(FICHES, "booklet", "-C", site, "quatre", "-o", out, env=env)
    check("fiches booklet quatre (A5 plaquette)", r.returncode == 0, r.stderr)
    if r.returncode:
        return site
    imposed = out.replace(".pdf", "-imposee.pdf")
    i, ii = info(out), info(imposed)
    check("plaquette: four A5 pages in reading order",
          i.get("Pages") == "4" and i.get("Page size", "").startswith("419.53 x 595.28"), i)
    check("plaquette imposed: A4 landscape, two pages (one sheet)",
          ii.get("Pages") == "2" and ii.get("Page size", "").startswith("841.89 x 595.28"), ii)
    common("quatre.pdf", out)
    common("quatre-imposee.pdf", imposed, tagged=False)
    heads, sects, err = struct_headings(out)
    order = [next((k for k, h in enumerate(heads) if h.startswith(w)), -1)
             for w in ["L’atelier", "Page deux", "Page trois", "Au dos"]]
    check("plaquette tagged in reading order", -1 not in order and order == sorted(order), heads)
    ws, lines = words(imposed)
    half = W / 2

    def side(page, prefix):
        l = line_at(lines, page, prefix)
        return None if not l else (0 if l[1] < half else 1)

    got = [side(1, "Au dos"), side(1, "L’atelier"), side(2, "Page deux"), side(2, "Page trois")]
    check("imposed in fold order: back|cover, then 2|3", got == [0, 1, 0, 1], got)
    m = 15 * MM
    frames = {p: [(m, half - m, 10 * MM, H - 10 * MM), (half + m, W - m, 10 * MM, H - 10 * MM)]
              for p in (1, 2)}
    bad = panels_of(ws, frames)
    check("plaquette: every word within its page's text frame", not bad, bad[:5])

    # Published by fiches build beside the booklets, linked with its size.
    pub = os.path.join(tmp, "pub")
    r = run(FICHES, "build", "-q", "-C", site, "-o", pub, env=env)
    check("fiches build with a plaquette", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        check("published: pdf/quatre.pdf and pdf/quatre-imposee.pdf",
              all(os.path.exists(os.path.join(pub, "pdf", n)) for n in ("quatre.pdf", "quatre-imposee.pdf")))
        home = open(os.path.join(pub, "index.html"), encoding="utf-8").read()
        check("home page links the plaquette with its size",
              re.search(r'href="pdf/quatre\.pdf" download>L’atelier en quatre pages</a> '
                        r'<span class="taille-fichier">\(plaquette A5[^)]*PDF, \d+\u00a0Ko\)', home)
              is not None, re.findall(r".{0,80}quatre.{0,120}", home))
        guide = open(os.path.join(pub, "guide/index.html"), encoding="utf-8").read()
        check("the guide's list of booklets has the plaquette and its imposed sheet",
              'href="../pdf/quatre.pdf"' in guide and 'href="../pdf/quatre-imposee.pdf"' in guide
              and 'href="../pdf/atelier.pdf"' in guide)
    return site


def mistakes(tmp, site, env):
    """fiches check reads the panels: each mistake at its line, nothing typeset."""
    bad = os.path.join(site, "content/booklets/faux.yaml")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("title: Faux\nformat: depliant\npanels:\n  - text: Un.\n  - titre: Deux\n"
                "  - contacts: [personne-inconnue]\n")
    r = run(FICHES, "check", "-C", site, env=env)
    out = r.stdout + r.stderr
    check("fiches check: a wrong dépliant is a content error (exit 1)", r.returncode == 1, r.returncode)
    check("fiches check: the panel count, at 'panels'",
          re.search(r"faux\.yaml:4:\d+: error: a depliant has 6 panels .*, not 3", out) is not None, out)
    check("fiches check: an unknown panel key, with the near one",
          re.search(r"faux\.yaml:5:5: error: unknown panel key 'titre' \(did you mean 'title'\?\)", out)
          is not None, out)
    check("fiches check: an unknown contact, at its line",
          re.search(r"faux\.yaml:6:\d+: error: unknown contact 'personne-inconnue'", out) is not None, out)
    os.remove(bad)


def too_long(tmp, site, env):
    with open(os.path.join(site, "content/booklets/trop.yaml"), "w", encoding="utf-8") as f:
        f.write(TROP)
    line = TROP.splitlines().index("  - title: Deux") + 1
    out = os.path.join(tmp, "trop", "trop.pdf")
    os.makedirs(os.path.dirname(out))
    r = run(FICHES, "booklet", "-C", site, "trop", "-o", out, env=env)
    check("overfull dépliant: fiches booklet exits 1", r.returncode == 1, r.returncode)
    m = re.search(r"trop\.yaml:(\d+):(\d+): error: (\d+) lines too many in panel 3", r.stderr)
    check("overfull dépliant: the message is at the third panel's line", m and int(m.group(1)) == line,
          r.stderr)
    check("overfull dépliant: how much is too long (at least 10 lines)", m and int(m.group(3)) >= 10,
          r.stderr)
    check("overfull dépliant: nothing written", os.listdir(os.path.dirname(out)) == [],
          os.listdir(os.path.dirname(out)))
    locale = os.path.join(ROOT, BUILD, "locale")
    fr = dict(env, FICHES_LOCALEDIR=locale, LANGUAGE="fr", LC_ALL="C.UTF-8", NO_COLOR="1")
    r = run(FICHES, "booklet", "-C", site, "trop", "-o", out, env=fr)
    check("in French: « N lignes de trop dans le volet 3 »",
          re.search(r"trop\.yaml:%d:\d+: erreur ?: \d+ lignes de trop dans le volet 3" % line,
                    r.stderr.replace("\u202f", " ")) is not None, r.stderr)
    # The PDF worker `fiches serve` starts sends the error with its place, not as bare text.
    w = subprocess.run([FICHES, "__pdf-worker", site, "1", "", "1700000000"], capture_output=True, env=env)
    rec = re.search(rb"L.{8}(content/booklets/trop\.yaml).{8}(\d+):\d+:(\d+) lines too many in panel 3",
                    w.stdout, re.S)
    check("serve's PDF worker reports the panel at its line", rec is not None and int(rec.group(2)) == line,
          w.stdout[-300:] + w.stderr[-300:])
    check("serve's PDF worker sends no file of the overfull dépliant", b"pdf/trop.pdf" not in w.stdout)
    dest = os.path.join(tmp, "public")
    r = run(FICHES, "build", "-C", site, "-o", dest, env=env)
    check("overfull dépliant: fiches build exits 1 (content error)", r.returncode == 1, r.returncode)
    check("overfull dépliant: fiches build writes nothing", not os.path.exists(dest))
    check("overfull dépliant: fiches build says where", "trop.yaml:%d:" % line in r.stderr, r.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="t_fold.")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    try:
        depliant(tmp, env)
        site = plaquette(tmp, env)
        mistakes(tmp, site, env)
        too_long(tmp, site, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
