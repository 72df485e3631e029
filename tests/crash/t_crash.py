#!/usr/bin/env python3
"""Crash consistency of `fiches build`: SIGKILL at random moments.

Builds site A (the fixture), then repeatedly starts a build of a changed
site B and kills it with SIGKILL after a random delay spread over the whole
build time; after each kill, public/ must be exactly the complete old site
or the complete new one (sha256 manifest of every file), never a mixture or
a missing directory. Builds alternate A → B and B → A: after a kill, the
next target is whichever site public/ does not hold.

Kills: 200, as the issue asks (about 20 s); CRASH_KILLS=N for another
number. The stage builds ".public.fiches-new" beside the output and
swaps it in with renameat2(RENAME_EXCHANGE) (generator/stage.c).

Then the same with public a symbolic link to www/site (the usual way to
publish into a web server's tree): the swap happens beside www/site, and
after every kill the link must still be there, unchanged, and lead to the
old or the new complete site. CRASH_LINK_KILLS kills (40 by default, to
stay quick).
"""
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FICHES = os.environ.get("FICHES", os.path.join(ROOT, "build", "fiches"))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "basic")
KILLS = int(os.environ.get("CRASH_KILLS", "200"))

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def manifest(path):
    """Relative path → sha256 of every file below path; None when path is missing."""
    if not os.path.isdir(path):
        return None
    out = {}
    for base, _, files in os.walk(path):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, path)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def use(proj, site):
    """Makes proj/content the content of site 'A' or 'B' (B: every fiche changed, a page and a large media file added)."""
    content = os.path.join(proj, "content")
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(os.path.join(proj, "content-" + site), content)


def main():
    if not os.access(FICHES, os.X_OK):
        print(f"skip: {FICHES} not built")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    scenario(KILLS, linked=False)
    scenario(int(os.environ.get("CRASH_LINK_KILLS", "40")), linked=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def scenario(kills, linked):
    """kills random kills; linked: public is a symbolic link to www/site."""
    label = "public -> www/site: " if linked else ""
    proj = tempfile.mkdtemp(prefix="fiches-crash-")
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(proj, "templates"))
    a = os.path.join(proj, "content-A")
    shutil.copytree(os.path.join(FIXTURE, "content"), a)
    b = os.path.join(proj, "content-B")
    shutil.copytree(a, b)
    for base, _, files in os.walk(b):
        for f in files:
            if f.endswith(".md"):
                with open(os.path.join(base, f), "a", encoding="utf-8") as fh:
                    fh.write("\nParagraphe ajouté pour le site B.\n")
    os.unlink(os.path.join(b, "booklets", "atelier.yaml"))
    with open(os.path.join(b, "pages", "nouvelle.md"), "w", encoding="utf-8") as fh:
        fh.write("---\ntitle: Nouvelle page\n---\nSeulement dans B.\n")
    # A large media file makes the copy phase long enough to be hit too.
    with open(os.path.join(b, "media", "grand.bin"), "wb") as fh:
        fh.write(os.urandom(8 << 20))

    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    pub = os.path.join(proj, "public")
    site_dir = proj
    if linked:
        site_dir = os.path.join(proj, "www")
        os.makedirs(os.path.join(site_dir, "site"))
        os.symlink(os.path.join("www", "site"), pub)

    def link_intact():
        return not linked or (os.path.islink(pub) and os.readlink(pub) == os.path.join("www", "site"))
    sites, took = {}, 0.0
    for site in "BA":
        use(proj, site)
        t0 = time.monotonic()
        r = subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True, text=True, env=env)
        took = max(took, time.monotonic() - t0)
        check(f"{label}site {site} builds", r.returncode == 0 and link_intact(), r.stderr)
        if r.returncode:
            return
        sites[site] = manifest(pub)
    check(f"{label}A and B differ", sites["A"] != sites["B"])
    # Kill delays cover the whole build: up to 1.5 times a full B build.
    longest = max(took, 0.05)
    rng = random.Random(int(os.environ.get("CRASH_SEED", "1")))
    current = "A"
    outcomes = {"old": 0, "new": 0}
    bad = []
    for i in range(kills):
        target = "B" if current == "A" else "A"
        use(proj, target)
        p = subprocess.Popen([FICHES, "build", "--no-pdf", "-C", proj], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0, longest * 1.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        got = manifest(pub) if link_intact() else None
        if got == sites[current]:
            outcomes["old"] += 1
        elif got == sites[target]:
            outcomes["new"] += 1
            current = target
        else:
            kind = "missing" if got is None else "mixture"
            bad.append(f"kill {i} ({current}→{target}): {kind}")
            current = target if got and got.get("pages/nouvelle.html") else current
    check(f"{label}{kills} kills: public/ always the old or the new complete site "
          f"(old {outcomes['old']}, new {outcomes['new']})", not bad, "; ".join(bad[:5]))
    check(f"{label}both outcomes were reached", outcomes["old"] > 0 and outcomes["new"] > 0, str(outcomes))
    # A normal build afterwards cleans the leftovers of the killed ones.
    use(proj, "A")
    r = subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True, text=True, env=env)
    left = [x for x in os.listdir(site_dir) if ".fiches-" in x]
    check(f"{label}a clean build after the kills gives site A and leaves no staging directory",
          r.returncode == 0 and link_intact() and manifest(pub) == sites["A"] and not left,
          r.stderr + str(left))
    shutil.rmtree(proj, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
