#!/usr/bin/env python3
"""End-to-end checks of the PDF booklets (generator/pdf/), through the
test driver tests/pdf/pdf_driver.c over tests/fixtures/basic: structure
(qpdf), fonts, sizes, tags, French typography, hyphenation, page numbers
of the sommaire and of « p. N » references, outline and links, imposition
order, determinism. Prints "N passed, N failed" last."""
import json, math, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, BUILD, FICHES, FIXTURE, check, finish  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pdfstruct import pdfinfo, pdftext  # noqa: E402

LIB = os.path.join(ROOT, BUILD, "libfiches.a")


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def driver(tmp):
    pkgs = "libcmark-gfm yaml-0.1 jansson pangocairo pangoft2 cairo fontconfig libqrencode libmicrohttpd zlib libjpeg libxxhash"
    cflags = run("pkg-config", "--cflags", *pkgs.split()).stdout.split()
    libs = run("pkg-config", "--libs", *pkgs.split()).stdout.split()
    incs = ["-I" + os.path.join(ROOT, "generator")] + ["-I" + os.path.join(ROOT, "generator", d)
                                                       for d in os.listdir(os.path.join(ROOT, "generator"))
                                                       if os.path.isdir(os.path.join(ROOT, "generator", d))]
    exe = os.path.join(tmp, "pdf_driver")
    if os.environ.get("SANITIZE") == "1":
        # The library was built with the sanitizers: the driver must link them too.
        cflags = cflags + ["-fsanitize=address,undefined"]
    r = run("cc", "-std=c11", "-D_GNU_SOURCE", "-O2", *cflags, *incs, "-o", exe,
            os.path.join(ROOT, "tests/pdf/pdf_driver.c"), LIB, *libs,
            "-lcmark-gfm-extensions", "-lhyphen", "-lstemmer", "-lpthread", "-lm")
    if r.returncode:
        print(r.stderr)
        return None
    return exe


def main():
    tmp = tempfile.mkdtemp(prefix="t_pdf.")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    try:
        exe = driver(tmp)
        check("driver builds against libfiches.a", exe is not None)
        if not exe:
            return
        out1, out2 = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        r = run(exe, FIXTURE, out1, "https://tat.example.org/", env=env)
        check("site PDFs typeset", r.returncode == 0, r.stderr)
        pdfdir = os.path.join(out1, "pdf")
        names = sorted(os.listdir(pdfdir)) if os.path.isdir(pdfdir) else []
        for want in ["action-1-atelier-habitants.pdf", "theme-1-cadre-de-vie.pdf", "fiches-actions.pdf",
                     "fiches-thematiques.pdf", "guide-complet.pdf", "atelier.pdf", "atelier-imposee.pdf"]:
            check("produces pdf/" + want, want in names)
        check("produces print/atelier.html", os.path.exists(os.path.join(out1, "print/atelier.html")))
        for n in names:
            p = os.path.join(pdfdir, n)
            check("qpdf --check " + n, run("qpdf", "--check", p).returncode == 0)
            fonts = run("pdffonts", p).stdout.splitlines()[2:]
            check("fonts embedded in " + n, fonts and all(l.split()[-5] == "yes" for l in fonts))
            i = pdfinfo(p)
            imposed = n.endswith("-imposee.pdf")
            size = i.get("Page size", "")
            if imposed:
                check("A4 landscape " + n, size.strip().startswith("841.89 x 595.28"), size)
            elif n.startswith("atelier"):
                check("A5 " + n, size.strip().startswith("419.53 x 595.28"), size)
            else:
                check("A4 " + n, size.strip().startswith("595.28 x 841.89"), size)
            check("title in " + n, i.get("Title", "").strip() != "")
            if not imposed:
                check("tagged " + n, i.get("Tagged", "").strip() == "yes")
        fiche = os.path.join(pdfdir, "action-1-atelier-habitants.pdf")
        t = pdftext(fiche)
        words = ["Atelier des habitants", "Acteurs", "Objectifs", "Rompre", "Pour prendre contact"]
        pos = [t.find(w) for w in words]
        check("fiche text in order", all(p >= 0 for p in pos) and pos == sorted(pos), str(pos))
        # The footnote is set at the foot of the page of its call (issue 17), below the text.
        pages = t.split("\f")
        call = [k for k, pg in enumerate(pages) if "Une note de bas de page" in pg]
        note = [k for k, pg in enumerate(pages) if "Compte rendu de 2015" in pg]
        check("footnote on the page of its call", call and call == note, "%s %s" % (call, note))
        check("footnote below the text that calls it", call and
              pages[call[0]].find("Compte rendu de 2015") > pages[call[0]].find("Une note de bas de page"))
        raw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", fiche, "-"],
                             capture_output=True).stdout
        check("narrow no-break space U+202F in the text (ToUnicode)", b"<202f>" in raw)
        check("no-break space U+00A0 before ':' (ToUnicode)", b"<00a0>" in raw)
        check("spaced colon kept apart", re.search(r"social\s:", t) is not None)
        # The fixture's map (a PNG alone in its paragraph) is a figure with its text alternative.
        maraude = os.path.join(pdfdir, "action-2-maraude.pdf")
        images = run("pdfimages", "-list", maraude).stdout.splitlines()[2:]
        check("the map is drawn in its fiche (pdfimages)", len(images) == 1, "\n".join(images))
        mraw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", maraude, "-"],
                              capture_output=True).stdout.decode("latin-1")
        alts = {}
        for obj in re.findall(r"<<(.*?)>>", mraw, re.S):
            m = re.search(r"/Alt <feff([0-9a-f]*)>", obj)
            kind = re.search(r"/S /(\w+)", obj)
            if m and kind:
                alts.setdefault(kind.group(1), []).append(bytes.fromhex(m.group(1)).decode("utf-16-be"))
        # Lists: L > LI > (Lbl, LBody).
        objs = {m.group(1): m.group(2).split("\nstream\n")[0]
                for m in re.finditer(r"^(\d+) 0 obj\n(.*?)^endobj", mraw, re.S | re.M)}
        kind_of = {n: (re.search(r"/S /(\w+)", o) or [None, None])[1] for n, o in objs.items()}
        def kids(n):
            k = re.search(r"/K (\[[^\]]*\]|\d+ 0 R)", objs.get(n, ""))
            return re.findall(r"(\d+) 0 R", k.group(1)) if k else []
        lists = [n for n, k in kind_of.items() if k == "L"]
        check("a list is an L of LI", lists and all(kids(n) and all(kind_of.get(c) == "LI" for c in kids(n))
                                                    for n in lists), str([(n, kids(n)) for n in lists]))
        items = [n for n, k in kind_of.items() if k == "LI"]
        check("each LI holds Lbl and LBody", items and all(
            [kind_of.get(c) for c in kids(n)] == ["Lbl", "LBody"] for n in items),
            str([(n, [kind_of.get(c) for c in kids(n)]) for n in items]))
        # An item's paragraphs are P elements of its one LBody (the fixture's
        # « Orienter. » has two).
        bodies = [n for n, k in kind_of.items() if k == "LBody"]
        check("each LBody holds its paragraphs as P", bodies and all(
            kids(n) and all(kind_of.get(c) == "P" for c in kids(n)) for n in bodies),
            str([(n, [kind_of.get(c) for c in kids(n)]) for n in bodies]))
        check("an item of two paragraphs is one LI", any(len(kids(n)) == 2 for n in bodies),
              str([(n, len(kids(n))) for n in bodies]))
        figures = alts.get("Figure", [])
        check("Figure elements carry their /Alt", "Carte du quartier" in figures and
              "QR code de la fiche en ligne" in figures, str(alts))
        guide = os.path.join(pdfdir, "guide-complet.pdf")
        gt = pdftext(guide)
        alltext = "".join(pdftext(os.path.join(pdfdir, n)) for n in names if not n.endswith("imposee.pdf"))
        check("a hyphenated line break", re.search("[a-zéè’]{2,}[-\u00ad]\n[a-zéè]", alltext) is not None)
        # Hyphenation points are soft hyphens in the text Pango lays out; only
        # those drawn at a line break may reach the PDF's text (text_renderer.c).
        inside = re.findall("\\w+\u00ad\\w+", alltext)
        check("no soft hyphen inside an extracted word", not inside, " ".join(inside[:5]))
        raw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", guide, "-"],
                             capture_output=True).stdout
        # (A soft hyphen drawn as the hyphen of a broken line is a span with its glyph.)
        check("no empty soft-hyphen spans in the page content",
              re.search(rb"/ActualText <feff00ad> >> BDC\s*EMC", raw) is None)
        # Sommaire: every entry's page starts with that entry's title.
        npages = int(pdfinfo(guide)["Pages"])
        som = pdftext(guide, 2, 2, layout=True)
        entries = re.findall(r"^(.+?)\s*\.?\s*(\d+)\s*$", som, re.M)
        entries = [(a.strip(" ."), int(b)) for a, b in entries if int(b) > 2]
        check("sommaire lists entries", len(entries) >= 5, str(entries))
        for title, page in entries:
            title = title.split("·")[-1].strip()
            got = pdftext(guide, page, page)
            check("sommaire '%s' → p. %d" % (title, page), title in got.replace("\n", " "))
        # « voir fiche-action 2, p. N » points to the page where it starts.
        refs = re.findall(r"voir (fiche-action|fiche thématique) (\d+),\s*p\.\s*(\d+)", gt.replace("\n", " "))
        check("cross-references with pages", len(refs) >= 1, gt[:0])
        for kind, num, page in refs:
            got = pdftext(guide, int(page), int(page))
            label = ("FICHE-ACTION " if kind == "fiche-action" else "FICHE THÉMATIQUE ") + num
            check("« voir %s %s, p. %s »" % (kind, num, page), label in got, got[:200])
        js = json.loads(run("qpdf", "--json", guide).stdout or "{}")
        check("outline present", len(js.get("outlines", [])) >= 1)
        check("link annotations present", raw.count(b"/Subtype /Link") >= 5)
        # Imposition: ceil(n/4) sheets, two sides each, saddle-stitch order.
        a5 = os.path.join(pdfdir, "atelier.pdf")
        imp = os.path.join(pdfdir, "atelier-imposee.pdf")
        n = int(pdfinfo(a5)["Pages"])
        sides = int(pdfinfo(imp)["Pages"])
        check("imposed sides = 2 × ceil(pages/4)", sides == 2 * math.ceil(n / 4), "%d %d" % (n, sides))
        m = 4 * math.ceil(n / 4)
        for s in range(sides):
            i = s // 2
            want = (m - 2 * i, 2 * i + 1) if s % 2 == 0 else (2 * i + 2, m - 2 * i - 1)
            lines = pdftext(imp, s + 1, s + 1, layout=True).splitlines()
            nums = [int(x) for l in lines for x in re.findall(r"(?<!\S)(\d{1,3})(?!\S)", l)
                    if l.strip() and re.fullmatch(r"\s*\d{1,3}(\s+\d{1,3})?\s*", l)]
            # Every page carries its number but the covers (1 and m): a side
            # shows exactly the numbers of its numbered pages, in place.
            numbered = [p for p in want if 1 < p < m]
            check("imposed side %d shows pages %s" % (s + 1, want), nums == numbered, str(nums))
        # Determinism: three builds, each with three typesetting workers.
        several = dict(env, PDF_JOBS="3")

        def pdf_bytes(out, n):
            with open(os.path.join(out, "pdf", n), "rb") as f:
                return f.read()
        run(exe, FIXTURE, out2, "https://tat.example.org/", env=several)
        for k in range(2):
            out3 = os.path.join(tmp, "again%d" % k)
            r = run(exe, FIXTURE, out3, "https://tat.example.org/", env=several)
            diff = [n for n in names if pdf_bytes(out2, n) != pdf_bytes(out3, n)]
            check("build %d gives identical bytes" % (k + 2), r.returncode == 0 and not diff,
                  " ".join(diff) + r.stderr)
        # The kept shapings (generator/pdf/shape_cache.c) change no byte: the
        # fixture's PDFs, and the TAT corpus' complete guide (105 pages).
        out4 = os.path.join(tmp, "unkept")
        r = run(exe, FIXTURE, out4, "https://tat.example.org/", env=dict(several, FICHES_SHAPE_CACHE="0"))
        diff = [n for n in names if pdf_bytes(out2, n) != pdf_bytes(out4, n)]
        check("same bytes without the kept shapings", r.returncode == 0 and not diff, " ".join(diff) + r.stderr)
        fiches = os.environ.get("FICHES")
        if fiches and os.path.isdir(os.path.join(ROOT, "content", "booklets")):
            kept, unkept = os.path.join(tmp, "guide-kept.pdf"), os.path.join(tmp, "guide-unkept.pdf")
            r1 = subprocess.run([fiches, "booklet", "guide-complet", "-q", "-o", kept], cwd=ROOT, env=env,
                                capture_output=True, text=True)
            r2 = subprocess.run([fiches, "booklet", "guide-complet", "-q", "-o", unkept], cwd=ROOT,
                                env=dict(env, FICHES_SHAPE_CACHE="0"), capture_output=True, text=True)
            same = r1.returncode == 0 and r2.returncode == 0 and open(kept, "rb").read() == open(unkept, "rb").read()
            check("TAT guide: same bytes without the kept shapings", same, r1.stderr + r2.stderr)
            # Its parts laid out on two threads (generator/pdf/part_lanes.c) or one: the same bytes.
            alone = os.path.join(tmp, "guide-one-lane.pdf")
            r3 = subprocess.run([fiches, "booklet", "guide-complet", "-q", "-o", alone], cwd=ROOT,
                                env=dict(env, FICHES_LAYOUT_LANES="1"), capture_output=True, text=True)
            same = r1.returncode == 0 and r3.returncode == 0 and open(kept, "rb").read() == open(alone, "rb").read()
            check("TAT guide: same bytes with its parts laid out on one thread", same, r3.stderr)
        # Ad-hoc booklet.
        adhoc = os.path.join(tmp, "selection.pdf")
        r = run(exe, FIXTURE, "--booklet", "-", adhoc, "--ids", "action:1,theme:cadre-de-vie", env=env)
        check("ad-hoc booklet", r.returncode == 0 and os.path.exists(adhoc), r.stderr)
        r = run(exe, FIXTURE, "--booklet", "-", adhoc, "--ids", "action:99", env=env)
        check("ad-hoc unknown id refused", r.returncode != 0 and "action:99" in r.stderr, r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
finish()
