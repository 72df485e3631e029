#!/usr/bin/env python3
"""`fiches publish DEST`: to a directory, and over ssh with rsync.

To a directory (a USB stick, a share): the first publish copies the site;
a second one with no change writes nothing (same inodes, same mtimes); a
file someone added at the destination is kept, a page removed from the site
is removed there, a changed fiche sends only the files that changed; a
destination holding a different file fiches did not publish, or a file
changed there since, stops the publish before anything is written; a copy
made by hand of the same site is adopted; a site with errors is not
published; a destination inside the site is refused; publishes killed at
random moments leave only complete files (old or new bytes) and the next
publish finishes the job.

Over ssh: a real sshd started by this test on a loopback port with
throwaway keys (openssh-server and rsync, from scripts/deps.sh's test
packages); without them these cases are skipped and counted as such. The
same guarantees: only what changed is sent, files not published by fiches
are kept, a removed page is removed, an unreachable server is an error.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, check, skip, finish, require_built, sha256, tree, write  # noqa: E402


ENV = dict(os.environ, NO_COLOR="1", LC_ALL="C.UTF-8", LANGUAGE="")


def fiches(*args, env=None):
    p = subprocess.run([FICHES] + list(args), capture_output=True, text=True, env=env or ENV)
    return p.returncode, p.stdout, p.stderr


def state(d, skip_list=True):
    """Relative path → (sha256, inode, mtime_ns) of every file below d."""
    def identity(p):
        st = os.stat(p)
        return sha256(p), st.st_ino, st.st_mtime_ns
    return {rel: v for rel, v in tree(d, identity).items() if not (skip_list and rel == ".fiches-published")}


def site_files(pub):
    return {k: v[0] for k, v in state(pub).items() if k != ".fiches-manifest"}


def dest_files(dest):
    return {k: v[0] for k, v in state(dest).items()}


def new_project(tmp, name="p"):
    proj = os.path.join(tmp, name)
    rc, _, err = fiches("init", proj)
    assert rc == 0, err
    return proj


def remove_page(proj):
    os.unlink(os.path.join(proj, "content", "pages", "la-demarche.md"))
    path = os.path.join(proj, "content", "site.yaml")
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if "la-demarche" not in l]
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


# Files someone else put at a destination, which publishing never touches.
FOREIGN = {"a-moi.txt": "à garder\n", "photos/atelier.txt": "à garder aussi\n",
           "pages/notes.txt": "dans un dossier du site\n"}


def add_foreign(dest):
    """Writes FOREIGN's files at dest; returns their paths."""
    for rel, text in FOREIGN.items():
        write(os.path.join(dest, rel), text)
    return set(FOREIGN)


def append(proj, rel, text):
    with open(os.path.join(proj, "content", rel), "a", encoding="utf-8") as f:
        f.write(text)


def test_directory(tmp):
    proj = new_project(tmp)
    pub = os.path.join(proj, "public")
    usb = os.path.join(tmp, "usb")
    os.makedirs(usb)
    dest = os.path.join(usb, "site")
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("publish to a new folder: exit 0, the site copied, the list of published files kept",
          rc == 0 and dest_files(dest) == site_files(pub)
          and os.path.isfile(os.path.join(dest, ".fiches-published")), err)
    first = state(dest, skip_list=False)
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("a second publish with no change sends nothing (same inodes and mtimes, list too)",
          rc == 0 and "0 sent, 0 removed" in err and state(dest, skip_list=False) == first, err)

    # Someone adds files at the destination; a page goes; a fiche changes.
    mine = add_foreign(dest)
    remove_page(proj)
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    got = dest_files(dest)
    check("the files added at the destination are kept",
          rc == 0 and mine <= set(got), err + str(sorted(mine - set(got))))
    check("the removed page is removed at the destination, the rest is the site",
          "pages/la-demarche.html" not in got and {k: v for k, v in got.items() if k not in mine} == site_files(pub),
          str(sorted(set(got) ^ set(site_files(pub)))))
    before = state(dest)
    append(proj, "actions/01-jardin-partage.md", "\nUne phrase de plus.\n")
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    after = state(dest)
    changed = {k for k in after if before.get(k) != after[k]}
    check("a changed fiche: only the files whose bytes changed are written",
          rc == 0 and "fiches-actions/jardin-partage.html" in changed
          and "glossaire.html" not in changed and "assets/style.css" not in changed
          and all(before[k][0] != after[k][0] for k in changed if k in before), err + str(sorted(changed)))
    check("no temporary file is left", not any(".fiches-tmp" in k for k in after), str(sorted(after)))

    # A file changed at the destination is never overwritten or removed.
    with open(os.path.join(dest, "glossaire.html"), "w") as f:
        f.write("corrigé à la main\n")
    append(proj, "glossary.yaml", "- id: CAF\n  expansion: Caisse d’allocations familiales\n"
                                  "  definition: L’organisme qui verse les prestations familiales.\n")
    before = state(dest)
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("a published file changed at the destination: refused (exit 1), nothing written",
          rc == 1 and f"{dest}/glossaire.html: error:" in err and "nothing was published" in err
          and state(dest) == before, err)
    os.unlink(os.path.join(dest, "glossaire.html"))
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("once moved away, the next publish goes through",
          rc == 0 and dest_files(dest)["glossaire.html"] == site_files(pub)["glossaire.html"], err)

    # A folder holding someone else's different index.html.
    other = os.path.join(tmp, "partage")
    os.makedirs(other)
    with open(os.path.join(other, "index.html"), "w") as f:
        f.write("<p>le site d’avant</p>\n")
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, other)
    check("a different file fiches did not publish: refused, the folder unchanged",
          rc == 1 and f"{other}/index.html: error:" in err and os.listdir(other) == ["index.html"], err)

    # A copy made by hand of the same site is adopted: nothing sent.
    hand = os.path.join(tmp, "copie")
    shutil.copytree(pub, hand)
    os.unlink(os.path.join(hand, ".fiches-manifest"))
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, hand)
    check("a copy made by hand of the same site: adopted, 0 sent", rc == 0 and ", 0 sent" in err, err)

    # Content with an error: nothing built, nothing published.
    before = state(dest, skip_list=False)
    with open(os.path.join(proj, "content", "actions", "02-erreur.md"), "w", encoding="utf-8") as f:
        f.write("---\nnumber: 2\ntitle: Sans résumé\nlogic: inconnue\n---\nTexte.\n")
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("a site with errors is not published (exit 1), the destination unchanged",
          rc == 1 and "nothing was published" in err and state(dest, skip_list=False) == before, err)
    os.unlink(os.path.join(proj, "content", "actions", "02-erreur.md"))

    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, os.path.join(pub, "copie"))
    check("a destination inside the site: usage error", rc == 2 and "inside" in err, err)
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, os.path.join(tmp, "absente", "site"))
    check("a destination whose parent is missing (a stick not mounted): refused",
          rc == 2 and "mounted" in err, err)


def test_interrupted(tmp):
    """Publishes killed at random moments: every file at the destination is complete."""
    proj = new_project(tmp, "coupe")
    media = os.path.join(proj, "content", "media")
    os.makedirs(media)
    big = [os.urandom(4 << 20) for _ in range(2)]
    dest = os.path.join(tmp, "cle")
    versions = {}  # path → set of sha256 of every version the site had

    def record():
        rc, _, err = fiches("build", "--no-pdf", "-C", proj)
        assert rc == 0, err
        for k, v in site_files(os.path.join(proj, "public")).items():
            versions.setdefault(k, set()).add(v)

    rng = random.Random(int(os.environ.get("PUBLISH_SEED", "1")))
    torn = []
    for i in range(8):
        with open(os.path.join(media, "grand.bin"), "wb") as f:
            f.write(big[i % 2])
        append(proj, "pages/la-demarche.md", f"\nVersion {i}.\n")
        record()
        p = subprocess.Popen([FICHES, "publish", "--no-pdf", "-C", proj, dest],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(rng.uniform(0.05, 0.6))
        p.send_signal(signal.SIGKILL)
        p.wait()
        if os.path.isdir(dest):
            for k, v in dest_files(dest).items():
                if ".fiches-tmp" not in k and v not in versions.get(k, ()):
                    torn.append(f"kill {i}: {k}")
    check("publishes killed at random moments: every file has complete bytes of some version",
          not torn, "; ".join(torn[:5]))
    rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest)
    check("the next publish finishes: the destination is the site, no temporary file left",
          rc == 0 and dest_files(dest) == site_files(os.path.join(proj, "public")), err)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_sshd(tmp):
    """An sshd on a loopback port accepting a throwaway key; (process, RSYNC_RSH) or a reason."""
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    for tool, path in (("sshd (openssh-server)", sshd), ("rsync", shutil.which("rsync")),
                       ("ssh", shutil.which("ssh")), ("ssh-keygen", shutil.which("ssh-keygen"))):
        if not path:
            return None, f"{tool} is not installed"
    d = os.path.join(tmp, "ssh")
    os.makedirs(d, mode=0o700)
    for key in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(d, key)], check=True)
    shutil.copy(os.path.join(d, "user.pub"), os.path.join(d, "authorized_keys"))
    port = free_port()
    config = os.path.join(d, "sshd_config")
    with open(config, "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host\n"
                f"AuthorizedKeysFile {d}/authorized_keys\nPidFile {d}/sshd.pid\n"
                "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                "Subsystem sftp internal-sftp\n")
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        # What openssh-server's service makes (RuntimeDirectory=sshd): sshd needs it as root.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", config], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(d, "sshd.log"), "w"))
    rsh = (f"ssh -p {port} -i {d}/user -o BatchMode=yes -o StrictHostKeyChecking=no "
           f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            with open(os.path.join(d, "sshd.log")) as f:
                return None, "sshd did not start: " + f.read()[-300:]
        r = subprocess.run(rsh.split() + ["127.0.0.1", "true"], capture_output=True, timeout=10)
        if r.returncode == 0:
            return proc, rsh
        time.sleep(0.2)
    proc.terminate()
    return None, "sshd did not answer"


def test_ssh(tmp):
    names = ["over ssh: first publish", "over ssh: nothing sent the second time",
             "over ssh: files not published by fiches kept, removed page removed",
             "over ssh: only the changed files sent", "over ssh: an unreachable server is an error"]
    proc, rsh = start_sshd(tmp)
    if not proc:
        for n in names:
            skip(n, rsh)
        return
    try:
        env = dict(ENV, RSYNC_RSH=rsh)
        user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
        proj = new_project(tmp, "distant")
        pub = os.path.join(proj, "public")
        remote = os.path.join(tmp, "serveur", "www")
        os.makedirs(os.path.dirname(remote))
        dest = f"{user}@127.0.0.1:{remote}"
        rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest, env=env)
        check(names[0], rc == 0 and dest_files(remote) == site_files(pub)
              and os.path.isfile(os.path.join(remote, ".fiches-published")), err)
        first = state(remote)
        rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest, env=env)
        check(names[1], rc == 0 and "0 sent, 0 removed" in err and state(remote) == first, err)
        mine = add_foreign(remote)
        remove_page(proj)
        rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest, env=env)
        got = dest_files(remote)
        check(names[2], rc == 0 and mine <= set(got) and "pages/la-demarche.html" not in got
              and {k: v for k, v in got.items() if k not in mine} == site_files(pub),
              err + str(sorted(set(got) ^ set(site_files(pub)))))
        before = state(remote)
        append(proj, "actions/01-jardin-partage.md", "\nUne phrase de plus.\n")
        rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest, env=env)
        after = state(remote)
        changed = {k for k in after if before.get(k) != after[k]}
        check(names[3], rc == 0 and "fiches-actions/jardin-partage.html" in changed
              and "assets/style.css" not in changed and "glossaire.html" not in changed,
              err + str(sorted(changed)))
        bad = dict(env, RSYNC_RSH=rsh.replace(f"-p {rsh.split()[2]}", f"-p {free_port()}"))
        rc, _, err = fiches("publish", "--no-pdf", "-C", proj, dest, env=bad)
        check(names[4], rc == 3 and "rsync failed" in err, err)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-publish-")
    try:
        test_directory(tmp)
        test_interrupted(tmp)
        test_ssh(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


if __name__ == "__main__":
    require_built()
    sys.exit(main())
