#!/usr/bin/env python3
"""Bookkeeping written by an older fiches: read as « write everything again », never as damage.

Before the hash was fixed, .fiches-manifest (in public/) and
.fiches-published (at a publish destination) held FNV-1a hashes from a
truncated offset basis, without a header line. A build over such a public/
must succeed, write every file once (its hashes match nothing), give the
same site as a fresh build, keep the files fiches did not make, still
remove the files it made that the site no longer has, and write a manifest
the next build trusts (nothing written). A publish over such a destination
must go through without reporting the published files as changed by hand,
and still refuse a file that was.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, FIXTURE, check, finish  # noqa: E402

OLD_BASIS = 1469598103934665603  # the truncated offset basis of earlier versions

ENV = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="", SOURCE_DATE_EPOCH="1700000000")


def old_hash(data):
    h = OLD_BASIS
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def run(*args):
    p = subprocess.run([FICHES] + list(args), capture_output=True, text=True, env=ENV)
    return p.returncode, p.stderr


def tree(d, skip=(".fiches-manifest", ".fiches-published")):
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            rel = os.path.relpath(p, d)
            if rel not in skip:
                with open(p, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def make_old(d, name, header=None):
    """Rewrites d/name as the older fiches wrote it: old hashes, no format line."""
    path = os.path.join(d, name)
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"([0-9a-f]{16}) (\d+) (.*)\n", line)
            if not m:
                continue
            with open(os.path.join(d, m.group(3)), "rb") as fh:
                lines.append(f"{old_hash(fh.read()):016x} {m.group(2)} {m.group(3)}\n")
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
    check("the new manifest says its format", first.startswith("# fiches manifest 2"), first)
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
    check("the list is rewritten in the new format", first.startswith("# fiches publish 2"), first)
    make_old(dest, ".fiches-published", old_header)
    with open(os.path.join(dest, "index.html"), "a") as f:
        f.write("<!-- retouché à la main -->\n")
    before = tree(dest, skip=())
    rc, err = run("publish", "--no-pdf", "-C", proj, dest)
    check("over an old list, a file changed by hand is still refused, nothing written",
          rc == 1 and "index.html" in err and tree(dest, skip=()) == before, err)


def main():
    if not os.access(FICHES, os.X_OK):
        print(f"skip: {FICHES} not built")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = tempfile.mkdtemp(prefix="fiches-oldmf-")
    try:
        test_build(tmp)
        test_publish(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    sys.exit(main())
