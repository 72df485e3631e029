#!/usr/bin/env python3
"""JPEG images printed in the booklets (generator/pdf/image.c): a copy of
tests/fixtures/basic gets a fiche with five JPEG files written by
tests/pdf/jpeg_fixtures.c (libjpeg). The PDF must embed the baseline,
progressive and EXIF-rotated ones as their own DCT streams (pdfimages
-list: `jpeg`), the CMYK one decoded (printed, right colours), and print
the description of the arithmetic-coded one, which `fiches check` warns
about at its Markdown line. The rendered page shows each picture upright
(its quadrants where they belong). Prints "N passed, N failed" last."""
import os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, check, finish  # noqa: E402



def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


FICHE = """---
number: 9
title: Photos de l’atelier
summary: Des photos prises pendant l’atelier.
logic: intervention-rdrd
themes: [cadre-de-vie]
carrier: association-sud
contacts: [association-sud]
territories: [autres-territoires]
publics: [professionnels]
status: en-elaboration
---
## Acteurs

Les habitants.

## Objectifs

Montrer l’atelier.

![Photo ordinaire](../media/photo.jpg)

![Photo prise en hauteur](../media/portrait.jpg)

![Photo progressive](../media/progressif.jpg)

![Photo en quadrichromie](../media/cmjn.jpg)

![Photo arithmétique introuvable dans le PDF](../media/arithmetique.jpg)
"""

QUADS = {"magenta": (255, 0, 255), "cyan": (0, 255, 255), "jaune": (255, 255, 0)}


def read_ppm(path):
    data = open(path, "rb").read()
    parts = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(parts.group(1)), int(parts.group(2))
    return w, h, data[parts.end():]


def figures(ppm):
    """Centroids of the magenta, cyan and yellow areas of each picture on the page, top to bottom."""
    w, h, px = read_ppm(ppm)
    found = {}
    for name, (r0, g0, b0) in QUADS.items():
        pts = []
        for y in range(h):
            row = px[3 * w * y:3 * w * (y + 1)]
            for x in range(w):
                r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
                if abs(r - r0) < 60 and abs(g - g0) < 60 and abs(b - b0) < 60:
                    pts.append((x, y))
        found[name] = pts
    return found


def clusters(pts, gap=6):
    """Groups points by rows of pictures (pictures are stacked, one per paragraph)."""
    groups = []
    for x, y in sorted(pts, key=lambda p: p[1]):
        if groups and y - groups[-1][-1][1] <= gap:
            groups[-1].append((x, y))
        else:
            groups.append([(x, y)])
    return [(sum(p[0] for p in g) / len(g), sum(p[1] for p in g) / len(g), len(g),
             min(p[1] for p in g), max(p[1] for p in g), min(p[0] for p in g), max(p[0] for p in g))
            for g in groups if len(g) > 20]


def main():
    tmp = tempfile.mkdtemp(prefix="t_pdf_jpeg.")
    try:
        exe = os.path.join(tmp, "jpeg_fixtures")
        r = run("cc", "-std=c11", "-O1", "-o", exe, os.path.join(ROOT, "tests/pdf/jpeg_fixtures.c"), "-ljpeg")
        check("JPEG fixture writer builds (libjpeg)", r.returncode == 0, r.stderr)
        if r.returncode:
            return
        site = os.path.join(tmp, "site")
        shutil.copytree(FIXTURE, site)
        media = os.path.join(site, "content/media")
        r = run(exe, media)
        check("JPEG fixtures written", r.returncode == 0, r.stderr)
        with open(os.path.join(site, "content/actions/09-photos.md"), "w", encoding="utf-8") as f:
            f.write(FICHE)
        line = FICHE.splitlines().index("![Photo arithmétique introuvable dans le PDF](../media/arithmetique.jpg)") + 1
        r = run(FICHES, "check", "-C", site, env=dict(os.environ, LANG="C.UTF-8", LANGUAGE=""))
        warn = [l for l in r.stderr.splitlines() if "arithmetique.jpg" in l]
        check("check warns about the arithmetic-coded JPEG at its line",
              len(warn) == 1 and warn[0].startswith("content/actions/09-photos.md:%d:1: warning:" % line),
              r.stderr)
        others = [l for l in r.stderr.splitlines() if re.search(r"(photo|portrait|progressif|cmjn)\.jpg", l)]
        check("no warning about the JPEGs the booklets print", not others, "\n".join(others))
        r = run(FICHES, "check", "-C", site, env=dict(os.environ, LANG="fr_FR.UTF-8", LANGUAGE="fr"))
        fr = [l for l in r.stderr.splitlines() if "arithmetique.jpg" in l]
        check("the warning in French", fr and "ne peut pas être imprimée dans les livrets" in fr[0]
              and "codage arithmétique" in fr[0], "\n".join(fr))

        pdf = os.path.join(tmp, "photos.pdf")
        r = run(FICHES, "booklet", "-C", site, "--ids", "action:9", "-o", pdf,
                env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        check("booklet with the JPEG fiche typeset", r.returncode == 0 and os.path.exists(pdf), r.stderr)
        if r.returncode:
            return
        check("qpdf --check", run("qpdf", "--check", pdf).returncode == 0)
        rows = [l.split() for l in run("pdfimages", "-list", pdf).stdout.splitlines()[2:]]
        # page num type width height color comp bpc enc ...
        listed = [(int(x[3]), int(x[4]), x[5], x[8]) for x in rows]
        print("pdfimages -list:", listed)
        jpeg = [x for x in listed if x[3] == "jpeg"]
        check("three pictures embedded as their own JPEG streams (pdfimages: jpeg)", len(jpeg) == 3, str(listed))
        check("the rotated one embedded as stored, 160×120", all(x[:2] == (160, 120) for x in jpeg), str(jpeg))
        cmyk = [x for x in listed if x[3] != "jpeg"]
        check("the CMYK one printed from its decoded pixels, in RGB", len(cmyk) == 1 and cmyk[0][2] == "rgb",
              str(cmyk))
        bytes_in = {n: open(os.path.join(media, n), "rb").read() for n in ("photo.jpg", "progressif.jpg")}
        out = os.path.join(tmp, "img")
        run("pdfimages", "-j", pdf, out)
        extracted = [open(os.path.join(tmp, n), "rb").read() for n in sorted(os.listdir(tmp))
                     if n.startswith("img") and n.endswith(".jpg")]
        check("the DCT streams are the files' bytes unchanged",
              all(b in extracted for b in bytes_in.values()), str([len(e) for e in extracted]))
        t = run("pdftotext", pdf, "-").stdout
        check("the arithmetic-coded picture is not printed (its description is)",
              "Photo arithmétique introuvable dans le PDF" in t, t[-400:])

        # Rendered: every picture upright, the portrait one taller than wide.
        pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout).group(1))
        pics = []
        for p in range(1, pages + 1):
            base = os.path.join(tmp, "page%d" % p)
            run("pdftoppm", "-r", "50", "-f", str(p), "-l", str(p), "-singlefile", pdf, base)
            found = figures(base + ".ppm")
            mag = clusters(found["magenta"])
            cya = clusters(found["cyan"])
            yel = clusters(found["jaune"])
            for m in mag:
                c = [q for q in cya if abs(q[1] - m[1]) < 30]
                y = [q for q in yel if 0 < q[1] - m[1] < 60]
                pics.append((p, m, c[0] if c else None, y[0] if y else None))
        check("four pictures printed", len(pics) == 4, str(pics))
        upright = [c and y and c[0] > m[0] + 5 and abs(c[1] - m[1]) < 4 and y[1] > m[1] + 5 and abs(y[0] - m[0]) < 4
                   for _, m, c, y in pics]
        check("each picture upright (magenta top left, cyan top right, yellow bottom left)",
              len(pics) == 4 and all(upright), str(pics))
        ratio = [(m[4] - m[3] + 1) / max(1, m[6] - m[5] + 1) for _, m, _, _ in pics]
        check("the EXIF-rotated picture printed taller than wide, the others wider",
              len(ratio) == 4 and ratio[1] > 1.1 and all(r < 0.95 for i, r in enumerate(ratio) if i != 1),
              str(ratio))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    finish()
