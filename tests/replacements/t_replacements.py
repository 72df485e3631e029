#!/usr/bin/env python3
"""The replacements of library functions prove themselves at run time
(issue 14, item 4). build/tests/fiches-unreached is the same program linked
with its replacements hidden from the libraries (unreached.ver), as when
cmark-gfm binds its own calls (-Bsymbolic-functions), Pango stops calling
hb_shape or HarfBuzz's colour-glyph checks, or Cairo stops calling zlib's
deflateInit_ or glibc's __snprintf_chk: it must notice, say so (--version, FICHES_DEBUG once), take
the libraries' own paths (inline passes one at a time, every shaping by
HarfBuzz) and build the very same site and booklets. Prints
"N passed, N failed" last."""
import filecmp, os, re, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import ROOT, BUILD, FICHES, check, finish  # noqa: E402

UNREACHED = os.path.join(ROOT, BUILD, "tests", "fiches-unreached")


# Messages in English, texts in UTF-8, and none of the switches the test sets itself.
LOCALE = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "FICHES_DEBUG": None, "FICHES_SHAPE_CACHE": None}


def run(*cmd, env=None):
    return fichestest.run(list(cmd), env={**LOCALE, **(env or {})}, cwd=ROOT)


def main():
    if not os.path.exists(UNREACHED):
        print("build/tests/fiches-unreached is missing: run make test")
        print("0 passed, 1 failed")
        return 1
    v = run(FICHES, "--version").stdout
    check("--version: documents parsed in parallel", "documents parsed in parallel" in v, v)
    hb = [l for l in v.splitlines() if l.startswith("HarfBuzz ")]
    check("--version: says what the shaping cache does", len(hb) == 1, v)
    covered = hb and "kept shapings cover" not in hb[0]
    if covered:
        check("--version: shapings kept (Pango reaches the cache)", "shapings kept and reused" in hb[0], hb[0])
    check("--version: the Pango renderer", "own Pango renderer" in v, v)
    check("--version: colour-glyph checks answered per face", "answered once per font face" in v, v)
    check("--version: content streams deflated once", "deflated once" in v, v)
    check("--version: page numbers formatted without stdio", "formatted without stdio" in v, v)
    off = run(FICHES, "--version", env={"FICHES_SHAPE_CACHE": "0"}).stdout
    check("--version: FICHES_SHAPE_CACHE=0 is reported", "FICHES_SHAPE_CACHE=0" in off or not covered, off)

    # Every text of the PDFs goes through the renderer that keeps soft
    # hyphens out of the text (generator/pdf/text_renderer.c).
    direct = []
    for d, _, files in os.walk(os.path.join(ROOT, "generator")):
        for f in files:
            if f.endswith(".c") and f != "text_renderer.c":
                src = open(os.path.join(d, f), encoding="utf-8").read()
                if re.search(r"pango_cairo_show_(layout|layout_line|glyph_item|glyph_string)\s*\(", src):
                    direct.append(f)
    check("PDF text drawn only through text_renderer.c", not direct, ", ".join(direct))

    u = run(UNREACHED, "--version").stdout
    check("unreached: inline passes one at a time", "inline passes one at a time" in u, u)
    check("unreached: every shaping by HarfBuzz", "every shaping done by HarfBuzz" in u, u)
    check("unreached: colour-glyph checks by HarfBuzz", "made by HarfBuzz for every glyph" in u, u)
    check("unreached: content streams deflated by Cairo too", "deflated twice" in u, u)
    check("unreached: page numbers formatted by glibc", "formatted by glibc" in u, u)

    with tempfile.TemporaryDirectory() as tmp:
        normal, fallback = os.path.join(tmp, "normal"), os.path.join(tmp, "fallback")
        a = run(FICHES, "build", "-o", normal, env={"FICHES_DEBUG": "1"})
        b = run(UNREACHED, "build", "-o", fallback, env={"FICHES_DEBUG": "1"})
        check("normal build succeeds", a.returncode == 0, a.stderr[-800:])
        check("fallback build succeeds", b.returncode == 0, b.stderr[-800:])
        check("normal build: no fallback announced", "fiches: cmark-gfm:" not in a.stderr
              and "do not reach" not in a.stderr, a.stderr[-800:])
        lines = b.stderr.splitlines()
        cm = [l for l in lines if l.startswith("fiches: cmark-gfm:")]
        sh = [l for l in lines if l.startswith("fiches: HarfBuzz") and "do not reach" in l]
        check("fallback: cmark-gfm's path announced once", len(cm) == 1, b.stderr[-800:])
        check("fallback: HarfBuzz's path announced once", len(sh) == 1, b.stderr[-800:])
        ta, tb = fichestest.files(normal), fichestest.files(fallback)
        check("same files in both sites", ta == tb and len(ta) > 50,
              "%d vs %d files" % (len(ta), len(tb)))
        pdfs = [f for f in ta if f.endswith(".pdf")]
        check("the site has booklets", len(pdfs) >= 5, str(pdfs))
        differ = [f for f in ta if f in tb and not filecmp.cmp(os.path.join(normal, f),
                                                               os.path.join(fallback, f), shallow=False)]
        check("the fallbacks give the same bytes (pages, search, PDFs)", not differ, ", ".join(differ[:10]))
    finish()


if __name__ == "__main__":
    sys.exit(main())
