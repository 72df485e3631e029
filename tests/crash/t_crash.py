#!/usr/bin/env python3
"""Crash consistency of `fiches build`: SIGKILL at random moments.

Builds site A (the fixture), then repeatedly starts a build of a changed
site B and kills it with SIGKILL after a random delay spread over the whole
build time; after each kill, public/ must be exactly the complete old site
or the complete new one (sha256 manifest of every file), never a mixture or
a missing directory. Builds alternate A → B and B → A: after a kill, the
next target is whichever site public/ does not hold.

Kills: 200, as the issue asks; CRASH_KILLS=N for another number. They
are shared among CRASH_WORKERS (4) projects killed concurrently, made in
/dev/shm when it is writable (CRASH_TMPDIR to choose): a kill mostly waits
for its moment, and what a kill leaves is a matter of directory operations,
which tmpfs performs as a disk does, without waiting for a disk other jobs
share. A wait ends as soon as the build does, and the kill window follows
the builds' actual length, so both outcomes keep coming on a busy machine. The stage builds ".public.fiches-new" beside the output and
swaps it in with renameat2(RENAME_EXCHANGE) (generator/stage.c).

Then the same with public a symbolic link to www/site (the usual way to
publish into a web server's tree): the swap happens beside www/site, and
after every kill the link must still be there, unchanged, and lead to the
old or the new complete site. CRASH_LINK_KILLS kills (30 by default, to
stay quick).

Then with public a mount point (a tmpfs mounted in a private mount
namespace, `unshare -m`; skipped where mounting is not allowed): no tree
can be swapped with a mount point, so the stage renames files into it one
by one; after every kill each file must hold whole old or new bytes and be
listed in the manifest (so the next build owns it), never with the entry a
clean build of the other site records (the next build of that site would
trust it and leave the file as it is), the file fiches did not make must
stay, and a clean build must give exactly the site.
CRASH_MOUNT_KILLS kills (24 by default), every other one aimed at the
commit (right after its first manifest appears).
"""
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import ROOT, FICHES, FIXTURE, check, skip, finish, require_program  # noqa: E402

KILLS = int(os.environ.get("CRASH_KILLS", "200"))
WORKERS = max(1, int(os.environ.get("CRASH_WORKERS", "4")))
SCRATCH = os.environ.get("CRASH_TMPDIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None)

lock = threading.Lock()


def manifest(path, cache=None):
    """Relative path → sha256 of every file below path; None when path is missing.

    cache maps (path, inode, size, mtime, ctime) to a hash already computed:
    any write to a file changes its mtime and ctime, so a file found with the
    same identity holds the same bytes (a build's unchanged files are hard
    links to the previous ones, the 8 MiB media file among them)."""
    if not os.path.isdir(path):
        return None
    out = {}
    for base, _, files in os.walk(path):
        for f in files:
            p = os.path.join(base, f)
            try:
                st = os.stat(p)
            except FileNotFoundError:
                continue
            key = (p, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            digest = cache.get(key) if cache is not None else None
            if digest is None:
                with open(p, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
                if cache is not None:
                    cache[key] = digest
            out[os.path.relpath(p, path)] = digest
    return out


def use(proj, site):
    """Makes proj/content the content of site 'A' or 'B' (B: every fiche changed, a page and a large media file added)."""
    content = os.path.join(proj, "content")
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(os.path.join(proj, "content-" + site), content)


def main():
    require_program()
    link_kills = int(os.environ.get("CRASH_LINK_KILLS", "30"))
    for linked, total in ((False, KILLS), (True, link_kills)):
        share = [total // WORKERS + (1 if k < total % WORKERS else 0) for k in range(WORKERS)]
        threads = [threading.Thread(target=scenario, args=(n, linked, k))
                   for k, n in enumerate(share) if n]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        old = sum(o for _, lk, o, _ in done if lk == linked)
        new = sum(n for _, lk, _, n in done if lk == linked)
        label = "public -> www/site: " if linked else ""
        check(f"{label}{total} kills made, both outcomes reached (old {old}, new {new})",
              old + new == total and old > 0 and new > 0, str(done))
    mounted_in_namespace()
    finish()


def mounted_in_namespace():
    """Runs scenario_mounted in a private mount namespace (unshare -m), where public/ can be a tmpfs."""
    kills = os.environ.get("CRASH_MOUNT_KILLS", "24")
    unshare = shutil.which("unshare")
    probe = unshare and subprocess.run([unshare, "-m", "sh", "-c", "mount -t tmpfs none /mnt"],
                                       capture_output=True)
    if not unshare or probe.returncode != 0:
        skip("public as a mount point", "cannot mount a file system in a private namespace here"
             + ("" if not probe else ": " + probe.stderr.decode(errors="replace").strip()))
        return
    p = subprocess.run([unshare, "-m", sys.executable, os.path.abspath(__file__), "--mounted", kills],
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    # Its checks count here, as if made in this process.
    for line in p.stdout.splitlines():
        fichestest.passed += line.startswith("ok   ")
        fichestest.failed += line.startswith("FAIL ")
    if p.returncode != 0 and "FAIL " not in p.stdout:
        check("public as a mount point: the scenario ran", False, p.stderr[-500:])


def entries(pub):
    """Path → "size hash" of every file .fiches-manifest lists."""
    try:
        with open(os.path.join(pub, ".fiches-manifest"), encoding="utf-8") as f:
            return {parts[2]: parts[0] + " " + parts[1]
                    for parts in (line.rstrip("\n").split(" ", 2) for line in f
                                  if line.count(" ") >= 2 and not line.startswith("#"))}
    except FileNotFoundError:
        return {}


def stale(recorded, got, clean):
    """Files whose manifest entry is the one a clean build of a site records
    while they hold other bytes: the next build of that site would trust the
    entry and leave them as they are. clean: site → (its manifest entries,
    its files' hashes)."""
    return [k for k, e in recorded.items() if k in got
            and any(e == ent.get(k) and got[k] != hashes.get(k) for ent, hashes in clean.values())]


def scenario_mounted(kills):
    """public/ is a tmpfs mount point: no swap is possible; every file stays whole and listed."""
    label = "public a mount point: "
    proj = tempfile.mkdtemp(prefix="fiches-crash-mnt-")
    make_sites(proj)
    # Many small files make the renames and removals of a commit last long enough to be hit.
    lot = os.path.join(proj, "content-B", "media", "lot")
    os.makedirs(lot)
    for n in range(1500):
        with open(os.path.join(lot, f"f{n:04d}.txt"), "w") as fh:
            fh.write(f"fichier {n}\n")
    pub = os.path.join(proj, "public")
    os.makedirs(pub)
    subprocess.run(["mount", "-t", "tmpfs", "none", pub], check=True)
    with open(os.path.join(pub, "a-moi.txt"), "w") as fh:
        fh.write("un fichier que fiches n'a pas fait\n")
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C")
    sites, clean, took = {}, {}, 0.0

    def use_link(site):
        """content -> content-A or content-B: switching copies nothing (1500 media files)."""
        link = os.path.join(proj, "content")
        if os.path.isdir(link) and not os.path.islink(link):
            shutil.rmtree(link)
        tmp_link = link + ".new"
        os.symlink("content-" + site, tmp_link)
        os.replace(tmp_link, link)

    def files():
        got = manifest(pub) or {}
        return {k: v for k, v in got.items() if k != ".fiches-manifest" and k != "a-moi.txt"
                and not k.startswith(".fiches-new/")}
    for site in "BA":
        use_link(site)
        t0 = time.monotonic()
        r = subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True, text=True, env=env)
        took = max(took, time.monotonic() - t0)
        check(f"{label}site {site} builds", r.returncode == 0, r.stderr)
        if r.returncode:
            return
        sites[site] = files()
        clean[site] = (entries(pub), sites[site])
    rng = random.Random(int(os.environ.get("CRASH_SEED", "1")))
    target, bad = "B", []
    for i in range(kills):
        use_link(target)
        mpath = os.path.join(pub, ".fiches-manifest")
        before = os.stat(mpath).st_ino if os.path.exists(mpath) else None
        p = subprocess.Popen([FICHES, "build", "--no-pdf", "-C", proj], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        if i % 2:
            # Aimed: right after the first manifest of the commit is in place, while files are renamed.
            deadline = time.monotonic() + 30
            while p.poll() is None and time.monotonic() < deadline:
                try:
                    if os.stat(mpath).st_ino != before:
                        break
                except FileNotFoundError:
                    pass
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.01))
        else:
            time.sleep(rng.uniform(0, max(took, 0.05) * 1.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        got, recorded = files(), entries(pub)
        torn = [k for k, v in got.items() if v not in (sites["A"].get(k), sites["B"].get(k))]
        unlisted = [k for k in got if k not in recorded]
        trusted = stale(recorded, got, clean)
        if torn or unlisted or trusted or not os.path.exists(os.path.join(pub, "a-moi.txt")):
            bad.append(f"kill {i}: torn {torn[:3]} unlisted {unlisted[:3]} "
                       f"listed with the other site's hash {trusted[:3]}")
        target = "A" if target == "B" else "B"
    check(f"{label}{kills} kills: every file whole (old or new bytes) and listed in the manifest, "
          "never with the hash of bytes it does not hold, the file fiches did not make kept", not bad, "; ".join(bad[:5]))
    use_link("A")
    r = subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True, text=True, env=env)
    check(f"{label}a clean build after the kills gives exactly site A, no staging tree left",
          r.returncode == 0 and files() == sites["A"] and not os.path.exists(os.path.join(pub, ".fiches-new"))
          and os.path.exists(os.path.join(pub, "a-moi.txt")), r.stderr)
    subprocess.run(["umount", pub])
    shutil.rmtree(proj, ignore_errors=True)


def make_sites(proj):
    """proj/content-A (the fixture) and proj/content-B (changed), and the templates."""
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


done = []


def scenario(kills, linked, worker=0):
    """kills random kills; linked: public is a symbolic link to www/site."""
    label = ("public -> www/site: " if linked else "") + f"[{worker}] "
    cache = {}
    proj = tempfile.mkdtemp(prefix="fiches-crash-", dir=SCRATCH)
    make_sites(proj)

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
        sites[site] = manifest(pub, cache)
    check(f"{label}A and B differ", sites["A"] != sites["B"])
    # Kill delays cover the whole build: up to 1.5 times a full B build.
    longest = max(took, 0.05)
    rng = random.Random(int(os.environ.get("CRASH_SEED", "1")) * 100 + worker + 50 * linked)
    current = "A"
    outcomes = {"old": 0, "new": 0}
    bad = []
    for i in range(kills):
        target = "B" if current == "A" else "A"
        use(proj, target)
        p = subprocess.Popen([FICHES, "build", "--no-pdf", "-C", proj], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        # The kill comes at the drawn moment, or the build ends first: no
        # time is spent waiting past a build that already finished.
        started = time.monotonic()
        deadline = started + rng.uniform(0, longest * 1.5)
        while p.poll() is None and time.monotonic() < deadline:
            time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            # Builds may be slower now than when timed (a busier machine):
            # widen the window a little, so that kills keep covering the end.
            longest *= 1.02
        else:
            longest = max(longest, time.monotonic() - started)
        p.wait()
        got = manifest(pub, cache) if link_intact() else None
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
    # A normal build afterwards cleans the leftovers of the killed ones.
    use(proj, "A")
    r = subprocess.run([FICHES, "build", "--no-pdf", "-C", proj], capture_output=True, text=True, env=env)
    left = [x for x in os.listdir(site_dir) if ".fiches-" in x]
    check(f"{label}a clean build after the kills gives site A and leaves no staging directory",
          r.returncode == 0 and link_intact() and manifest(pub, cache) == sites["A"] and not left,
          r.stderr + str(left))
    shutil.rmtree(proj, ignore_errors=True)
    with lock:
        done.append((worker, linked, outcomes["old"], outcomes["new"]))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--mounted"]:
        scenario_mounted(int(sys.argv[2]))
        sys.exit(1 if fichestest.failed else 0)
    sys.exit(main())
