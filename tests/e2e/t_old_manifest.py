#!/usr/bin/env python3
"""Bookkeeping written by an older fiches: migrated, never read as damage.

Before the hash was fixed, .fiches-manifest (in public/) and
.fiches-published (at a publish destination) held FNV-1a hashes from a
truncated offset basis, without a header line. A build over such a public/
must succeed, write every file once (its hashes match nothing), give the
same site as a fresh build, keep the files fiches did not make, still
remove the files it made that the site no longer has, and write a manifest
the next build trusts (nothing written). A publish over such a destination
must go through without reporting the published files as changed by hand,
and still refuse a file that was.

Then "manifest 2" and "publish 2" held FNV-1a 64 (the standard offset
basis); they now hold XXH3 64. A build over a manifest 2 writes nothing
that did not change (each file is compared with its FNV-1a once) and leaves
the very manifest a fresh build writes, carried files (PDFs under
--no-pdf) with their new hash; a publish over a publish 2 list sends
nothing, rewrites the list as a fresh publish writes it, and still refuses
a file changed by hand.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import FICHES, FIXTURE, check, finish, sha256  # noqa: E402

OLD_BASIS = 1469598103934665603  # the truncated offset basis of earlier versions
FNV_BASIS = 14695981039346656037  # FNV-1a 64's offset basis (manifest 2, publish 2)
MANIFEST_2 = "# fiches manifest 2: size and FNV-1a 64 of each file fiches wrote here\n"
PUBLISH_2 = "# fiches publish 2: the files fiches published here (size, FNV-1a 64), replaced or removed only by it.\n"

ENV = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="", SOURCE_DATE_EPOCH="1700000000")


def old_hash(data, basis=OLD_BASIS):
    h = basis
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def run(*args):
    p = subprocess.run([FICHES] + list(args), capture_output=True, text=True, env=ENV)
    return p.returncode, p.stderr


def tree(d, skip=(".fiches-manifest", ".fiches-published")):
    """sha256 of every file below d but skip's."""
    return {rel: v for rel, v in fichestest.tree(d, sha256).items() if rel not in skip}


def make_old(d, name, header=None, basis=OLD_BASIS):
    """Rewrites d/name as an older fiches wrote it: its hashes, its format line (none at first)."""
    path = os.path.join(d, name)
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"([0-9a-f]{16}) (\d+) (.*)\n", line)
            if not m:
                continue
            with open(os.path.join(d, m.group(3)), "rb") as fh:
                lines.append(f"{old_hash(fh.read(), basis):016x} {m.group(2)} {m.group(3)}\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write((header or "") + "".join(lines))
    return len(lines)


def written(err):
    m = re.search(r"(\d+) files?, (\d+) written, (\d+) removed", err)
    return tuple(int(x) for x in m.groups()) if m else None


def test_build(tmp):
    proj = os.path.join(tmp, "p")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(proj, "content"))
    pub = os.path.join(proj, "public")
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    check("the site builds", rc == 0, err)
    fresh = tree(pub)
    n = make_old(pub, ".fiches-manifest")
    # A file an older build made that the site no longer has, and one fiches never made.
    with open(os.path.join(pub, "ancienne.html"), "w") as f:
        f.write("<p>ancienne page</p>\n")
    with open(os.path.join(pub, ".fiches-manifest"), "a") as f:
        f.write(f"{old_hash(b'<p>ancienne page</p>' + bytes([10])):016x} 21 ancienne.html\n")
    with open(os.path.join(pub, "a-moi.txt"), "w") as f:
        f.write("pas de fiches\n")
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    counts = written(err)
    check("a build over a public/ with an old manifest succeeds and writes every file again",
          rc == 0 and counts is not None and counts[0] == n and counts[1] == n, err)
    got = tree(pub)
    check("the result is the fresh site, the file fiches did not make kept, the old page removed",
          {k: v for k, v in got.items() if k != "a-moi.txt"} == fresh and "a-moi.txt" in got, str(set(got) ^ set(fresh)))
    with open(os.path.join(pub, ".fiches-manifest"), encoding="utf-8") as f:
        first = f.readline()
    check("the new manifest says its format", first.startswith("# fiches manifest 3: size and XXH3 64"), first)
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    counts = written(err)
    check("the next build trusts the new manifest: nothing written",
          rc == 0 and counts is not None and counts[1] == 0 and counts[2] == 0, err)


def test_publish(tmp):
    proj = os.path.join(tmp, "q")
    rc, err = run("init", proj)
    if rc != 0:
        check("fiches init", False, err)
        return
    dest = os.path.join(tmp, "dest")
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("a first publish", rc == 0, err)
    old_header = "# fiches publish: the files fiches published here, replaced or removed only by it.\n"
    make_old(dest, ".fiches-published", old_header)
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("a publish over an old list goes through and sends nothing",
          rc == 0 and "0 sent, 0 removed" in err, err)
    with open(os.path.join(dest, ".fiches-published"), encoding="utf-8") as f:
        first = f.readline()
    check("the list is rewritten in the new format", first.startswith("# fiches publish 3"), first)
    make_old(dest, ".fiches-published", old_header)
    with open(os.path.join(dest, "index.html"), "a") as f:
        f.write("<!-- retouché à la main -->\n")
    before = tree(dest, skip=())
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("over an old list, a file changed by hand is still refused, nothing written",
          rc == 1 and "index.html" in err and tree(dest, skip=()) == before, err)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def entries(text):
    """path -> (hash, size) of a manifest's or a publish list's lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"([0-9a-f]{16}) (\d+) (.*)$", line)
        if m:
            out[m.group(3)] = (m.group(1), int(m.group(2)))
    return out


def test_build_fnv(tmp):
    proj = os.path.join(tmp, "r")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(proj, "content"))
    pub = os.path.join(proj, "public")
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    check("the site builds (manifest 3)", rc == 0, err)
    mpath = os.path.join(pub, ".fiches-manifest")
    fresh_text = read(mpath)
    fresh = tree(pub)
    # Two PDFs an earlier build with PDFs left, kept (carried) by builds under --no-pdf:
    # one holding index.html's bytes (so its new hash is index.html's), one changed since.
    os.makedirs(os.path.join(pub, "pdf"), exist_ok=True)
    shutil.copyfile(os.path.join(pub, "index.html"), os.path.join(pub, "pdf", "a.pdf"))
    with open(os.path.join(pub, "pdf", "b.pdf"), "wb") as f:
        f.write(b"%PDF-1.7 b\n")
    with open(mpath, "a", encoding="utf-8") as f:
        for rel in ("pdf/a.pdf", "pdf/b.pdf"):
            f.write(f"{0:016x} {os.path.getsize(os.path.join(pub, rel))} {rel}\n")
    n = make_old(pub, ".fiches-manifest", MANIFEST_2, FNV_BASIS)
    with open(os.path.join(pub, "pdf", "b.pdf"), "ab") as f:
        f.write(b"%% changed\n")
    old_entries = entries(read(mpath))
    ino = os.stat(os.path.join(pub, "index.html")).st_ino
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    counts = written(err)
    check("a build over a manifest 2 writes no file (each compared with its FNV-1a)",
          rc == 0 and counts is not None and counts[0] == n - 2 and counts[1] == 0 and counts[2] == 0, err)
    got = tree(pub)
    check("the site is the fresh one, the PDFs kept",
          {k: v for k, v in got.items() if not k.startswith("pdf/")} == fresh and
          {k for k in got if k.startswith("pdf/")} == {"pdf/a.pdf", "pdf/b.pdf"}, str(set(got) ^ set(fresh)))
    check("the unchanged files are the same files (hard links, not written again)",
          os.stat(os.path.join(pub, "index.html")).st_ino == ino)
    now = entries(read(mpath))
    check("the manifest is written anew in the current format",
          read(mpath).startswith("# fiches manifest 3: size and XXH3 64"), read(mpath)[:80])
    check("its lines are a fresh build's",
          {k: v for k, v in now.items() if not k.startswith("pdf/")} == entries(fresh_text), "")
    check("a kept PDF holding the recorded bytes gets their new hash",
          now.get("pdf/a.pdf") == (entries(fresh_text)["index.html"][0], os.path.getsize(os.path.join(pub, "pdf", "a.pdf"))),
          str(now.get("pdf/a.pdf")))
    check("a kept PDF changed since keeps its old hash, which matches nothing",
          now.get("pdf/b.pdf") is not None and now.get("pdf/b.pdf") == old_entries.get("pdf/b.pdf"),
          str(now.get("pdf/b.pdf")))
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    counts = written(err)
    check("the next build trusts it: nothing written",
          rc == 0 and counts is not None and counts[1] == 0 and counts[2] == 0, err)
    # A manifest 2 whose record of one page is not that page's bytes: that page alone is written.
    make_old(pub, ".fiches-manifest", MANIFEST_2, FNV_BASIS)
    text = read(mpath)
    e = entries(text)
    h, size = e["index.html"]
    with open(mpath, "w", encoding="utf-8") as f:
        f.write(text.replace(f"{h} {size} index.html\n", f"{int(h, 16) ^ 1:016x} {size} index.html\n"))
    rc, err = run("build", "--no-pdf", "-j", "2", "-C", proj)
    counts = written(err)
    check("over a manifest 2, a file whose FNV-1a differs is written again, only it",
          rc == 0 and counts is not None and counts[1] == 1, err)
    check("and the site is still the fresh one",
          {k: v for k, v in tree(pub).items() if not k.startswith("pdf/")} == fresh)


def test_publish_fnv(tmp):
    proj = os.path.join(tmp, "s")
    rc, err = run("init", proj)
    if rc != 0:
        check("fiches init", False, err)
        return
    dest = os.path.join(tmp, "dest2")
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("a first publish (publish 3)", rc == 0, err)
    lpath = os.path.join(dest, ".fiches-published")
    fresh = read(lpath)
    check("its list says its format", fresh.startswith("# fiches publish 3: "), fresh[:80])
    make_old(dest, ".fiches-published", PUBLISH_2, FNV_BASIS)
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("a publish over a publish 2 list goes through and sends nothing",
          rc == 0 and "0 sent, 0 removed" in err, err)
    check("the list is then the one a fresh publish writes", read(lpath) == fresh, read(lpath)[:200])
    make_old(dest, ".fiches-published", PUBLISH_2, FNV_BASIS)
    with open(os.path.join(dest, "index.html"), "a") as f:
        f.write("<!-- retouché à la main -->\n")
    before = tree(dest, skip=())
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("over a publish 2 list, a file changed by hand is still refused, nothing written",
          rc == 1 and "index.html" in err and "changed here" in err and tree(dest, skip=()) == before, err)
    # A file published once, changed by hand, and no longer in the site: left in place.
    os.unlink(os.path.join(dest, "index.html"))
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("the page removed by hand is published again", rc == 0, err)
    with open(os.path.join(dest, "orpheline.html"), "w") as f:
        f.write("<p>publiée</p>\n")
    size = os.path.getsize(os.path.join(dest, "orpheline.html"))
    with open(lpath, "a", encoding="utf-8") as f:
        f.write(f"{0:016x} {size} orpheline.html\n")
    make_old(dest, ".fiches-published", PUBLISH_2, FNV_BASIS)  # every line as publish 2 wrote it
    with open(os.path.join(dest, "orpheline.html"), "w") as f:
        f.write("<p>retouchée</p>\n")
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("over a publish 2 list, a file changed by hand that the site no longer has is left in place",
          rc == 0 and "orpheline.html" in err and os.path.exists(os.path.join(dest, "orpheline.html")), err)


def main():
    if not os.access(FICHES, os.X_OK):
        print(f"skip: {FICHES} not built")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = tempfile.mkdtemp(prefix="fiches-oldmf-")
    try:
        test_build(tmp)
        test_publish(tmp)
        test_build_fnv(tmp)
        test_publish_fnv(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    sys.exit(main())
