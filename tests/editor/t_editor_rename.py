#!/usr/bin/env python3
"""Renumbering and renaming from the writing workshop (POST /_edit/api/renommer).

On copies of the TAT corpus, one in a plain folder and one in a git
repository, with a page holding every spelling of a link to fiche-action 4
(inline, by slug, reference definition, autolink, relative .md path) and
the same text inside a code span and a fenced code block:

- the preview lists the changes (file, line, before, after) and writes
  nothing; code is never rewritten, a link by slug stays on a renumbering;
- a number or an identifier already taken, a bad identifier, nothing to
  change: refused with a French message, nothing written;
- a file changed after the preview: the apply is refused (409, the file
  named) and no file of content/ changes;
- the apply: the file moves, its number changes, every listed line is
  rewritten and nothing else in content/ changes; `fiches check` is clean
  and the served site is rebuilt with the new number;
- history: git, one commit for the whole operation with the French message
  (plus one of disk texts the repository lacked), index clean; folder, a
  version of every file and the old name's last text kept;
- renaming a page rewrites site.yaml's menu and the booklets' include lists;
- an uploaded image is kept in the history too.

Prints "N passed, N failed[, N skipped]" last.
"""
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
import struct

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_editor_http import Server, api, request, FICHES  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import CONTENT, folder_then_git, git, git_repository, project, finish  # noqa: E402

# A failed check shows at most 600 characters of its detail (whole pages, JSON).
check = functools.partial(fichestest.check, limit=600)

OLD = "actions/04-santal.md"
NEW = "actions/12-santal.md"
PAGE = "pages/credits.md"

FIXTURE = """

## Liens de test

Inline [Santal](action:4) et par identifiant [Santal](action:santal).
Par définition [le groupe][grp] et en relatif [le fichier](../actions/04-santal.md).
Lien automatique <action:4>.

Dans du code : `[pas un lien](action:4)` reste tel quel.

```
[pas un lien non plus](action:4)
```

[grp]: action:4
"""


def rename(srv, body):
    return api(srv, "/_edit/api/renommer", body)


def snapshot(root):
    """The bytes of every file of root's content/."""
    return fichestest.tree(os.path.join(root, "content"))


def tiny_png():
    raw = b"\x00\xff\x00\x00" * 1
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wait_for(srv, path, needle, seconds=30):
    deadline = time.time() + seconds
    body = b""
    while time.time() < deadline:
        st, _, body = request(srv.port, "GET", path)
        if st == 200 and needle.encode() in body:
            return True
        time.sleep(0.2)
    return False


def scenario(label, root, in_git):
    srv = Server(root)
    try:
        if not check(label + ": serve starts", srv.port and srv.key, srv.text()[-800:]):
            return
        before = snapshot(root)

        # The preview: the changes listed, nothing written.
        st, r = rename(srv, {"chemin": OLD, "numero": 12})
        check(label + ": preview answers 200", st == 200, r)
        check(label + ": preview writes nothing", snapshot(root) == before)
        check(label + ": the new path and message",
              r.get("nouveau_chemin") == NEW and r.get("message", "").startswith("Fiche-action 4 renumérotée en 12 ("),
              (r.get("nouveau_chemin"), r.get("message")))
        changes = r.get("changements", [])
        page_changes = [c for c in changes if c["fichier"] == "content/" + PAGE]
        afters = "\n".join(c["apres"] for c in page_changes)
        befores = "\n".join(c["avant"] for c in page_changes)
        check(label + ": inline, definition, autolink and .md links listed",
              "Inline [Santal](action:12) et par identifiant [Santal](action:santal)." in afters and
              "[grp]: action:12" in afters and "<action:12>" in afters and
              "(../actions/12-santal.md)" in afters, page_changes)
        check(label + ": code spans and code blocks are not rewritten",
              "`[pas un lien](action:4)`" not in befores and "[pas un lien non plus]" not in befores, page_changes)
        check(label + ": every change has file, line, before and after",
              changes and all(set(c) == {"fichier", "ligne", "avant", "apres"} and c["ligne"] > 0 for c in changes),
              changes[:2])
        own = [c for c in changes if c["fichier"] == "content/" + OLD]
        check(label + ": the fiche's own number line", [(c["avant"], c["apres"]) for c in own] ==
              [("number: 4", "number: 12")], own)
        check(label + ": the links of the TAT text are listed (themes 5 and 6, guide 4, démarche page)",
              {"content/themes/5-adolescence-construction-identitaire-sante.md", "content/themes/6-expertise-des-habitants.md",
               "content/guide/04-colonne-vertebrale.md", "content/pages/la-demarche-tat.md"} <=
              set(c["fichier"] for c in changes), sorted(set(c["fichier"] for c in changes)))
        # The count: every reference to fiche-action 4 that a listed line lost (its own number aside).
        ref = re.compile(r"action:4(?![0-9])|04-santal\.md")
        counted = sum(len(ref.findall(c["avant"])) - len(ref.findall(c["apres"]))
                      for c in changes if c["fichier"] != "content/" + OLD)
        n_links = r.get("liens")
        check(label + ": the count of links rewritten is what the lines show", n_links == counted and counted >= 8,
              (n_links, counted))

        # Refusals: nothing written.
        st, t = rename(srv, {"chemin": OLD, "numero": 6})
        check(label + ": a number taken → 409, French message naming the other fiche",
              st == 409 and "déjà pris" in t.get("erreur", "") and "06-habitants" in t.get("erreur", ""), (st, t))
        st, t = rename(srv, {"chemin": OLD, "identifiant": "parcours-sante-jeunes"})
        check(label + ": an identifier taken → 409", st == 409 and "déjà pris" in t.get("erreur", ""), (st, t))
        st, t = rename(srv, {"chemin": OLD, "identifiant": "Pas Bon"})
        check(label + ": a bad identifier → 422", st == 422 and "minuscules" in t.get("erreur", ""), (st, t))
        st, t = rename(srv, {"chemin": OLD, "numero": 4})
        check(label + ": nothing to change → 422", st == 422 and "Rien à changer" in t.get("erreur", ""), (st, t))
        st, t = rename(srv, {"chemin": "guide/01-introduction.md", "numero": 3})
        check(label + ": a guide chapter has no number to change", st == 422, (st, t))
        check(label + ": refusals write nothing", snapshot(root) == before)

        # A file changed after the preview: refused, nothing written.
        theme = os.path.join(root, "content", "themes", "6-expertise-des-habitants.md")
        with open(theme, "a", encoding="utf-8") as f:
            f.write("\nUne phrase ajoutée ailleurs.\n")
        changed = snapshot(root)
        st, t = rename(srv, {"chemin": OLD, "numero": 12, "appliquer": True, "versions": r.get("versions")})
        check(label + ": a file changed since the preview → 409 naming it",
              st == 409 and "content/themes/6-expertise-des-habitants.md" in t.get("fichiers", []) and
              "changé depuis l’aperçu" in t.get("erreur", ""), (st, t))
        check(label + ": the refused apply wrote nothing", snapshot(root) == changed)
        st, t = rename(srv, {"chemin": OLD, "numero": 12, "appliquer": True})
        check(label + ": an apply without versions is refused", st == 409 and snapshot(root) == changed, (st, t))

        if in_git:
            commits_before = int(git(root, "rev-list", "--count", "HEAD").stdout.strip() or 0)
        # Apply after a fresh preview.
        st, r = rename(srv, {"chemin": OLD, "numero": 12})
        st, a = rename(srv, {"chemin": OLD, "numero": 12, "appliquer": True, "versions": r.get("versions")})
        check(label + ": apply answers 200 with the message", st == 200 and a.get("message") == r.get("message") and
              a.get("historique") is True, (st, a))
        after = snapshot(root)
        check(label + ": the old file is gone, the new one holds number 12",
              OLD not in after and NEW in after and after[NEW].startswith(b"---\nnumber: 12\n"),
              sorted(k for k in after if k.startswith("actions/1")))
        check(label + ": the rest of the fiche is byte for byte the same",
              after.get(NEW, b"").replace(b"number: 12\n", b"number: 4\n", 1) == changed[OLD])
        expected = {}
        for c in r["changements"]:
            rel = c["fichier"][len("content/"):]
            expected.setdefault(rel, []).append(c)
        ok = True
        for rel, text in after.items():
            src = OLD if rel == NEW else rel
            old = changed.get(src)
            if src not in expected:
                ok = ok and old == text
                if old != text:
                    print("     unexpected change in", rel)
                continue
            ol, nl = old.decode().split("\n"), text.decode().split("\n")
            for c in expected[src]:
                ok = ok and ol[c["ligne"] - 1] == c["avant"] and nl[c["ligne"] - 1] == c["apres"]
            listed = {c["ligne"] for c in expected[src]}
            ok = ok and len(ol) == len(nl) and all(ol[i] == nl[i] for i in range(len(ol)) if i + 1 not in listed)
        check(label + ": exactly the listed lines changed, nothing else in content/", ok)
        page = after[PAGE].decode()
        check(label + ": code kept as it was",
              "`[pas un lien](action:4)`" in page and "[pas un lien non plus](action:4)" in page, page[-400:])
        chk = subprocess.run([FICHES, "check", "-C", root], capture_output=True, text=True,
                             env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
        check(label + ": fiches check is clean after the operation", chk.returncode == 0, chk.stderr[-800:])
        check(label + ": the served site is rebuilt with the new number",
              wait_for(srv, "/fiches-actions/santal.html", "Fiche-action 12"))

        # History.
        if in_git:
            log = git(root, "log", "--format=%s").stdout.splitlines()
            commits_after = int(git(root, "rev-list", "--count", "HEAD").stdout.strip())
            check(label + ": one commit for the operation, with the French message",
                  log[0] == a.get("message") and log[1].startswith("Versions trouvées sur le disque avant") and
                  commits_after == commits_before + 2, log[:3])
            names = git(root, "show", "--name-status", "--format=", "-M", "HEAD").stdout
            check(label + ": the commit holds the move and every rewritten file",
                  "content/actions/04-santal.md" in names and "content/actions/12-santal.md" in names and
                  "content/pages/credits.md" in names and "content/guide/04-colonne-vertebrale.md" in names, names)
            status = git(root, "status", "--porcelain").stdout
            check(label + ": the index follows (nothing left to commit in content/)",
                  "content/" not in status, status)
        else:
            hist = os.path.join(root, ".fiches", "historique")
            old_versions = sorted(os.listdir(os.path.join(hist, OLD)))
            new_versions = sorted(os.listdir(os.path.join(hist, NEW)))
            check(label + ": the old name keeps its last text in the history",
                  any(v.endswith(".md") for v in old_versions), old_versions)
            last_old = [v for v in old_versions if v.endswith(".md")][-1]
            with open(os.path.join(hist, OLD, last_old), "rb") as f:
                check(label + ": …byte for byte", f.read() == changed[OLD])
            msgs = []
            for v in new_versions:
                if v.endswith(".txt"):
                    with open(os.path.join(hist, NEW, v), encoding="utf-8") as f:
                        msgs.append(f.read())
            check(label + ": the new name's version carries the message", a.get("message") in msgs, msgs)
            st, h = api(srv, "/_edit/api/historique", {"chemin": PAGE})
            check(label + ": every rewritten file has the version, listed by the editor",
                  st == 200 and h["versions"] and h["versions"][0]["message"] == a.get("message"), h)

        # Renaming a page: site.yaml's menu and the booklets follow.
        st, r = rename(srv, {"chemin": "pages/la-demarche-tat.md", "identifiant": "la-demarche"})
        files = set(c["fichier"] for c in r.get("changements", []))
        check(label + ": renaming a page lists site.yaml and the booklets",
              st == 200 and {"content/site.yaml", "content/booklets/synthese.yaml",
                             "content/booklets/atelier-habitants.yaml"} <= files, (st, sorted(files)))
        st, a = rename(srv, {"chemin": "pages/la-demarche-tat.md", "identifiant": "la-demarche", "appliquer": True,
                          "versions": r.get("versions")})
        check(label + ": …and applies", st == 200 and a.get("message", "").startswith(
            "Page la-demarche-tat renommée en la-demarche ("), (st, a))
        with open(os.path.join(root, "content", "site.yaml"), encoding="utf-8") as f:
            check(label + ": the menu entry now names the new page", 'href: "page:la-demarche"}' in f.read())
        chk = subprocess.run([FICHES, "check", "-C", root], capture_output=True, text=True,
                             env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
        check(label + ": fiches check is clean after the rename", chk.returncode == 0, chk.stderr[-800:])

        # An uploaded image goes to the history too.
        png = tiny_png()
        st, _, raw = request(srv.port, "POST", "/_edit/api/image", png, origin="http://127.0.0.1:%d" % srv.port,
                             cookie="fiches_atelier=" + srv.key, headers={"X-Nom-Fichier": "point.png"})
        up = json.loads(raw or b"{}")
        check(label + ": image uploaded and kept in the history", st == 200 and up.get("historique") is True, up)
        name = up.get("nom", "")
        with open(os.path.join(root, "content", "media", name), "rb") as f:
            stored = f.read()
        if in_git:
            shown = subprocess.run(["git", "-C", root, "show", "HEAD:content/media/" + name], capture_output=True)
            check(label + ": the image is committed byte for byte", shown.stdout == stored and
                  git(root, "log", "-1", "--format=%s").stdout.strip() == "Image %s\u202f: ajouter" % name)
        else:
            d = os.path.join(root, ".fiches", "historique", "media", name)
            versions = sorted(os.listdir(d)) if os.path.isdir(d) else []
            kept = [v for v in versions if v.endswith(".png")]
            ok = bool(kept)
            if ok:
                with open(os.path.join(d, kept[0]), "rb") as f:
                    ok = f.read() == stored
            check(label + ": the image is kept byte for byte under its own extension", ok, versions)
    finally:
        srv.stop()


def folder_project(tmp):
    """The corpus with the test page, its links checked; a copy of it, made
    before the first scenario changes it, waits for git_project."""
    plain = project(CONTENT, tmp=tmp, name="sans-git")
    with open(os.path.join(plain, "content", PAGE), "a", encoding="utf-8") as f:
        f.write(FIXTURE)
    chk = subprocess.run([FICHES, "check", "-C", plain], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    check("the test page's links all resolve before the operation", chk.returncode == 0, chk.stderr[-800:])
    shutil.copytree(plain, os.path.join(tmp, "avec-git"))
    return plain


def git_project(tmp):
    repo = os.path.join(tmp, "avec-git")
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write("public/\nserve.log\n.fiches/\n")
    git_repository(repo, "content", ".gitignore")
    return repo


def main():
    folder_then_git("t_editor_rename", scenario, folder_project, git_project)


if __name__ == "__main__":
    main()
    finish()
