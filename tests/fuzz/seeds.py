#!/usr/bin/env python3
"""Builds the seed corpus of each fuzz target into build/fuzz/seeds/<target>/.

Seeds come from content/, tests/, templates/ and ../shared/testdata (the YAML
and Mustache suites); nothing third-party is committed, it is copied at build
time. Each seed is laid out as its target expects (option byte first, NUL
separators): see the comment at the top of each tests/fuzz/fuzz_*.c.
"""
import glob
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "testdata")
OUT = os.path.join(ROOT, "build", "fuzz", "seeds")
MAX = 200_000


def add(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def main():
    docs = sorted(glob.glob(os.path.join(ROOT, "content", "*", "*.md")) +
                  glob.glob(os.path.join(ROOT, "tests", "fixtures", "*", "content", "*", "*.md")))
    kinds = {"actions": 0, "themes": 1, "guide": 2, "pages": 3}
    yamls = sorted(glob.glob(os.path.join(ROOT, "content", "*.yaml")) +
                   glob.glob(os.path.join(ROOT, "content", "*", "*.yaml")) +
                   glob.glob(os.path.join(ROOT, "tests", "fixtures", "*", "content", "*.yaml")))
    for p in docs:
        data = read(p)
        kind = kinds.get(os.path.basename(os.path.dirname(p)), 3)
        add("fuzz_markdown", bytes([kind]) + data)
        add("fuzz_markdown", bytes([kind | 4 | 8]) + data)
        m = re.match(rb"---\n(.*?\n)---\n", data, re.S)
        if m:
            add("fuzz_yaml", b"\x06" + m.group(1))
        add("fuzz_search", data[:4000])
        for line in data.splitlines():
            if line.startswith(b"#"):
                add("fuzz_paths", line.lstrip(b"# ") + b"\0actions/x.html\0action:6#a")
        for url in re.findall(rb"\]\(([^)\s]+)\)", data):
            add("fuzz_paths", b"x\0fiches-actions/a.html\0" + url)
    for p in yamls:
        add("fuzz_yaml", b"\x04" + read(p))
        add("fuzz_yaml", b"\x05" + read(p))
        if os.path.basename(p) in ("contacts.yaml", "glossary.yaml", "bibliography.yaml"):
            add("fuzz_data_entry", read(p)[:16000])
    for p in sorted(glob.glob(os.path.join(SHARED, "yaml-suite", "*", "in.yaml"))):
        add("fuzz_yaml", b"\x05" + read(p))
    for p in sorted(glob.glob(os.path.join(SHARED, "mustache-spec", "*.json"))):
        try:
            spec = json.loads(read(p))
        except ValueError:
            continue
        for t in spec.get("tests", []):
            tmpl, parts = t.get("template", ""), t.get("partials", {})
            names = list(parts)[:2]
            for new, old in zip(("a", "b"), names):
                tmpl = re.sub(r"(\{\{>\s*)" + re.escape(old) + r"\b", r"\1" + new, tmpl)
            chunks = [tmpl] + [parts[n] for n in names] + [""] * (2 - len(names))
            add("fuzz_mustache", "\0".join(chunks) + "\0" + json.dumps(t.get("data", {})))
    site_json = os.path.join(ROOT, "public", "site.json")
    data = read(site_json).decode("utf-8") if os.path.exists(site_json) else "{}"
    for p in sorted(glob.glob(os.path.join(ROOT, "templates", "*.mustache")) +
                    glob.glob(os.path.join(ROOT, "templates", "partials", "*.mustache"))):
        add("fuzz_mustache", read(p).decode("utf-8") + "\0\0\0" + data[:MAX // 2])
    for t in ["/", "/index.html", "/fiches-actions/", "/a/b.html?x=1#y", "/%C3%A9t%C3%A9.html",
              "/../etc/passwd", "/%2e%2e/x", "/.hidden", "//x", "/a\\b", "/%00", "/a%2fb",
              "/" + "a" * 1100, "/assets/style.css"]:
        add("fuzz_http_path", t)
    add("fuzz_paths", "Sur les habitants\0fiches-actions/x.html\0theme:cadre-de-vie#les-acteurs")
    add("fuzz_paths", "L’expertise « œuvre »\0a/b/c.html\0javascript:alert(1)")
    add("fuzz_paths", "\0index.html\0../02-x.md#y")
    add("fuzz_search", "Les habitantes s’organisent : réduction des risques, CAARUD, œuvre, 13e")
    # Earlier crashes and hangs stay in the corpus.
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz", "regressions", "*", "*"))):
        add(os.path.basename(os.path.dirname(p)), read(p))
    for t in sorted(os.listdir(OUT)):
        print(f"seeds: {t}: {len(os.listdir(os.path.join(OUT, t)))}")


if __name__ == "__main__":
    sys.exit(main())
