#!/usr/bin/env python3
"""End-to-end tests of `fiches build` and `fiches check` on the fixture corpus.

Builds tests/fixtures/basic into a temporary directory and checks the produced
HTML by parsing it (html.parser), then runs one build per kind of bad input and
checks the diagnostic (file, line, column where it applies), the exit status,
and that public/ is byte-for-byte as it was.
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, check, fiches, finish, project, read, require_built, sha256, stamp, tree, write  # noqa: E402

NNBSP, NBSP = "\u202f", "\u00a0"


class Page(html.parser.HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.tags, self.text = [], set(), [], []
        self.abbr, self.lang, self.headings, self.in_script = [], None, [], False
        self.current_heading = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("img", "script", "link") and (a.get("src") or a.get("href")):
            self.links.append(a.get("src") or a.get("href"))
        if tag == "abbr":
            self.abbr.append(a.get("title", ""))
        if re.fullmatch(r"h[1-6]", tag):
            self.current_heading = [int(tag[1]), ""]
        if tag == "script":
            self.in_script = True

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self.current_heading:
            self.headings.append(tuple(self.current_heading))
            self.current_heading = None
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if not self.in_script:
            self.text.append(data)
        if self.current_heading:
            self.current_heading[1] += data


def parse(path):
    p = Page()
    p.raw = read(path)
    p.feed(p.raw)
    p.body = "".join(p.text)
    return p


def test_good_build():
    proj = project(templates=True)
    rc, _, err = fiches("build", "-C", proj, "--no-pdf")
    check("fixture builds", rc == 0, err)
    pub = os.path.join(proj, "public")
    if rc != 0:
        return
    pages = {}
    for base, _, files in os.walk(pub):
        for f in files:
            if f.endswith(".html"):
                rel = os.path.relpath(os.path.join(base, f), pub)
                pages[rel] = parse(os.path.join(base, f))
    for name in ["index.html", "fiches-actions/index.html", "fiches-actions/atelier-habitants.html",
                 "fiches-thematiques/cadre-de-vie.html", "guide/index.html",
                 "guide/introduction.html", "contacts/index.html", "contacts/marie-durand.html",
                 "glossaire.html", "bibliographie.html", "logiques/mobilisation-habitants.html",
                 "publics/habitants.html", "territoires/13e.html", "recherche.html", "404.html",
                 "pages/la-demarche.html"]:
        check(f"page {name} exists", name in pages)
    check("site.json written", os.path.exists(os.path.join(pub, "site.json")))
    check("no sitemap without base_url", not os.path.exists(os.path.join(pub, "sitemap.xml")))
    # Every internal link and asset of every page resolves, anchors included.
    broken = []
    for rel, page in pages.items():
        if rel == "404.html":
            continue
        for href in page.links:
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target, _, anchor = href.partition("#")
            if href.startswith("/"):
                broken.append((rel, href, "absolute"))
                continue
            tpath = os.path.normpath(os.path.join(os.path.dirname(rel), target)) if target else rel
            if not os.path.exists(os.path.join(pub, tpath)):
                broken.append((rel, href))
            elif anchor and tpath.endswith(".html") and anchor not in pages[tpath].ids:
                broken.append((rel, href, "anchor"))
    check("all internal links and anchors resolve, all relative", not broken, str(broken[:5]))
    not_fr = [rel for rel, page in pages.items() if page.lang != "fr"]
    check("every page has lang=fr", pages and not not_fr, str(not_fr[:5]))
    a = pages["fiches-actions/atelier-habitants.html"]
    h1 = [h for h in a.headings if h[0] == 1]
    check("action page has one h1 with its title", len(h1) == 1 and "Atelier des habitants" in h1[0][1], str(h1))
    levels = [h[0] for h in a.headings]
    check("headings never skip a level", all(b - x <= 1 for x, b in zip(levels, levels[1:])), str(levels))
    check("glossary sigle marked up with its expansion",
          any(t.startswith("Centre d'accueil") or t.startswith("Centre d’accueil") for t in a.abbr), str(a.abbr))
    check("sigle linked to the glossary", any("glossaire.html#caarud" in l for l in a.links))
    check("empty link text filled from the target", "Fiche-action 2 · Maraude de réduction des risques" in a.body)
    # The source writes « centre social : « *on parle…* » » and « 42 % »
    # with plain spaces: the page has a no-break space before « : » and
    # « % » (Imprimerie nationale), narrow ones inside the guillemets, and
    # no breakable space left at any of these places.
    check("French typography: NNBSP inside « »",
          "«" + NNBSP + "on parle" in a.body and "vit" + NNBSP + "»" in a.body, a.body[:300])
    check("French typography: no-break space before « : »",
          "centre social" + NBSP + ":" in a.body and "collective" + NBSP + ":" in a.body
          and not re.search(r"\w :", a.body), a.body[:300])
    check("percent gets a no-break space", "42" + NBSP + "%" in a.body and "42 %" not in a.body)
    check("apostrophe and ellipsis", "l’isolement…" in a.body)
    check("ordinal superscript in the text", "du 13<sup>e</sup> se retrouvent" in a.raw)
    check("table rendered", any(t == "table" for t, _ in a.tags))
    check("footnote rendered with back link", "note-1" in a.ids and "appel-1" in a.ids)
    check("contact e-mail shown", "marie.durand@centre-nord.example" in a.body)
    check("backlinks: theme cites the action", "Fiche thématique 1" in a.body and "Cité dans" in a.body)
    check("previous/next", any(l.endswith("maraude.html") for l in a.links))
    t = pages["fiches-thematiques/cadre-de-vie.html"]
    check("theme ↔ action relation from front matter and body",
          "Atelier des habitants" in t.body and "Dispositif de veille" in t.body)
    check("typography in headings: NNBSP before ?", "De quoi s’agit-il" + NNBSP + "?" in t.body)
    c = pages["contacts/centre-social-nord.html"]
    check("contact page lists its actions", "Atelier des habitants" in c.body)
    g = pages["guide/les-actions.html"]
    check("guide chapter shows included fiches", "Maraude de réduction des risques" in g.body and "Le cadre de vie" in g.body)
    lg = pages["logiques/mobilisation-habitants.html"]
    check("logic page lists its actions", "Atelier des habitants" in lg.body and "Maraude" not in lg.body)
    home = pages["index.html"]
    check("home has entry points by public", "Habitants" in home.body and "Professionnels" in home.body)
    check("home has skip link and landmarks",
          any(t == "main" for t, _ in home.tags) and any(t == "nav" for t, _ in home.tags) and "contenu" in home.ids)
    check("raw HTML-free output: no script except our assets",
          all(a.get("src", "").endswith("assets/site.js") or a.get("src", "").endswith(".js")
              for t, a in home.tags if t == "script"))
    # Reproducible: a second project built elsewhere gives identical bytes.
    proj2 = project(templates=True)
    rc2, _, _ = fiches("build", "-C", proj2, "--no-pdf", "-j", "1")
    d1 = tree(pub, sha256)
    d2 = tree(os.path.join(proj2, "public"), sha256)
    check("two builds give identical bytes (also across -j)", rc2 == 0 and d1 == d2,
          str(set(d1.items()) ^ set(d2.items()))[:300])
    # A rebuild with no change writes nothing.
    before = tree(pub, stamp)
    rc3, _, err3 = fiches("build", "-C", proj, "--no-pdf")
    check("no-change rebuild keeps every file and mtime", rc3 == 0 and tree(pub, stamp) == before, err3)
    # Editing one fiche rewrites only files whose bytes change.
    p = os.path.join(proj, "content", "actions", "03-veille.md")
    text = read(p)
    write(p, text.replace("Observer.", "Observer attentivement."))
    fiches("build", "-C", proj, "--no-pdf")
    after = tree(pub, stamp)
    changed = sorted(k for k in after if after[k] != before.get(k))
    check("one edit rewrites only the changed pages",
          "fiches-actions/veille.html" in changed and "fiches-actions/maraude.html" not in changed,
          str(changed))
    # A file fiches did not create survives rebuilds.
    with open(os.path.join(pub, "robots.txt"), "w") as f:
        f.write("User-agent: *\n")
    fiches("build", "-C", proj, "--no-pdf")
    check("files fiches did not create are kept", os.path.exists(os.path.join(pub, "robots.txt")))
    # CRLF and BOM are accepted.
    text = read(p)
    with open(p, "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    rc4, _, err4 = fiches("build", "-C", proj, "--no-pdf")
    check("CRLF and BOM accepted", rc4 == 0, err4)
    shutil.rmtree(os.path.dirname(proj))
    shutil.rmtree(os.path.dirname(proj2))


def line_of(text, needle):
    i = text.index(needle)
    return text.count("\n", 0, i) + 1


# Each bad input: file to change, how, the needle locating the expected line
# (None: only the file is checked), the message fragment, and options.
BAD = [
    ("invalid YAML", "actions/02-maraude.md", lambda t: t.replace("status: en-elaboration", "status: [en-elaboration"), None, "YAML", []),
    ("missing title", "actions/03-veille.md", lambda t: t.replace("title: Dispositif de veille\n", ""), None, "title", []),
    ("wrong type: number as text", "actions/03-veille.md", lambda t: t.replace("number: 3", "number: trois"), "number: trois", "number", []),
    ("duplicate number", "actions/03-veille.md", lambda t: t.replace("number: 3", "number: 2"), "number: 2", "duplicate number", []),
    ("duplicate slug", "actions/03-veille.md", lambda t: t.replace("number: 3", "number: 3\nslug: maraude"), "slug: maraude", "duplicate slug", []),
    ("unknown logic with suggestion", "actions/03-veille.md", lambda t: t.replace("logic: mobilisation-habitants", "logic: mobilisation-habitant"), "logic: mobilisation-habitant", "did you mean 'mobilisation-habitants'", []),
    ("unknown theme with suggestion", "actions/01-atelier-habitants.md", lambda t: t.replace("themes: [cadre-de-vie]", "themes: [cadre-de-vi]"), "themes: [cadre-de-vi]", "did you mean 'cadre-de-vie'", []),
    ("unknown carrier contact", "actions/01-atelier-habitants.md", lambda t: t.replace("carrier: centre-social-nord", "carrier: centre-social-sud"), "carrier: centre-social-sud", "centre-social-sud", []),
    ("unknown public", "actions/03-veille.md", lambda t: t.replace("publics: [habitants]", "publics: [habitant]"), "publics: [habitant]", "did you mean 'habitants'", []),
    ("unknown territory", "actions/03-veille.md", lambda t: t.replace("territories: [13e]", "territories: [31e]"), "territories: [31e]", "31e", []),
    ("missing section is an error with --strict", "actions/03-veille.md", lambda t: t.replace("## Acteurs", "## Les acteurs"), None, "Acteurs", ["--strict"]),
    ("unknown action reference", "themes/1-cadre-de-vie.md", lambda t: t.replace("(action:3)", "(action:99)"), "(action:99)", "99", []),
    ("unknown anchor", "actions/01-atelier-habitants.md", lambda t: t.replace("#comment-faire", "#comment-fair"), "#comment-fair", "comment-fair", []),
    ("unknown contact link", "actions/01-atelier-habitants.md", lambda t: t.replace("(contact:centre-social-nord)", "(contact:inconnu)"), "(contact:inconnu)", "inconnu", []),
    ("unknown glossary link", "actions/01-atelier-habitants.md", lambda t: t.replace("(glossary:CAARUD)", "(glossary:CARUD)"), "(glossary:CARUD)", "CARUD", []),
    ("unknown biblio link", "actions/01-atelier-habitants.md", lambda t: t.replace("(biblio:roche-2013)", "(biblio:roche-2031)"), "(biblio:roche-2031)", "roche-2031", []),
    ("unknown link scheme", "themes/2-expertise-des-habitants.md", lambda t: t.replace("Une expertise d'usage.", "Voir [x](actoin:1)."), "actoin:1", "actoin", []),
    ("relative .md link to a missing file", "actions/01-atelier-habitants.md", lambda t: t.replace("01-introduction.md", "09-absent.md"), "09-absent.md", "09-absent.md", []),
    ("missing image", "actions/02-maraude.md", lambda t: t.replace("carte.png", "plan.png"), "plan.png", "plan.png", []),
    ("unclosed front matter", "actions/03-veille.md", lambda t: t.replace("---\n## Acteurs", "## Acteurs"), None, "never closed", []),
    ("duplicate YAML key", "actions/03-veille.md", lambda t: t.replace("number: 3", "number: 3\nnumber: 4"), "number: 4", "duplicate", []),
    ("duplicate contact id", "contacts.yaml", lambda t: t.replace("id: association-sud", "id: centre-social-nord"), "id: centre-social-nord\n  name: Association", "duplicate", []),
    ("front matter that is not a mapping (a page, with the default menu)", "pages/la-demarche.md", lambda t: "---\n- un\n- deux\n---\nTexte.\n", "- un", "mapping", []),
    ("bad colour in site.yaml", "site.yaml", lambda t: t.replace('"#1d6b4f"', '"vert"'), '"vert"', "#rrggbb", []),
]


def test_bad_inputs():
    proj = project(templates=True)
    rc, _, err = fiches("build", "-C", proj, "--no-pdf")
    if rc != 0:
        check("baseline build for bad-input tests", False, err)
        return
    pub = os.path.join(proj, "public")
    content = os.path.join(proj, "content")
    for name, rel, change, needle, fragment, opts in BAD:
        path = os.path.join(content, rel)
        orig = read(path)
        bad = change(orig)
        assert bad != orig, name
        write(path, bad)
        before = tree(pub, stamp)
        rc, _, err = fiches("build", "-C", proj, "--no-pdf", *opts)
        shown = f"content/{rel}"
        pattern = re.escape(shown) + (f":{line_of(bad, needle)}:" if needle else r"(:\d+)?")
        ok = (rc == 1 and re.search(pattern + r".*(error|erreur).*" if needle else pattern, err)
              and fragment in err and tree(pub, stamp) == before)
        check(f"bad input: {name}", ok, f"rc={rc} want {pattern} + {fragment!r}\n{err}")
        write(path, orig)
    # Raw bytes cases.
    path = os.path.join(content, "actions", "03-veille.md")
    orig = read(path, "rb")
    cases = [
        ("invalid UTF-8", orig.replace(b"Observer", b"Obs\xe9rver"), b"Obs", "UTF-8"),
        ("NUL byte", orig.replace(b"Observer", b"Obs\x00rver"), b"Obs", "NUL"),
        ("oversized file", orig + b"a" * (5 << 20), None, "too large"),
        ("YAML alias bomb", b"---\n" + b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
         b"".join(b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((c,) + (c,) + (c - 1,) * 10) for c in range(ord("b"), ord("k")))
         + b"---\nbody\n", None, ""),
        ("deep nesting", b"---\nnumber: 3\ntitle: x\nsummary: y\nlogic: mobilisation-habitants\nk: " + b"[" * 10000 + b"]" * 10000 + b"\n---\n", None, ""),
    ]
    for name, data, needle, fragment in cases:
        with open(path, "wb") as f:
            f.write(data)
        before = tree(pub, stamp)
        rc, _, err = fiches("build", "-C", proj, "--no-pdf")
        want = "content/actions/03-veille.md:"
        if needle:
            line = data[:data.index(needle)].count(b"\n") + 1
            want += f"{line}:"
        check(f"bad input: {name}", rc == 1 and want in err and fragment in err and tree(pub, stamp) == before,
              f"rc={rc} want {want!r} {fragment!r}\n{err[:500]}")
    with open(path, "wb") as f:
        f.write(orig)
    # Template syntax error: reported at templates/x.mustache:line:col.
    tpath = os.path.join(proj, "templates", "page.mustache")
    torig = read(tpath)
    write(tpath, torig.replace("{{/doc}}", "{{/docs}}"))
    before = tree(pub, stamp)
    rc, _, err = fiches("build", "-C", proj, "--no-pdf")
    check("template syntax error at templates/page.mustache:line:col",
          rc == 1 and re.search(r"templates/page\.mustache:\d+:\d+", err) and tree(pub, stamp) == before, err)
    write(tpath, torig)
    # check writes nothing; output inside content/ is refused.
    shutil.rmtree(pub)
    rc, _, err = fiches("check", "-C", proj)
    left = sorted(os.listdir(pub))[:10] if os.path.exists(pub) else None
    check("check writes nothing", rc == 0 and left is None, f"rc={rc} public/={left} {err}")
    rc, _, err = fiches("build", "-C", proj, "-o", os.path.join(content, "out"))
    check("output inside content/ refused (usage, exit 2)", rc == 2 and not os.path.exists(os.path.join(content, "out")), err)
    rc, _, _ = fiches("frobnicate")
    check("unknown command is a usage error", rc == 2)
    rc, out, _ = fiches("--version")
    check("--version", rc == 0 and out.startswith("fiches "))
    shutil.rmtree(os.path.dirname(proj))


def test_new():
    proj = project(templates=True)
    rc, out, err = fiches("new", "action", "Nouvelle action : essai", "-C", proj)
    created = out.strip()
    check("new action scaffolds the next number", rc == 0 and created.endswith("04-nouvelle-action-essai.md"), err + out)
    rc, _, err = fiches("check", "-C", proj)
    check("scaffolded fiche passes check", rc == 0, err)
    first = open(created, encoding="utf-8").read()
    rc, out, err = fiches("new", "action", "Nouvelle action : essai", "-C", proj)
    check("a second new takes the next number and leaves the first file alone",
          rc == 0 and out.strip().endswith("05-nouvelle-action-essai.md") and
          open(created, encoding="utf-8").read() == first, err + out)
    shutil.rmtree(os.path.dirname(proj))


def test_base_url_and_colour():
    proj = project(templates=True)
    site = os.path.join(proj, "content", "site.yaml")
    with open(site, "a", encoding="utf-8") as f:
        f.write("base_url: https://exemple.org/tat\n")
    rc, _, err = fiches("build", "-C", proj, "--no-pdf")
    pub = os.path.join(proj, "public")
    sm = os.path.join(pub, "sitemap.xml")
    ok = rc == 0 and os.path.exists(sm)
    if ok:
        import xml.etree.ElementTree as ET
        locs = [e.text for e in ET.parse(sm).getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        ok = "https://exemple.org/tat/fiches-actions/atelier-habitants.html" in locs and \
            "https://exemple.org/tat/" in locs and not any("404" in l for l in locs)
    check("sitemap.xml with base_url", ok, err)
    page = parse(os.path.join(pub, "fiches-actions", "atelier-habitants.html"))
    canon = [a.get("href") for t, a in page.tags if t == "link" and a.get("rel") == "canonical"]
    check("canonical link with base_url", canon == ["https://exemple.org/tat/fiches-actions/atelier-habitants.html"], str(canon))
    # Colour only on a terminal, never with NO_COLOR.
    p = os.path.join(proj, "content", "actions", "03-veille.md")
    text = read(p)
    write(p, text.replace("(action:atelier-habitants)", "(action:absent)"))
    import pty
    def on_tty(extra_env, args=("check", "-C", proj)):
        env = dict(os.environ, LC_ALL="C", LANGUAGE="")
        env.pop("NO_COLOR", None)
        env.update(extra_env)
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(FICHES, [FICHES] + list(args), env)
        out = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.waitpid(pid, 0)
        return out.decode("utf-8", "replace")
    coloured = on_tty({})
    check("diagnostics coloured on a terminal", "\x1b[" in coloured and "absent" in coloured, repr(coloured[:200]))
    plain = on_tty({"NO_COLOR": "1"})
    check("no colour with NO_COLOR", "\x1b[" not in plain and "absent" in plain, repr(plain[:200]))
    _, _, err = fiches("check", "-C", proj)
    check("no colour when not a terminal", "\x1b[" not in err and "absent" in err)
    # The booklets' progress bar: drawn on a terminal, absent from logs.
    write(p, text)
    out = os.path.join(proj, "out-pdf")
    bar = on_tty({}, ("build", "-C", proj, "-o", out))
    steps = re.findall(r"\rPDF \[[# ]+\] (\d+)/(\d+)", bar)
    check("progress bar on a terminal while booklets are made",
          len(steps) >= 2 and steps[-1][0] == steps[-1][1], repr(bar[:300]))
    shutil.rmtree(out, ignore_errors=True)
    code, _, err = fiches("build", "-C", proj, "-o", out)
    check("no progress bar when not a terminal", code == 0 and "PDF [" not in err and "\r" not in err, err[:300])
    shutil.rmtree(os.path.dirname(proj))


def test_image_not_png():
    """A JPEG is published and shown on the web; the booklets cannot draw it: a warning says so."""
    proj = project(templates=True)
    with open(os.path.join(proj, "content", "media", "photo.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64)
    rel = os.path.join("actions", "02-maraude.md")
    path = os.path.join(proj, "content", rel)
    text = read(path)
    text += "\n![Photo de la maraude](../media/photo.jpg)\n"
    write(path, text)
    line = text.count("\n", 0, text.index("![Photo"))  + 1
    rc, _, err = fiches("build", "-C", proj, "-o", os.path.join(proj, "out"))
    want = f"content/{rel}:{line}:1: warning"
    check("a non-PNG image: warning with file:line, build goes on",
          rc == 0 and want in err and "photo.jpg" in err and "PNG" in err, f"rc={rc} want {want}\n{err}")
    page = parse(os.path.join(proj, "out", "fiches-actions", "maraude.html"))
    srcs = [a.get("src") for t, a in page.tags if t == "img"]
    check("the non-PNG image is on the web page", "../media/photo.jpg" in srcs, str(srcs))
    shutil.rmtree(os.path.dirname(proj))


def worker_version(proj, out):
    rc, _, err = fiches("build", "-q", "--no-pdf", "-C", proj, "-o", out)
    with open(os.path.join(out, "sw.js"), encoding="utf-8") as f:
        m = re.search(r'var VERSION = "([^"]+)"', f.read())
    return rc, err, m.group(1) if m else None


def test_worker_version():
    """The service worker's version follows the search index and site.json,
    which it covers through the stage's hashes of their files (out_offline.c
    needs those outputs): the same site keeps it, a changed text changes it."""
    proj = project(templates=True)
    out = os.path.join(proj, "out")
    rc, err, v1 = worker_version(proj, out)
    rc2, _, v2 = worker_version(proj, out)
    check("sw.js has a version, the same when nothing changed", rc == 0 and rc2 == 0 and v1 and v1 == v2, err)
    fiche = os.path.join(proj, "content", "actions", "03-veille.md")
    with open(fiche, "a", encoding="utf-8") as f:
        f.write("\nUn mot nouveau : zygomatique.\n")
    rc, err, v3 = worker_version(proj, out)
    check("a word added to a fiche's text gives sw.js a new version", rc == 0 and v3 and v3 != v1, err)
    shutil.rmtree(os.path.dirname(proj))


def test_install():
    dest = tempfile.mkdtemp(prefix="fiches-install-")
    p = subprocess.run(["make", "-s", "install", "PREFIX=/usr", "DESTDIR=" + dest, "BUILD=" + os.path.dirname(FICHES)],
                       cwd=ROOT, capture_output=True, text=True)
    files = ["usr/bin/fiches", "usr/share/man/man1/fiches.1", "usr/share/man/man5/fiches.5",
             "usr/share/fiches/templates/action.mustache", "usr/share/locale/fr/LC_MESSAGES/fiches.mo"]
    missing = [f for f in files if not os.path.exists(os.path.join(dest, f))]
    check("make install PREFIX DESTDIR", p.returncode == 0 and not missing, p.stderr + str(missing))
    shutil.rmtree(dest)


if __name__ == "__main__":
    require_built()
    test_good_build()
    test_bad_inputs()
    test_new()
    test_base_url_and_colour()
    test_image_not_png()
    test_worker_version()
    test_install()
    finish()
