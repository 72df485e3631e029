#!/usr/bin/env python3
"""Structure of the booklets, read back from the PDFs (issue 17, items 5 and 7).

Typesets the TAT complete guide (A4, `sommaire: 2`) and the workshop
booklet atelier-habitants (A5, imposed) with $FICHES, then reads them with
qpdf (tests/pdf/pdfstruct.py) and poppler, and checks what a PDF/UA
validator and a reader would look at (there is no veraPDF in Debian):

  structure   qpdf --check; a structure tree whose first heading is the
              cover's title (H1 on page 1) and whose heading levels never
              skip one (H1 → H3)
  TOC         the sommaire is a TOC right after its H1; every TOCI holds a
              Reference holding a Link; TOCs nest as deep as the sommaire
  links       every Link element holds its annotation (OBJR) and what the
              annotation covers: marked text, or the QR code's Figure; each
              annotation's /Contents says where it goes (« Aller à la page 44 »)
  artifacts   nothing is drawn outside marked content; the page furniture
              (running heads, page numbers) is Artifact content on every
              page between the covers
  XMP         a metadata stream that parses, whose dc:title, dc:creator and
              dc:language agree with the Info dictionary and /Lang; the
              imposed file's says it is an untagged file for the printer
  outline     the bookmarks are nested (parts, chapters, sections) like the
              sommaire: same titles in the same order, same depths as the
              TOC elements; fiches keep « Fiche-action N · Titre »
  sommaire    each printed page number is the page its link goes to; no
              line segment on a sommaire page but horizontal rules (a stray
              diagonal hairline once ran to each number)
  colophon    the page before the back cover is the colophon (date of the
              information, source and credits, licence, fiches)
  bibliography  the guide prints its bibliography once

Prints "N passed, N failed" last."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdfstruct import Doc, pdfinfo, pdftext  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, check, finish  # noqa: E402


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def norm(s):
    """Text compared without spaces, hyphens and soft hyphens (line breaks differ)."""
    return re.sub(r"[\s\-\u00ad\u00a0\u202f]", "", s)


def page_index(doc):
    return {ref: i + 1 for i, ref in enumerate(doc.pages)}


def dests(doc):
    """Named destination → page number."""
    names = doc.value(doc.value(doc.catalog.get("/Names", {})).get("/Dests")) if doc.catalog.get("/Names") else None
    out, pages = {}, page_index(doc)
    flat = (names or {}).get("/Names", [])
    for k in range(0, len(flat) - 1, 2):
        target = doc.value(flat[k + 1])
        if isinstance(target, list) and target:
            out[flat[k]] = pages.get(target[0])
    return out


def check_booklet(name, pdf, expect_depth):
    doc = Doc(pdf)
    npages = len(doc.pages)
    check(name + ": qpdf --check", run("qpdf", "--check", pdf).returncode == 0)
    tree = doc.struct_tree()
    check(name + ": a structure tree", tree is not None and tree["kids"])
    if not tree:
        return
    nodes = list(Doc.walk(tree))
    pages = page_index(doc)

    # Headings: the cover's title is the first, an H1 on page 1; no level skipped.
    heads = [(n, int(n["type"][1])) for n, _ in nodes if re.fullmatch(r"H[1-6]", n["type"])]
    first = heads[0][0] if heads else None
    check(name + ": the cover's title is the first heading, an H1 on page 1",
          first is not None and first["type"] == "H1" and first["mcids"] and
          pages.get(first["mcids"][0][0]) == 1, first and (first["type"], first["mcids"][:1]))
    skips = [(heads[k - 1][1], heads[k][1]) for k in range(1, len(heads)) if heads[k][1] > heads[k - 1][1] + 1]
    check(name + ": heading levels never skip one (%d headings)" % len(heads), heads and not skips, skips[:5])

    # The sommaire: a TOC after the « Sommaire » H1, TOCI > Reference > Link.
    top = [n["type"] for n in tree["kids"]]
    check(name + ": the sommaire is a TOC after its H1",
          "TOC" in top and top.index("TOC") > 0 and top[top.index("TOC") - 1] == "H1", top[:8])
    tocis = [(n, d) for n, d in nodes if n["type"] == "TOCI"]
    bad = [n["ref"] for n, _ in tocis if not n["kids"] or n["kids"][0]["type"] != "Reference" or
           not n["kids"][0]["kids"] or n["kids"][0]["kids"][0]["type"] != "Link"]
    check(name + ": every TOCI holds a Reference holding a Link (%d entries)" % len(tocis), tocis and not bad, bad[:5])
    toc_root = next((n for n, d in nodes if n["type"] == "TOC"), None)

    def toc_depths(n, depth, out):
        for k in n["kids"]:
            if k["type"] == "TOCI":
                out.append(depth)
                for c in k["kids"]:
                    if c["type"] == "TOC":
                        toc_depths(c, depth + 1, out)
        return out
    depths = toc_depths(toc_root, 0, []) if toc_root else []
    check(name + ": the TOC nests %d levels deep" % (max(depths) + 1 if depths else 0),
          depths and max(depths) + 1 == expect_depth, depths[:20])

    # Links hold their annotation and what it covers.
    links = [n for n, _ in nodes if n["type"] == "Link"]
    mc_text = {}
    for i in range(npages):
        texts, _ = doc.mcid_texts(i)
        mc_text[doc.pages[i]] = texts
    empty = [l["ref"] for l in links if len(l["objr"]) != 1 or not (
        any(mc_text.get(pg, {}).get(mc) for pg, mc in l["mcids"]) or any(k["type"] == "Figure" for k in l["kids"]))]
    check(name + ": every Link holds its OBJR and its text or figure (%d links)" % len(links),
          len(links) >= len(tocis) and not empty, empty[:5])
    annots = sum(1 for p in doc.pages for a in (doc.value(p).get("/Annots") or [])
                 if doc.value(a).get("/Subtype") == "/Link")
    check(name + ": one Link element per link annotation (%d)" % annots, annots == len(links),
          "%d annotations, %d elements" % (annots, len(links)))

    # Each link annotation says where it goes (its alternate description, PDF/UA 7.18.5).
    dmap = dests(doc)
    undescribed = []
    for p in doc.pages:
        for a in (doc.value(p).get("/Annots") or []):
            a = doc.value(a)
            if a.get("/Subtype") != "/Link":
                continue
            text = re.sub(r"^u:", "", a.get("/Contents", ""))
            if a.get("/Dest"):
                ok = text == "Aller à la page %s" % dmap.get(a["/Dest"])
            else:
                uri = re.sub(r"^u:", "", doc.value(a.get("/A", {})).get("/URI", ""))
                ok = text in ("Lien vers " + uri, "Écrire à " + uri[7:])
            if not ok:
                undescribed.append(text or a.get("/Dest"))
    check(name + ": each link annotation says where it goes (/Contents)", annots and not undescribed,
          undescribed[:5])

    notes = [n for n, _ in nodes if n["type"] == "Note"]
    ids = [doc.value(n["ref"]).get("/ID") for n in notes]
    check(name + ": each Note element has an ID of its own (%d notes)" % len(notes),
          all(ids) and len(set(ids)) == len(ids), ids[:5])

    # Artifacts: nothing unmarked; furniture is artifact on every inner page.
    unmarked = [(i + 1, op) for i in range(npages) for op in doc.unmarked_drawing(i)]
    check(name + ": nothing drawn outside marked content", not unmarked, unmarked[:5])
    no_art = [i + 1 for i in range(1, npages - 1) if not doc.artifact_texts(i)]
    check(name + ": page numbers and running heads are artifacts (pages 2 to %d)" % (npages - 1),
          not no_art, no_art[:10])

    # XMP metadata, agreeing with the Info dictionary.
    x = doc.xmp()
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    check(name + ": an XMP metadata stream that parses", x is not None)
    if x is not None:
        i = pdfinfo(pdf)
        title = x.find(".//dc:title/rdf:Alt/rdf:li", ns)
        creator = x.find(".//dc:creator/rdf:Seq/rdf:li", ns)
        lang = x.find(".//dc:language/rdf:Bag/rdf:li", ns)
        date = x.find(".//dc:date/rdf:Seq/rdf:li", ns)
        check(name + ": XMP dc:title is the Info title", title is not None and title.text == i.get("Title"),
              (title is not None and title.text, i.get("Title")))
        check(name + ": XMP dc:creator is the Info author", creator is not None and creator.text == i.get("Author"))
        check(name + ": XMP dc:language is the catalog's /Lang", lang is not None and
              lang.text == re.sub(r"^u:", "", doc.catalog.get("/Lang", "")) and lang.text.startswith("fr"),
              (lang is not None and lang.text, doc.catalog.get("/Lang")))
        check(name + ": XMP dc:date", date is not None and re.match(r"\d{4}-\d\d-\d\dT", date.text or ""))

    # Bookmarks: the sommaire's tree. Below the booklet's title (the root item),
    # the same entries in the same order at the same depths as the TOC.
    outline = doc.outline()
    items = [(d - 1, t) for d, t in outline if d >= 1]
    check(name + ": bookmarks nest like the sommaire (%d items, %d levels)" %
          (len(items), max(d for d, _ in items) + 1 if items else 0),
          [d for d, _ in items] == depths, list(zip([d for d, _ in items], depths))[:12])
    # The sommaire pages: until the first page of the body (the first entry's page).
    first_body = min((dmap.get(l) for l in dmap.keys() if dmap.get(l)), default=3)
    som = list(range(2, first_body))
    som_text = norm("".join(pdftext(pdf, p, p) for p in som))
    missing = [t for _, t in items if norm(t.split(" · ")[-1]) not in som_text]
    check(name + ": every bookmark is a sommaire entry, in order", items and not missing, missing[:5])
    pos, at = [], 0
    for _, t in items:
        k = som_text.find(norm(t.split(" · ")[-1]), at)
        pos.append(k)
        at = k + 1 if k >= 0 else at
    check(name + ": bookmarks in the sommaire's order", -1 not in pos, list(zip(pos, items))[:5])
    fiches = [t for _, t in items if t.startswith("Fiche-action ")]
    check(name + ": fiche bookmarks read « Fiche-action N · Titre »", fiches and
          all(re.match(r"Fiche-action \d+ · \S", t) for t in fiches), fiches[:3])

    # Sommaire page numbers: each entry's printed number is where its link goes.
    wrong, seen = [], 0
    for p in som:
        pg = doc.value(doc.pages[p - 1])
        annots = [doc.value(a) for a in (pg.get("/Annots") or [])]
        annots = [a for a in annots if a.get("/Dest")]
        annots.sort(key=lambda a: -a["/Rect"][3])
        lay = pdftext(pdf, p, p, layout=True)
        nums = [int(m) for m in re.findall(r"(\d+)\s*$", lay, re.M)]
        nums = [n for n in nums if n != p]   # the page's own number, at its foot
        for a, n in zip(annots, nums):
            seen += 1
            if dmap.get(a["/Dest"]) != n:
                wrong.append((p, a["/Dest"], n, dmap.get(a["/Dest"])))
        if len(annots) != len(nums):
            wrong.append((p, "%d links, %d numbers" % (len(annots), len(nums))))
    check(name + ": sommaire page numbers are the pages their links go to (%d entries)" % seen,
          seen == len(tocis) and not wrong, wrong[:5])
    diagonal = []
    for p in som:
        data = doc.page_contents(p - 1).decode("latin-1")
        for m in re.finditer(r"([-\d.]+) ([-\d.]+) m\s+([-\d.]+) ([-\d.]+) l\b", data):
            if abs(float(m.group(2)) - float(m.group(4))) > 0.01:
                diagonal.append((p, m.group(0)))
    check(name + ": no line but horizontal rules on the sommaire pages", not diagonal, diagonal[:3])

    # The colophon, just before the back cover.
    col = pdftext(pdf, npages - 1, npages - 1)
    flat = re.sub(r"\s+", " ", col)
    check(name + ": the colophon is the page before the back cover",
          flat.startswith("Colophon") and "Informations de juin 2016" in flat and "Source et crédits" in flat
          and "Transverscité" in flat and "Licence" in flat and "fiches" in flat, flat[:300])
    return doc


def main():
    tmp = tempfile.mkdtemp(prefix="t_structure.")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    try:
        out = {}
        for name in ("guide-complet", "atelier-habitants"):
            out[name] = os.path.join(tmp, name + ".pdf")
            r = run(FICHES, "booklet", name, "-q", "-o", out[name], cwd=ROOT, env=env)
            check("typeset " + name, r.returncode == 0 and os.path.exists(out[name]), r.stderr)
            if r.returncode:
                return
        check_booklet("guide-complet", out["guide-complet"], 3)
        check_booklet("atelier-habitants", out["atelier-habitants"], 1)

        guide_text = pdftext(out["guide-complet"])
        # « Cocaïne Kids » is in the report's list and in bibliography.yaml.
        check("guide: the bibliography is printed once",
              guide_text.count("Cocaïne Kids") == 1 and "Bibliographie\n" not in guide_text,
              "« Cocaïne Kids » %d times" % guide_text.count("Cocaïne Kids"))
        check("guide: the bookmarks hold the parts",
              any(t.startswith("Première partie") for _, t in Doc(out["guide-complet"]).outline()))

        imposed = os.path.join(tmp, "atelier-habitants-imposee.pdf")
        check("imposed: qpdf --check", run("qpdf", "--check", imposed).returncode == 0)
        i = pdfinfo(imposed)
        check("imposed: untagged", i.get("Tagged") == "no", i.get("Tagged"))
        x = Doc(imposed).xmp()
        ns = {"pdf": "http://ns.adobe.com/pdf/1.3/"}
        kw = x.find(".//pdf:Keywords", ns) if x is not None else None
        check("imposed: its XMP says it is an untagged file for the printer",
              kw is not None and "non balisé" in kw.text and "imprimeur" in kw.text,
              kw is not None and kw.text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
finish()
