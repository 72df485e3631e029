#!/usr/bin/env python3
"""Photos uploaded in the workshop (generator/serve/edit_image.c) as a phone
sends them: a JPEG stored lying on its side with EXIF orientation 6, and a
CMYK JPEG, both written by tests/pdf/jpeg_fixtures.c (libjpeg), uploaded to
`fiches serve --no-pdf` over HTTP on a copy of tests/fixtures/basic.

The stored files are JPEGs without EXIF (the metadata is dropped), in RGB,
under a safe ASCII name; the rotated one is stored upright (taller than
wide), and once printed in a booklet its quadrants are where they belong,
like the CMYK one's colours. Prints "N passed, N failed" last.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "pdf"))
import t_editor_http as base  # noqa: E402
import t_pdf_jpeg as printed  # noqa: E402  (the quadrant reader of the booklet test)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import check, finish  # noqa: E402

FIXTURE = os.path.join(base.REPO, "tests", "fixtures", "basic")


def jpeg_frame(data):
    """(width, height, components, has_exif) from a JPEG's markers."""
    at, exif = 2, False
    while at + 4 <= len(data):
        m = data[at + 1]
        n = data[at + 2] << 8 | data[at + 3]
        if m == 0xE1 and data[at + 4:at + 10] == b"Exif\0\0":
            exif = True
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            s = data[at + 4:]
            return (s[3] << 8 | s[4], s[1] << 8 | s[2], s[5], exif)
        at += 2 + n
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="t_editor_upload_jpeg.")
    root = os.path.join(tmp, "projet")
    shutil.copytree(FIXTURE, root)
    srv = base.Server(root)
    try:
        if not check("serve starts with the workshop", srv.port and srv.key, srv.text()[-500:]):
            return
        exe = os.path.join(tmp, "jpeg_fixtures")
        r = subprocess.run(["cc", "-std=c11", "-O1", "-o", exe, os.path.join(base.REPO, "tests/pdf/jpeg_fixtures.c"),
                            "-ljpeg"], capture_output=True, text=True)
        if not check("JPEG fixture writer builds", r.returncode == 0, r.stderr):
            return
        made = os.path.join(tmp, "made")
        os.mkdir(made)
        subprocess.run([exe, made], check=True)
        stored = {}
        for name, sent in [("portrait.jpg", "Photo du téléphone.JPG"), ("cmjn.jpg", "Affiche CMJN.jpg")]:
            data = open(os.path.join(made, name), "rb").read()
            st, _, body = base.request(srv.port, "POST", "/_edit/api/image", data,
                                       cookie="fiches_atelier=" + srv.key,
                                       origin="http://127.0.0.1:%d" % srv.port,
                                       headers={"X-Nom-Fichier": quote(sent),
                                                "Content-Type": "application/octet-stream"})
            v = base.as_json(body) or {}
            check("%s accepted → a safe ASCII name" % name, st == 200 and re.fullmatch(r"[a-z0-9-]+\.jpg", v.get("nom", "")),
                  (st, body[:200]))
            stored[name] = os.path.join(root, "content", "media", v.get("nom", "?"))
        frame = jpeg_frame(open(stored["portrait.jpg"], "rb").read()) if os.path.exists(stored["portrait.jpg"]) else None
        check("the phone photo is stored upright (120×160), without its EXIF", frame and frame[:2] == (120, 160) and
              not frame[3], frame)
        frame = jpeg_frame(open(stored["cmjn.jpg"], "rb").read()) if os.path.exists(stored["cmjn.jpg"]) else None
        check("the CMYK picture is stored in RGB", frame and frame[2] == 3, frame)
        # Printed: the stored pixels are upright and in the right colours.
        fiche = os.path.join(root, "content", "actions", "09-photos.md")
        with open(fiche, "w", encoding="utf-8") as f:
            f.write(printed.FICHE.split("## Acteurs")[0] + "## Acteurs\n\nLes habitants.\n\n## Objectifs\n\nMontrer.\n\n"
                    "![Photo du téléphone](../media/%s)\n\n![Affiche](../media/%s)\n"
                    % (os.path.basename(stored["portrait.jpg"]), os.path.basename(stored["cmjn.jpg"])))
        pdf = os.path.join(tmp, "p.pdf")
        r = subprocess.run([base.FICHES, "booklet", "-C", root, "--ids", "action:9", "-o", pdf],
                           capture_output=True, text=True)
        check("a booklet prints them", r.returncode == 0, r.stderr[-400:])
        pics = []
        if r.returncode == 0:
            pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True,
                                                                    text=True).stdout).group(1))
            for p in range(1, pages + 1):
                out = os.path.join(tmp, "page%d" % p)
                subprocess.run(["pdftoppm", "-r", "50", "-f", str(p), "-l", str(p), "-singlefile", pdf, out])
                found = printed.figures(out + ".ppm")
                for m in printed.clusters(found["magenta"]):
                    c = [q for q in printed.clusters(found["cyan"]) if abs(q[1] - m[1]) < 30]
                    y = [q for q in printed.clusters(found["jaune"]) if 0 < q[1] - m[1] < 60]
                    pics.append((m, c[0] if c else None, y[0] if y else None))
        check("both printed upright, in their colours (magenta top left, cyan top right, yellow bottom left)",
              len(pics) == 2 and all(c and y and c[0] > m[0] + 5 and y[1] > m[1] + 5 for m, c, y in pics), pics)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


main()
finish()
