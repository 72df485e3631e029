#!/usr/bin/env python3
"""Every save of the writing workshop is kept, in git or in .fiches/historique/.

Two projects: one whose content/ is not in a git repository (versions go to
.fiches/historique/ beside content/), one inside a git repository (each save
is a commit through libgit2). In both: saves are listed newest first with a
French message saying what changed, the text before the first save is kept
too, a version's text comes back byte for byte, restoring one is a new
version (and refused over a file changed on disk), bad ids are refused. In
git: one commit per save touching that file only, the index follows (git
status clean), other staged work is left alone. Standard library and the
git command (skipped without it).

Prints "N passed, N failed[, N skipped]" last.
"""
import functools
import os
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_editor_http import Server, api, request  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import CONTENT, folder_then_git, git, git_repository, project, finish  # noqa: E402

# A failed check shows at most 400 characters of its detail (whole pages, JSON).
check = functools.partial(fichestest.check, limit=400)

DOC = "actions/06-habitants-a-l-epreuve-des-trafics.md"


def version_of(srv, rel):
    import re
    st, _, body = request(srv.port, "GET", "/_edit/fichier/" + rel, cookie="fiches_atelier=" + srv.key)
    m = re.search(rb'id="donnees">(.*?)</script>', body, re.S)
    return json.loads(m.group(1))["version"]


def scenario(label, root, in_git):
    path = os.path.join(root, "content", DOC)
    with open(path, encoding="utf-8", newline="") as f:
        original = f.read()
    srv = Server(root)
    try:
        if not check(label + ": serve starts", srv.port and srv.key, srv.text()[-500:]):
            return
        # Two saves: the title, then the body.
        v = version_of(srv, DOC)
        t1 = original.replace("title: Habitants à l'épreuve des trafics", "title: Habitants face aux trafics", 1)
        st, r = api(srv, "/_edit/api/enregistrer", {"chemin": DOC, "texte": t1, "base": v})
        check(label + ": save 1", st == 200 and r.get("historique") is True, r)
        check(label + ": its message says what changed, in French",
              r.get("message") == "Fiche-action 6\u202f: modifier le titre", r.get("message"))
        t2 = t1.replace("Dans les quartiers où", "Dans les quartiers populaires où", 1)
        st, r = api(srv, "/_edit/api/enregistrer", {"chemin": DOC, "texte": t2, "base": r.get("version")})
        check(label + ": save 2", st == 200 and r.get("message") == "Fiche-action 6\u202f: modifier le texte", r)
        st, r = api(srv, "/_edit/api/historique", {"chemin": DOC})
        versions = r.get("versions") or []
        check(label + ": history kind", r.get("genre") == ("git" if in_git else "dossier"), r.get("genre"))
        msgs = [x["message"] for x in versions]
        check(label + ": versions listed newest first, the text before the first save kept",
              len(versions) >= 3 and msgs[0] == "Fiche-action 6\u202f: modifier le texte" and
              msgs[1] == "Fiche-action 6\u202f: modifier le titre", msgs)
        texts = []
        for x in versions[:3]:
            st, r = api(srv, "/_edit/api/version", {"chemin": DOC, "id": x["id"]})
            texts.append(r.get("texte"))
        check(label + ": each version's text comes back byte for byte", texts == [t2, t1, original],
              [len(t or "") for t in texts])
        # Restore the oldest: a new version.
        oldest = versions[2]
        st, r = api(srv, "/_edit/api/retablir", {"chemin": DOC, "id": oldest["id"], "base": "0" * 32, "date": "hier"})
        check(label + ": restoring over a file changed since → 409", st == 409, st)
        cur = version_of(srv, DOC)
        st, r = api(srv, "/_edit/api/retablir", {"chemin": DOC, "id": oldest["id"], "base": cur, "date": "hier à 10:00"})
        with open(path, encoding="utf-8", newline="") as f:
            check(label + ": restore writes the old text", st == 200 and f.read() == original, (st, r))
        st, r = api(srv, "/_edit/api/historique", {"chemin": DOC})
        check(label + ": a restore is itself a new version",
              (r.get("versions") or [{}])[0].get("message") == "Fiche-action 6\u202f: rétablir la version du hier à 10:00",
              (r.get("versions") or [{}])[0])
        for bad in ["../../../etc/passwd", "", "zz", "0" * 40 if not in_git else "g" * 40, oldest["id"] + "/.."]:
            st, r = api(srv, "/_edit/api/version", {"chemin": DOC, "id": bad})
            check(label + ": version id %r refused" % bad[:20], st == 404, st)
        st, r = api(srv, "/_edit/api/version", {"chemin": "../" + DOC, "id": oldest["id"]})
        check(label + ": a path out of content/ refused", st == 400, st)
        # « Nouvelle fiche-action »: `fiches new` behind a form, kept in the history.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        st, h, _ = request(srv.port, "POST", "/_edit/creer", b"genre=action&titre=Atelier+cuisine+%C3%A0+l%27%C3%A9cole",
                           headers=form, cookie="fiches_atelier=" + srv.key)
        check(label + ": creating without Origin → 403", st == 403, st)
        st, h, _ = request(srv.port, "POST", "/_edit/creer", b"genre=action&titre=Atelier+cuisine+%C3%A0+l%27%C3%A9cole",
                           headers=form, origin="http://127.0.0.1:%d" % srv.port, cookie="fiches_atelier=" + srv.key)
        new_rel = "actions/12-atelier-cuisine-a-l-ecole.md"
        check(label + ": « Nouvelle fiche-action » creates the next number and opens its editor",
              st == 303 and h.get("location") == "/_edit/fichier/" + new_rel and
              os.path.exists(os.path.join(root, "content", new_rel)), (st, h.get("location")))
        st, r = api(srv, "/_edit/api/historique", {"chemin": new_rel})
        check(label + ": the creation is a version", [v["message"] for v in r.get("versions", [])][:1] ==
              ["Fiche-action 12\u202f: créer"], r.get("versions"))
        st, _, body = request(srv.port, "POST", "/_edit/creer", b"genre=action&titre=", headers=form,
                              origin="http://127.0.0.1:%d" % srv.port, cookie="fiches_atelier=" + srv.key)
        check(label + ": an empty title → 400", st == 400, st)
        st, _, body = request(srv.port, "POST", "/_edit/creer", b"genre=guide&titre=Chapitre", headers=form,
                              origin="http://127.0.0.1:%d" % srv.port, cookie="fiches_atelier=" + srv.key)
        check(label + ": a kind `fiches new` does not make → refused, in French", st == 422 and "pas été créée".encode() in body, st)
        # Deleting: refused while linked (listing the links), else kept in the history.
        st, r = api(srv, "/_edit/api/supprimer", {"chemin": DOC, "base": version_of(srv, DOC)})
        links = r.get("liens") or []
        check(label + ": deleting a linked fiche is refused, with the texts that link to it",
              st == 409 and any(l["fichier"].startswith("content/themes/") for l in links) and os.path.exists(path),
              (st, links[:2]))
        new_path = os.path.join(root, "content", new_rel)
        st, r = api(srv, "/_edit/api/supprimer", {"chemin": new_rel, "base": "0" * 32})
        check(label + ": deleting over a changed file → 409", st == 409 and os.path.exists(new_path), st)
        st, r = api(srv, "/_edit/api/supprimer", {"chemin": new_rel, "base": version_of(srv, new_rel)})
        check(label + ": an unlinked fiche is deleted", st == 200 and not os.path.exists(new_path), (st, r))
        st, r = api(srv, "/_edit/api/historique", {"chemin": new_rel})
        vs = r.get("versions") or []
        check(label + ": the deletion is in the history", vs and vs[0]["message"] == "Fiche-action 12\u202f: supprimer", vs[:2])
        st, r2 = api(srv, "/_edit/api/version", {"chemin": new_rel, "id": vs[-1]["id"]} if vs else {})
        st, r = api(srv, "/_edit/api/retablir", {"chemin": new_rel, "id": vs[-1]["id"] if vs else "", "base": "", "date": "avant"})
        check(label + ": a deleted fiche can be restored from the history", st == 200 and os.path.exists(new_path) and
              open(new_path, encoding="utf-8").read() == r2.get("texte"), (st, r))
        if in_git:
            log = git(root, "log", "--format=%s", "--", "content/" + DOC).stdout.splitlines()
            check("git: one commit per save, French messages",
                  log[:3] == ["Fiche-action 6\u202f: rétablir la version du hier à 10:00", "Fiche-action 6\u202f: modifier le texte",
                              "Fiche-action 6\u202f: modifier le titre"], log[:4])
            sha = git(root, "log", "-1", "--format=%H", "--grep", "modifier le texte").stdout.strip()
            files = git(root, "show", "--name-only", "--format=", sha).stdout.split()
            check("git: the commit touches that file only", files == ["content/" + DOC], files)
            status = git(root, "status", "--porcelain", "--untracked-files=all").stdout
            check("git: the index follows (status clean for the file)", "06-habitants" not in status, status)
            check("git: other staged work left alone", "A  content/pages/nouvelle.md" in status, status)
            check("git: the new fiche's creation, deletion and restore are commits", "12-atelier" not in status and
                  git(root, "log", "-3", "--format=%s").stdout.split("\n")[:3] ==
                  ["Fiche-action 12\u202f: rétablir la version du avant", "Fiche-action 12\u202f: supprimer", "Fiche-action 12\u202f: créer"],
                  git(root, "log", "-3", "--format=%s").stdout)
        else:
            d = os.path.join(root, ".fiches", "historique", DOC)
            check("folder: versions under .fiches/historique/ beside content/",
                  os.path.isdir(d) and len([n for n in os.listdir(d) if n.endswith(".md")]) >= 4,
                  os.listdir(d) if os.path.isdir(d) else d)
    finally:
        srv.stop()


def git_project(tmp):
    """A repository holding content/, one more page staged (other work the
    saves leave alone)."""
    repo = project(CONTENT, tmp=tmp, name="avec-git")
    git_repository(repo, "content")
    with open(os.path.join(repo, "content", "pages", "nouvelle.md"), "w") as f:
        f.write("---\ntitle: Nouvelle\n---\nTexte.\n")
    git(repo, "add", "content/pages/nouvelle.md")
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write("public/\nserve.log\n")
    return repo


def main():
    folder_then_git("t_editor_history", scenario, lambda tmp: project(CONTENT, tmp=tmp, name="sans-git"),
                    git_project)


if __name__ == "__main__":
    main()
    finish()
