#!/usr/bin/env python3
"""Derived labels on every page of the TAT site match their documents.

Builds content/ without PDFs into a temporary directory, then reads every HTML
page and checks that each « Chapitre N · Titre », « Fiche-action N · Titre » and
« Fiche thématique N · Titre » names a real document with that number and that
title (site.json is the reference), so a number leaking from the page's own
document into a list (seen: one chapter called 1, 2, 4 or 5 depending on the
page) fails. Also: no link whose whole text is a bare kind label (« Page »).
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, check, finish, read  # noqa: E402

KINDS = {"Chapitre": "guide", "Fiche-action": "actions", "Fiche thématique": "themes"}
LABEL = re.compile(r"(Chapitre|Fiche-action|Fiche thématique)[ \u00a0](\d+) · ([^<]+)<")
BARE = re.compile(r"<a [^>]*>(Page|Chapitre|Fiche-action|Fiche thématique)</a>")


def plain(title_html):
    """The text of a title as the page shows it, typography undone."""
    t = html.unescape(re.sub(r"<[^>]+>", "", title_html))
    return t.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'").strip()


def html_pages(root):
    """(path relative to root, text) of every HTML page below root."""
    for base, _, files in os.walk(root):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(base, name)
                yield os.path.relpath(path, root), read(path)


def main():
    out = tempfile.mkdtemp(prefix="fiches-labels-")
    try:
        p = subprocess.run([FICHES, "build", "--no-pdf", "-q", "-o", os.path.join(out, "public")],
                           cwd=ROOT, capture_output=True, text=True,
                           env=dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE=""))
        check("TAT site builds", p.returncode == 0, p.stderr[-2000:])
        if p.returncode != 0:
            return
        pub = os.path.join(out, "public")
        with open(os.path.join(pub, "site.json"), encoding="utf-8") as f:
            model = json.load(f)
        titles = {kind: {d["number"]: plain(d["title"]) for d in model[key]}
                  for kind, key in KINDS.items()}
        pages = wrong = bare = labels = 0
        first_wrong = first_bare = ""
        for rel, text in html_pages(pub):
            pages += 1
            # The <title> ends with the site's name after another « · ».
            text = re.sub(r"<title>.*?</title>", "", text, flags=re.S)
            for kind, number, title in LABEL.findall(text):
                labels += 1
                expected = titles[kind].get(int(number))
                if expected is None or plain(title) != expected:
                    wrong += 1
                    first_wrong = first_wrong or (
                        f"{rel}: {kind} {number} · {plain(title)!r}"
                        f" (site.json: {expected!r})")
            for m in BARE.findall(text):
                bare += 1
                first_bare = first_bare or f"{rel}: {m}"
        spaces, tels, selflinks, twice = [], [], [], []
        for rel, page in html_pages(pub):
            name = os.path.basename(rel)
            visible = re.sub(r"<(script|style|code|pre|title)\b.*?</\1>", "", page, flags=re.S)
            visible = html.unescape(re.sub(r"<[^>]+>", "", visible))
            for m in re.finditer(r".{0,20}( [:;!?»]|« ).{0,10}", visible):
                spaces.append(f"{rel}: {m.group(0)!r}")
            for t in re.findall(r'href="(tel:[^"]*)"', page):
                if not re.fullmatch(r"tel:(\+[1-9]\d{6,14}|\d{2,6})", t):
                    tels.append(f"{rel}: {t}")
            if rel.startswith("contacts/") and name != "index.html":
                if re.search(r'href="%s"' % re.escape(name), page):
                    selflinks.append(rel)
            if rel.startswith("fiches-actions/") and 'id="cite-dans"' in page:
                themes = re.search(r"<dt>Thèmes</dt>(.*?)</dd>", page, re.S)
                cited = page[page.index('id="cite-dans"'):]
                cited = cited[:cited.find("</section>")]
                for href in re.findall(r'href="([^"]+)"', themes.group(1) if themes else ""):
                    if f'href="{href}"' in cited:
                        twice.append(f"{rel}: {href}")
        check("no ordinary space before : ; ! ? » or after « in any page's text", not spaces,
              f"{len(spaces)}: {spaces[:4]}")
        check("phone links are international (tel:+33…) or short numbers", not tels, str(tels[:4]))
        check("a contact's page does not link to itself", not selflinks, str(selflinks[:4]))
        check("a fiche's themes are not listed again under « Cité dans »", not twice, str(twice[:4]))
        with open(os.path.join(pub, "fiches-actions", "habitants-a-l-epreuve-des-trafics.html"),
                  encoding="utf-8") as f:
            fiche = f.read()
        person = fiche[fiche.index("Anne-Marie Tagawa"):]
        person = person[:person.index("</div>")]
        check("a person's card does not show her organisation's description",
              "porteur des actions" not in person, person[:300])
        check(f"pages read ({pages}) hold numbered labels ({labels})", pages > 50 and labels > 100)
        check("every « Chapitre/Fiche N · Titre » matches its document", wrong == 0,
              f"{wrong} wrong, first: {first_wrong}")
        check("no link whose text is only a kind label", bare == 0,
              f"{bare} such links, first: {first_bare}")
        # With the PDFs: each link gives its PDF's real size (typeset before the pages).
        p = subprocess.run([FICHES, "build", "-q", "-o", os.path.join(out, "full")],
                           cwd=ROOT, capture_output=True, text=True,
                           env=dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE=""))
        check("TAT site builds with its PDFs", p.returncode == 0, p.stderr[-2000:])
        full = os.path.join(out, "full")
        sizes, wrong = 0, []
        for rel, page in html_pages(full):
            base = os.path.join(full, os.path.dirname(rel))
            for href, size in re.findall(r'href="([^"]+\.pdf)" download>[^<]*</a> '
                                         r'<span class="taille-fichier">\(PDF, ([^)]+)\)', page):
                sizes += 1
                real = os.path.getsize(os.path.normpath(os.path.join(base, href)))
                value, unit = size.replace("\u00a0", " ").split(" ")
                shown = float(value.replace(",", ".")) * (1024 if unit == "Ko" else 1024 * 1024)
                if abs(shown - real) > (1024 if unit == "Ko" else 0.06 * 1024 * 1024):
                    wrong.append(f"{rel}: {href} {size} vs {real} bytes")
        check(f"every PDF link gives the PDF's size ({sizes} links)", sizes >= 15 and not wrong,
              str(wrong[:3]))
    finally:
        shutil.rmtree(out, ignore_errors=True)


main()
finish()
