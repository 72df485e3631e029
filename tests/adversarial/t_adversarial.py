#!/usr/bin/env python3
"""Adversarial inputs for `fiches build`: one table row per bad input.

Each case starts from a copy of tests/fixtures/basic already built once
(public/ exists), changes the project, runs `fiches build --no-pdf` under a
2 GiB address-space limit (ulimit -v; not under ASan, which reserves more)
and a CPU-time limit (RLIMIT_CPU; the wall-time limit is generous and only
catches a build blocked without computing), then checks:

  refused  the exit status, a diagnostic naming the file (and the line when
           the row gives a needle), and public/ untouched (sha256 + mtime of
           every file);
  allowed  exit status 0 and safe output: no <script> element except the
           site's own assets, no on* attribute, no javascript:/data:/vbscript:
           URL in href or src;
  and for every case: nothing written outside public/ (the rest of the
  project is unchanged and no staging directory is left behind).

The bad-input cases of tests/e2e/t_build.py are not repeated here.
"""
import hashlib
import html.parser
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, check, finish, require_program  # noqa: E402

SANITIZED = os.environ.get("SANITIZE") == "1" or "sanitize" in FICHES
MEM_LIMIT = 2 << 30
# Each build is bounded in CPU time (RLIMIT_CPU: a runaway loop dies with
# SIGXCPU however busy the machine is) and, only to catch a build blocked
# without using the CPU, in wall time, generously: neither is a speed check.
CPU_LIMIT = 120 if SANITIZED else 60
HANG_LIMIT = 900
V = "content/actions/03-veille.md"


def digest(path, skip=None):
    """Relative path → (sha256, mtime_ns) of every file (links: their target text) below path."""
    out = {}
    for base, dirs, files in os.walk(path):
        if skip:
            dirs[:] = [d for d in dirs if os.path.join(base, d) != skip]
        for f in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            p = os.path.join(base, f)
            if os.path.islink(p):
                out[os.path.relpath(p, path)] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as fh:
                    out[os.path.relpath(p, path)] = (hashlib.sha256(fh.read()).hexdigest(),
                                                     os.stat(p).st_mtime_ns)
            else:
                out[os.path.relpath(p, path)] = ("special",)
    return out


# Inline scripts the templates themselves write (the 404 page's root finder),
# read from the baseline build of the unmodified fixture: an inline script is
# safe only when it is byte for byte one of these.
TEMPLATE_INLINE_SCRIPTS = set()


class Safety(html.parser.HTMLParser):
    """Collects what would run script in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.inline = None    # text of the inline <script> being read
        self.inline_scripts = []

    def handle_data(self, data):
        if self.inline is not None:
            self.inline += data

    def handle_endtag(self, tag):
        if tag == "script" and self.inline is not None:
            self.inline_scripts.append(self.inline)
            if self.inline not in TEMPLATE_INLINE_SCRIPTS:
                self.problems.append(f"<script>{self.inline[:40]!r}")
            self.inline = None

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}>")
            if k in ("href", "src", "action", "formaction", "xlink:href") and v:
                u = re.sub(r"[\x00-\x20]", "", v).lower()
                if u.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {k}={v[:40]}>")
        if tag == "script":
            src = dict(attrs).get("src")
            if src is None and not [v for k, v in attrs if k != "type"]:
                self.inline = ""
            elif not re.match(r"^(\.\./)*assets/[a-z0-9-]+\.js$", src or ""):
                self.problems.append(f"<script src={src!r}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")


# A page's problems depend on its bytes only (and on TEMPLATE_INLINE_SCRIPTS,
# fixed after the baseline build): most cases leave most pages as the
# baseline wrote them, so each distinct page is parsed once for all cases.
PAGE_PROBLEMS = {}


def page_problems(path):
    with open(path, "rb") as fh:
        data = fh.read()
    key = hashlib.sha256(data).digest()
    if key not in PAGE_PROBLEMS:
        p = Safety()
        # As a file opened as text would read it (universal newlines).
        p.feed(data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n"))
        PAGE_PROBLEMS[key] = p.problems
    return PAGE_PROBLEMS[key]


def unsafe(pub):
    problems = []
    for base, _, files in os.walk(pub):
        for f in files:
            if f.endswith(".html"):
                path = os.path.join(base, f)
                problems += [f"{os.path.relpath(path, pub)}: {x}" for x in page_problems(path)]
    return problems


def limits():
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Project:
    """A scratch copy of the built fixture; setup functions change it."""

    def __init__(self, base):
        self.dir = tempfile.mkdtemp(prefix="fiches-adv-")
        self.root = os.path.join(self.dir, "p")
        shutil.copytree(base, self.root, symlinks=True)
        self.pub = os.path.join(self.root, "public")
        self.args, self.pre, self.cleanup, self.skip = [], None, [], None
        self.pdf = False        # build the booklets too (the PDF stage faces the input)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def write(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.islink(p):
            os.unlink(p)
        with open(p, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)

    def sub(self, rel, old, new):
        data = self.read(rel)
        old = old.encode() if isinstance(old, str) else old
        new = new.encode() if isinstance(new, str) else new
        assert old in data, (rel, old)
        self.write(rel, data.replace(old, new, 1))


# Setup helpers: each returns a function of the project.
def sub(old, new, rel=V):
    return lambda p: p.sub(rel, old, new)


def write(rel, data):
    return lambda p: p.write(rel, data)


def body(text, rel=V):
    return lambda p: p.write(rel, p.read(rel) + (text.encode() if isinstance(text, str) else text))


def fiche(fm, text="## Acteurs\n\nx\n\n## Objectifs\n\ny\n"):
    """A whole new fiche-action 04 with the given front matter lines."""
    base = ("number: 4\ntitle: Nouvelle\nsummary: Un essai.\nlogic: mobilisation-habitants\n"
            "territories: [13e]\npublics: [habitants]\n")
    data = ("---\n" + base + fm + "---\n").encode() + (text.encode() if isinstance(text, str) else text)
    return lambda p: p.write("content/actions/04-nouvelle.md", data)


def page(text, fm="title: Essai\n"):
    data = b"---\n" + fm.encode() + b"---\n" + (text.encode() if isinstance(text, str) else text)
    return lambda p: p.write("content/pages/essai.md", data)


def both(*fs):
    def run(p):
        for f in fs:
            f(p)
    return run


def with_pdf(setup):
    """The same case, built with its PDFs: every PDF written must pass qpdf --check."""
    def f(p):
        setup(p)
        p.pdf = True
    return f


def symlink(rel, target):
    def run(p):
        t = target.replace("@OUT", p.dir)
        if t.startswith(p.dir):
            os.makedirs(t if not os.path.splitext(t)[1] else os.path.dirname(t), exist_ok=True)
            if os.path.splitext(t)[1] and not os.path.exists(t):
                with open(t, "w") as f:
                    f.write("- id: dehors\n  name: Dehors\n")
        if os.path.lexists(p.path(rel)):
            if os.path.isdir(p.path(rel)) and not os.path.islink(p.path(rel)):
                shutil.copytree(p.path(rel), t, dirs_exist_ok=True)
                shutil.rmtree(p.path(rel))
            else:
                os.unlink(p.path(rel))
        os.symlink(t, p.path(rel))
    return run


def fifo(rel):
    return lambda p: os.mkfifo(p.path(rel))


def output(where):
    def run(p):
        p.args = ["-o", where.replace("@ROOT", p.root)]
    return run


def readonly_parent(p):
    """The output's parent read-only: chmod, or a read-only bind mount as root."""
    if os.geteuid() == 0:
        out = os.path.join(p.root, "ro")
        os.makedirs(out)
        os.rename(p.pub, os.path.join(out, "public"))
        p.pub = os.path.join(out, "public")
        p.args = ["-o", p.pub]
        subprocess.run(["mount", "--bind", out, out], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", out, out], check=True)
        p.cleanup.append(lambda: subprocess.run(["umount", out]))
    else:
        os.chmod(p.root, 0o555)


def small_disk(p):
    """A 512 KiB tmpfs holding the output (root only; else the case is a plain rebuild)."""
    out = os.path.join(p.dir, "disk")
    os.makedirs(out)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", out]).returncode:
        p.skip = "needs root to mount a tmpfs"
        return
    p.cleanup.append(lambda: subprocess.run(["umount", out]))
    shutil.copytree(p.pub, os.path.join(out, "public"))
    p.pub = os.path.join(out, "public")
    p.args = ["-o", p.pub]
    p.sub("content/pages/la-demarche.md", "La démarche réunit", "La démarche réunit " + "habitants " * 40000)


def fsize_limit(p):
    # ulimit -f: 64 KiB per file; the search index and pages are larger.
    p.pre = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))
    p.sub("content/pages/la-demarche.md", "La démarche réunit", "La démarche réunit " + "habitants " * 20000)


def template(name, text):
    return lambda p: p.write(f"templates/{name}", text)


BOMB = "".join(f"{chr(c)}: &{chr(c)} [" + ", ".join([f"*{chr(c - 1)}"] * 9) + "]\n" for c in range(ord("b"), ord("k")))
TABLE = "| " + " | ".join(f"c{i}" for i in range(300)) + " |\n|" + "---|" * 300 + "\n" + \
    ("| " + " | ".join("x" for _ in range(300)) + " |\n") * 300
LONG_TABLE = "| a | b | c |\n|---|---|---|\n" + "".join(f"| ligne {i} | valeur | texte un peu plus long {i} |\n" for i in range(3000))
NOTES = "".join(f"Texte[^n{i}] " for i in range(5000)) + "\n\n" + "".join(f"[^n{i}]: Note {i}.\n" for i in range(5000))
DEEP_MAP = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n"

# (name, setup, expected status, diagnostic: (file, needle or None, fragment) or None, mode)
# mode: "refused" (public/ untouched) or "allowed" (safe output).
CASES = [
    # Malformed YAML of many kinds.
    ("YAML: tab indentation", sub("summary:", "\tsummary:"), 1, (V, None, "YAML"), "refused"),
    ("YAML: unclosed double quote", sub("title: Dispositif de veille", 'title: "Dispositif'), 1, (V, None, "YAML"), "refused"),
    ("YAML: unclosed flow mapping", sub("publics: [habitants]", "publics: {a: b"), 1, (V, None, "YAML"), "refused"),
    ("YAML: undefined alias", sub("title: Dispositif de veille", "title: *nulle"), 1, (V, "*nulle", "nulle"), "refused"),
    ("YAML: mapping where text is expected", sub("title: Dispositif de veille", "title: {a: 1}"), 1, (V, "title:", "title"), "refused"),
    ("YAML: complex key", sub("title: Dispositif de veille", "title: x\n? [a, b]\n: c"), 1, (V, None, ""), "refused"),
    ("YAML: front matter is a scalar", lambda p: p.write(V, b"---\njuste du texte\n---\n## Acteurs\n"), 1, (V, None, ""), "refused"),
    ("YAML: front matter is a list", lambda p: p.write(V, b"---\n- a\n- b\n---\n## Acteurs\n"), 1, (V, None, ""), "refused"),
    ("YAML: number beyond int64", sub("number: 3", "number: 99999999999999999999999"), 1, (V, "number:", "number"), "refused"),
    ("YAML: bad !!int tag", sub("number: 3", "number: !!int trois"), 1, (V, "number:", "!!int"), "refused"),
    ("YAML: second document in a data file", body("---\n- id: x\n", "content/contacts.yaml"), 1, ("content/contacts.yaml", None, ""), "refused"),
    ("YAML: alias bomb in glossary.yaml", write("content/glossary.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB), 1, ("content/glossary.yaml", None, "limit"), "refused"),
    ("YAML: 80 nested block mappings", write("content/bibliography.yaml", DEEP_MAP), 1, ("content/bibliography.yaml", None, "limit"), "refused"),
    ("YAML: NUL escape in a title", sub("title: Dispositif de veille", 'title: "Dispo\\0sitif"'), 1, (V, "title:", "NUL"), "refused"),
    ("YAML: site.yaml empty", write("content/site.yaml", ""), 1, ("content/site.yaml", None, ""), "refused"),
    ("YAML: site.yaml is a list", write("content/site.yaml", "- a\n- b\n"), 1, ("content/site.yaml", None, ""), "refused"),
    # Invalid UTF-8 in every field and file.
    ("UTF-8: invalid byte in the title", sub("title: Dispositif", b"title: Dispo\xffsitif"), 1, (V, b"Dispo\xff", "UTF-8"), "refused"),
    ("UTF-8: overlong in the summary", sub("summary: Un", b"summary: Un\xc0\xaf"), 1, (V, b"Un\xc0", "UTF-8"), "refused"),
    ("UTF-8: surrogate in a heading", sub("## Objectifs", b"## Objec\xed\xa0\x80tifs"), 1, (V, b"Objec\xed", "UTF-8"), "refused"),
    ("UTF-8: truncated sequence at end of file", body(b"fin \xe2\x82"), 1, (V, b"fin \xe2", "UTF-8"), "refused"),
    ("UTF-8: invalid in site.yaml", sub("footer: Corpus", b"footer: Cor\x80pus", "content/site.yaml"), 1, ("content/site.yaml", b"Cor\x80", "UTF-8"), "refused"),
    ("UTF-8: invalid in contacts.yaml", sub("name: Centre social Nord", b"name: Centre \xfe Nord", "content/contacts.yaml"), 1, ("content/contacts.yaml", b"Centre \xfe", "UTF-8"), "refused"),
    ("UTF-8: invalid in glossary.yaml", sub("expansion: Centre d'accueil", b"expansion: Centre d'\xe9accueil", "content/glossary.yaml"), 1, ("content/glossary.yaml", b"d'\xe9", "UTF-8"), "refused"),
    ("UTF-8: invalid in a booklet", sub("title: Atelier habitants", b"title: Atelier \xc3(", "content/booklets/atelier.yaml"), 1, ("content/booklets/atelier.yaml", b"Atelier \xc3", "UTF-8"), "refused"),
    ("UTF-8: invalid in a template", sub("<article", b"<article data-x=\"\xff\"", "templates/page.mustache"), 1, ("templates/page.mustache", b"\xff", "UTF-8"), "refused"),
    ("NUL byte in site.yaml", sub("footer: Corpus", b"footer: Cor\x00pus", "content/site.yaml"), 1, ("content/site.yaml", b"Cor\x00", "NUL"), "refused"),
    ("NUL byte in the front matter", sub("summary: Un", b"summary: U\x00n"), 1, (V, b"U\x00", "NUL"), "refused"),
    # Control and bidi characters in titles and slugs.
    ("bidi override in a title (shown, escaped)", sub("title: Dispositif de veille", 'title: "Dispositif \\u202Eeillev"'), 0, None, "allowed"),
    ("control character in a title (shown, escaped)", sub("title: Dispositif de veille", 'title: "Dispositif\\a\\x1b[31m veille"'), 0, None, "allowed"),
    ("bidi override in a slug", sub("number: 3", 'number: 3\nslug: "veille\\u202Eexe"'), 1, (V, "slug:", "slug"), "refused"),
    ("control character in a slug", sub("number: 3", 'number: 3\nslug: "veil\\tle"'), 1, (V, "slug:", "slug"), "refused"),
    # Path traversal and absolute paths.
    ("slug with ../", sub("number: 3", "number: 3\nslug: ../../etc/evil"), 1, (V, "slug:", "slug"), "refused"),
    ("absolute slug", sub("number: 3", "number: 3\nslug: /tmp/evil"), 1, (V, "slug:", "slug"), "refused"),
    ("image path climbing out of content/", body("\n![x](../../../../etc/passwd)\n"), 1, (V, "../../../../etc", "passwd"), "refused"),
    ("absolute image path", body("\n![x](/etc/passwd)\n"), 1, (V, "/etc/passwd", "passwd"), "refused"),
    ("image path through media/..", body("\n![x](media/../site.yaml)\n"), 1, (V, "media/..", ""), "refused"),
    ("file name with .. and spaces", write("content/pages/.. evil.md", "---\ntitle: x\n---\n"), 0, None, "allowed"),
    # Symbolic links and special files.
    ("symlink fiche to /etc/passwd", symlink("content/actions/04-passwd.md", "/etc/passwd"), 1, ("content/actions/04-passwd.md", None, "outside"), "refused"),
    ("symlinked data file outside content/", symlink("content/contacts.yaml", "@OUT/dehors/contacts.yaml"), 1, ("content/contacts.yaml", None, "outside"), "refused"),
    ("symlinked directory outside content/", symlink("content/pages", "@OUT/dehors-pages"), 1, ("content/pages/", None, "outside"), "refused"),
    ("symlink in media/ to /etc/passwd (left out)", symlink("content/media/passwd.png", "/etc/passwd"), 0, None, "allowed"),
    ("FIFO named like a fiche", fifo("content/pages/tube.md"), 1, ("content/pages/tube.md", None, "regular"), "refused"),
    # Output directory.
    ("output equal to content/", output("@ROOT/content"), 2, (None, None, "content/"), "refused"),
    ("output containing content/ (project root)", output("@ROOT"), 2, (None, None, "content/"), "refused"),
    ("output equal to templates/", output("@ROOT/templates"), 2, (None, None, "templates/"), "refused"),
    ("output /", output("/"), 2, (None, None, "output"), "refused"),
    ("read-only parent of the output", both(body("\nChangé.\n"), readonly_parent), 3, (None, None, "staging"), "refused"),
    ("file size limit (ulimit -f)", fsize_limit, 3, (None, None, "cannot write"), "refused"),
    ("full disk (512 KiB tmpfs)", small_disk, 3, (None, None, "cannot write"), "refused"),
    # Templates.
    ("template recursing through partials", both(template("partials/boucle.mustache", "{{>boucle}}"),
                                                 sub("<article", "{{>boucle}}<article", "templates/page.mustache")), 1, ("templates/", None, "partial"), "refused"),
    ("template nesting 200 sections", sub("<article", "{{#a}}" * 200 + "{{/a}}" * 200 + "<article", "templates/page.mustache"), 1, ("templates/page.mustache", "{{#a}}", "100"), "refused"),
    ("template unclosed tag at end", body("{{titl", "templates/page.mustache"), 1, ("templates/page.mustache", None, "unclosed"), "refused"),
    # Dangerous URLs and raw HTML (allowed, made safe).
    ("javascript: link", body("\n[clic](javascript:alert(1))\n"), 0, None, "allowed"),
    ("JavaScript: link with mixed case and spaces", body("\n[clic](<  JaVaScRiPt:alert(1)>)\n"), 0, None, "allowed"),
    ("javascript: with entity-encoded letters", body("\n[clic](jav&#x61;script:alert(1))\n"), 0, None, "allowed"),
    ("javascript: autolink", body("\n<javascript:alert(1)>\n"), 0, None, "allowed"),
    ("data: image", body("\n![x](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)\n"), 0, None, "allowed"),
    ("vbscript: link reference", body("\n[clic][r]\n\n[r]: vbscript:msgbox\n"), 0, None, "allowed"),
    ("raw <script> block", body("\n<script>alert(1)</script>\n"), 0, None, "allowed"),
    ("inline event handler", body("\nTexte <img src=x onerror=alert(1)> fin.\n"), 0, None, "allowed"),
    ("raw iframe and svg onload", body("\n<iframe src=\"javascript:alert(1)\"></iframe>\n\n<svg onload=alert(1)>\n"), 0, None, "allowed"),
    ("script in a title and summary", both(sub("title: Dispositif de veille", 'title: "<script>alert(1)</script>"'),
                                           sub("summary: Un groupe", "summary: <img src=x onerror=alert(1)> Un groupe")), 0, None, "allowed"),
    ("javascript: link in a glossary definition", sub("definition: Un lieu où les usagers de drogues trouvent du matériel, des soins et de l'écoute.", 'definition: "[x](javascript:alert(1)) Un lieu <script>alert(1)</script>."', "content/glossary.yaml"), 0, None, "allowed"),
    ("javascript: contact website", sub("  email: contact@centre-nord.example", "  email: contact@centre-nord.example\n  website: javascript:alert(1)", "content/contacts.yaml"), 1, ("content/contacts.yaml", "website:", "website"), "refused"),
    ("data: bibliography url", body("- id: evil\n  title: Evil\n  url: data:text/html,<script>alert(1)</script>\n", "content/bibliography.yaml"), 1, ("content/bibliography.yaml", "url: data", "url"), "refused"),
    ("javascript: in a menu", body("menus:\n  main:\n    - {label: X, href: \"javascript:alert(1)\"}\n", "content/site.yaml"), 1, ("content/site.yaml", "href:", ""), "refused"),
    # Empty things (UBSan: qsort on NULL arrays).
    ("empty manifest in public/", lambda p: (p.write("public/.fiches-manifest", ""), p.sub(V, "Observer.", "Observer bien.")), 0, None, "allowed"),
    ("empty subdirectory in media/", lambda p: os.makedirs(p.path("content/media/vide")), 0, None, "allowed"),
    ("empty pages/ directory", lambda p: [os.unlink(p.path("content/pages/" + f)) for f in os.listdir(p.path("content/pages"))], 1, ("content/", None, ""), "refused"),
    # Size: each bounded in time and memory.
    ("enormous table (300 x 300)", body("\n" + TABLE), 0, None, "allowed"),
    ("5000 footnotes", body("\n" + NOTES), 0, None, "allowed"),
    ("20 000 equal headings", page("# a\n" * 20000), 0, None, "allowed"),
    ("Markdown nested 3000 block quotes", page("> " * 3000 + "x\n"), 1, ("content/pages/essai.md", None, "nested too deeply"), "refused"),
    ("Markdown 300 nested lists", page("".join("  " * i + "- x\n" for i in range(300))), 1, ("content/pages/essai.md", None, "nested too deeply"), "refused"),
    ("50 000 nested emphasis in a heading", page("# " + "*a " * 50000 + "\n"), 0, None, "allowed"),
    ("100 000 open brackets", page("[" * 100000 + "\n"), 0, None, "allowed"),
    ("line over 1 MiB", page("a" * ((1 << 20) + 10) + "\n"), 1, ("content/pages/essai.md", None, "line too long"), "refused"),
    ("file just under 4 MiB of links", page("[a](#b) " * 500000), 1, ("content/pages/essai.md", None, ""), "refused"),
    ("2000 fiches in pages/", lambda p: [p.write(f"content/pages/p{i}.md", f"---\ntitle: Page {i}\n---\nTexte {i}.\n") for i in range(2000)], 0, None, "allowed"),
    # The same kinds of input through the PDF stage (Pango/Cairo layout, page breaking).
    ("PDF: enormous table (300 x 300)", with_pdf(body("\n" + TABLE)), 0, None, "allowed"),
    ("PDF: table of 3000 rows (header repeated on every page)", with_pdf(body("\n" + LONG_TABLE)), 0, None, "allowed"),
    ("PDF: 5000 footnotes", with_pdf(body("\n" + NOTES)), 0, None, "allowed"),
    ("PDF: a 20 000-letter word", with_pdf(body("\n" + "anticonstitutionnellement" * 800 + "\n")), 0, None, "allowed"),
    ("PDF: 50 000 nested emphasis", with_pdf(body("\n" + "*a " * 50000 + "\n")), 0, None, "allowed"),
    ("PDF: list of 5000 items", with_pdf(body("\n" + "".join(f"- point {i}\n" for i in range(5000)))), 0, None, "allowed"),
    ("PDF: link to a fiche's section 2000 times", with_pdf(body("\n" + "[voir](action:1#acteurs) " * 2000 + "\n")), 0, None, "allowed"),
]


def line_of(data, needle):
    needle = needle.encode() if isinstance(needle, str) else needle
    return data[:data.index(needle)].count(b"\n") + 1


def main():
    require_program()
    base = tempfile.mkdtemp(prefix="fiches-adv-base-")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(base, "content"))
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(base, "templates"))
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")
    p = subprocess.run([FICHES, "build", "--no-pdf", "-C", base], capture_output=True, text=True, env=env)
    check("baseline build", p.returncode == 0, p.stderr)
    if p.returncode:
        finish()
    # The templates' own inline scripts: only the 404 page may have one.
    inline_pages = []
    for d, _, files in os.walk(os.path.join(base, "public")):
        for f in files:
            if f.endswith(".html"):
                sp = Safety()
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    sp.feed(fh.read())
                if sp.inline_scripts:
                    inline_pages.append(f)
                    TEMPLATE_INLINE_SCRIPTS.update(sp.inline_scripts)
    check("only the 404 page has an inline script of the templates", inline_pages in ([], ["404.html"]),
          str(inline_pages))
    only = os.environ.get("CASE")
    names = set()
    for name, setup, want, diag, mode in CASES:
        assert name not in names, name
        names.add(name)
        if only and only not in name:
            continue
        proj = Project(base)
        try:
            setup(proj)
            if proj.skip:
                print(f"skip {name}: {proj.skip}")
                continue
            before = digest(proj.pub)
            rest = digest(proj.root, skip=proj.pub)
            pre = proj.pre

            def preexec():
                limits()
                if pre:
                    pre()
            cpu0 = children_cpu()
            try:
                cmd = [FICHES, "build"] + ([] if proj.pdf else ["--no-pdf"])
                r = subprocess.run(cmd + ["-C", proj.root] + proj.args,
                                   capture_output=True, env=env, timeout=HANG_LIMIT, preexec_fn=preexec)
                rc, err = r.returncode, r.stderr.decode("utf-8", "replace")
                if rc == -signal.SIGXCPU:
                    rc, err = f"over {CPU_LIMIT} s of CPU time", err
            except subprocess.TimeoutExpired:
                rc, err = f"blocked for {HANG_LIMIT} s", ""
            cpu = children_cpu() - cpu0
            os.chmod(proj.root, 0o755)
            problems = []
            if rc != want:
                problems.append(f"status {rc}, want {want}")
            if diag:
                f, needle, fragment = diag
                pattern = re.escape(f) if f else ""
                if f and needle:
                    pattern += f":{line_of(proj.read(f), needle)}:"
                if not re.search(pattern + r".*(error|erreur)", err) or fragment not in err:
                    problems.append(f"no diagnostic {pattern!r} with {fragment!r}")
            if mode == "refused" and digest(proj.pub) != before:
                problems.append("public/ changed")
            if mode == "allowed" and rc == 0:
                problems += unsafe(proj.pub)[:5]
            if proj.pdf and rc == 0:
                pdfdir = os.path.join(proj.pub, "pdf")
                pdfs = sorted(os.listdir(pdfdir)) if os.path.isdir(pdfdir) else []
                if not pdfs:
                    problems.append("no PDF written")
                for n in pdfs:
                    q = subprocess.run(["qpdf", "--check", os.path.join(pdfdir, n)], capture_output=True)
                    if q.returncode != 0:
                        problems.append(f"qpdf --check fails on {n}")
            if digest(proj.root, skip=proj.pub) != rest:
                problems.append("files outside public/ changed")
            left = [x for x in os.listdir(proj.root) if ".fiches-" in x]
            if left:
                problems.append(f"left behind: {left}")
            check(f"{name}: status {want}" + (f", {mode}" if mode else "") + f" ({cpu:.1f} s CPU)", not problems,
                  "; ".join(problems) + ("\n" + err[:600] if problems else ""))
        finally:
            for c in proj.cleanup:
                c()
            os.chmod(proj.root, 0o755)
            shutil.rmtree(proj.dir, ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)
    print(f"{len(CASES)} cases")
    finish()


if __name__ == "__main__":
    sys.exit(main())
