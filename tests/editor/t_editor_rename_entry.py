#!/usr/bin/env python3
"""Giving a contact or a glossary entry a new id in the writing workshop.

On a copy of the TAT corpus served by `fiches serve --no-pdf`, over real
HTTP, as a coordinator would, mistakes included:
  - « Voir les changements… » on copiltat lists every line that will change
    (the entry's `id:` line, fiches' `carrier:`/`contacts:`, `contact:` links
    in bodies, the leaflet's panel `contacts:` list) and writes nothing;
  - an id already taken, an empty id, spaces and accents in a contact's id,
    the same id, an entry that does not exist: refused with a French sentence,
    nothing written;
  - « Appliquer » with the versions shown: exactly the listed lines change
    (in contacts.yaml, only that entry's id line), no reference to the old
    id is left, `fiches check` is clean, the history keeps one version of
    every file under one message, the browser lands on the renamed entry's
    form, and the served site gets the contact's new page;
  - a file changed between the preview and « Appliquer »: refused (409),
    nothing written;
  - a glossary sigle: the `glossary:` links and the sigle written in the
    texts (which the build marks up) follow, code spans do not; a sigle
    already taken is refused;
  - deleting an entry still referenced is refused with the referrers listed,
    the leaflet's panel among them.

Prints "N passed, N failed[, N skipped]" last.
"""
import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_editor_http import Server, request, REPO, FICHES  # noqa: E402
from t_editor_data import post, get  # noqa: E402


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import skip, finish, tree  # noqa: E402

# A failed check shows at most 800 characters of its detail (whole pages).
check = functools.partial(fichestest.check, limit=800)


def alert(body):
    m = re.search(r'role="alert">([^<]*)', body.decode())
    return html.unescape(m.group(1)) if m else ""


def rows(body):
    """The changes table: [(file, line, before, after)] as text."""
    out = []
    for tr in re.findall(r"<tr><td class=\"chemin\">(.*?)</tr>", body.decode(), re.S):
        cells = re.findall(r"<td>(.*?)</td>", "<td>" + tr.split("</td>", 1)[0] + "</td>" + tr.split("</td>", 1)[1], re.S)
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]
        out.append((cells[0], int(cells[1]), cells[2], cells[3]))
    return out


def hidden(body, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, body.decode())
    return html.unescape(m.group(1)) if m else None


def changed_lines(before, after):
    """{file: [(line, old, new)]} for files of the same line count."""
    out = {}
    for f in sorted(set(before) | set(after)):
        a, b = before.get(f), after.get(f)
        if a == b:
            continue
        if a is None or b is None:
            out[f] = "added or removed"
            continue
        la, lb = a.decode().split("\n"), b.decode().split("\n")
        if len(la) != len(lb):
            out[f] = "line count changed"
            continue
        out[f] = [(i + 1, x, y) for i, (x, y) in enumerate(zip(la, lb)) if x != y]
    return out


def main():
    if not os.path.exists(FICHES):
        skip("t_editor_rename_entry", "no " + FICHES)
        return
    tmp = tempfile.mkdtemp(prefix="fiches-editor-rename-entry-")
    root = os.path.join(tmp, "projet")
    os.mkdir(root)
    content = os.path.join(root, "content")
    shutil.copytree(os.path.join(REPO, "content"), content)
    # A code span naming the sigle: text the build does not mark up, never rewritten.
    extra = os.path.join(content, "pages", "credits.md")
    with open(extra, "a", encoding="utf-8") as f:
        f.write("\nLe sigle s’écrit `CLSPD` dans les exemples.\n")
    srv = Server(root)
    try:
        if not check("serve starts", srv.port and srv.key, srv.text()[-800:]):
            return
        url = "/_edit/donnees/contact/copiltat"
        st, _, body = get(srv, url)
        check("the entry's form offers « Changer l’identifiant »",
              st == 200 and 'action="%s/renommer"' % url in body.decode() and 'id="renommer-nouvel"' in body.decode())

        # The coordinator's mistakes: nothing is written.
        before = tree(content)
        for label, new, want in (
                ("an id already taken (another contact)", "reseaux-13", 409),
                ("an empty id", "   ", 422),
                ("spaces and accents in a contact's id", "Comité pilotage", 422),
                ("the same id", "copiltat", 422),
                ("an id YAML would read as a value", "null", 422),
                ("an id made of digits only", "2016", 422)):
            st, _, body = post(srv, url + "/renommer", {"nouvel": new}, form=True)
            check("%s is refused (%d) with a French sentence" % (label, want),
                  st == want and bool(alert(body)), (st, alert(body)))
        st, _, body = post(srv, "/_edit/donnees/contact/nexiste-pas/renommer", {"nouvel": "autre"}, form=True)
        check("an entry that does not exist: 404", st == 404, st)
        check("…and none of these wrote anything", tree(content) == before)

        # The preview.
        st, _, body = post(srv, url + "/renommer", {"nouvel": " comite-de-pilotage-tat "}, form=True)
        table = rows(body)
        files = {r[0] for r in table}
        check("the preview lists the changes (200), nothing written",
              st == 200 and tree(content) == before and len(table) >= 10, (st, len(table), alert(body)))
        check("…the entry's own id line",
              ("content/contacts.yaml", 8, "- id: copiltat", "- id: comite-de-pilotage-tat") in table,
              [r for r in table if r[0] == "content/contacts.yaml"])
        check("…fiches' carrier: and contacts: lines",
              ("content/actions/10-dispositif-de-veille.md", 10, "carrier: copiltat",
               "carrier: comite-de-pilotage-tat") in table and
              any(r[0] == "content/actions/10-dispositif-de-veille.md" and r[1] == 11 for r in table))
        check("…contact: links in the bodies of fiches and pages",
              {"content/actions/09-soutien-aux-familles-et-proches.md", "content/pages/la-demarche-tat.md",
               "content/pages/credits.md"} <= files, sorted(files))
        check("…the leaflet's panel contacts: list",
              any(r[0] == "content/booklets/plaquette.yaml" and "contacts: [comite-de-pilotage-tat," in r[3]
                  for r in table), sorted(files))
        versions = hidden(body, "versions")
        check("the confirmation carries the shown files' versions and the new id",
              versions and set(json.loads(versions)) == {f[len("content/"):] for f in files} and
              hidden(body, "nouvel") == "comite-de-pilotage-tat", versions)

        # A file moving on after the preview: refused.
        fiche = os.path.join(content, "actions", "09-soutien-aux-familles-et-proches.md")
        with open(fiche, "a", encoding="utf-8") as f:
            f.write("\nUne ligne ajoutée ailleurs pendant l’aperçu.\n")
        moved = tree(content)
        st, _, body = post(srv, url + "/renommer",
                           {"nouvel": "comite-de-pilotage-tat", "appliquer": "1", "versions": versions}, form=True)
        check("a file changed since the preview: refused (409), the file named, nothing written",
              st == 409 and "09-soutien" in alert(body) and tree(content) == moved, (st, alert(body)))

        # Preview again, then apply.
        st, _, body = post(srv, url + "/renommer", {"nouvel": "comite-de-pilotage-tat"}, form=True)
        table = rows(body)
        versions = hidden(body, "versions")
        before = tree(content)
        st, h, body = post(srv, url + "/renommer",
                           {"nouvel": "comite-de-pilotage-tat", "appliquer": "1", "versions": versions}, form=True)
        check("« Appliquer » answers 303 to the renamed entry's form",
              st == 303 and h.get("location") == "/_edit/donnees/contact/comite-de-pilotage-tat?renomme=1",
              (st, h.get("location"), alert(body)))
        after = tree(content)
        diff = changed_lines(before, after)
        listed = {(r[0][len("content/"):], r[1], r[2], r[3]) for r in table}
        actual = {(f, ln, a, b) for f, v in diff.items() if isinstance(v, list) for (ln, a, b) in v}
        check("exactly the listed lines changed, nothing else", actual == listed and
              all(isinstance(v, list) for v in diff.values()),
              (sorted(actual ^ listed)[:6], {f: v for f, v in diff.items() if not isinstance(v, list)}))
        check("in contacts.yaml only the entry's own id line changed",
              [x[1:] for x in diff.get("contacts.yaml", [])] == [("- id: copiltat", "- id: comite-de-pilotage-tat")],
              diff.get("contacts.yaml"))
        left = [f for f, b in after.items() if f.endswith((".md", ".yaml")) and
                re.search(rb"contact:copiltat\b|carrier: copiltat\b|\[copiltat\b|- id: copiltat\b", b)]
        check("no reference to the old id is left", not left, left)
        r = subprocess.run([FICHES, "check", "-C", root], capture_output=True, text=True,
                           env=dict(os.environ, LANG="C", LC_ALL="C"))
        check("`fiches check` is clean after the rename", r.returncode == 0 and ": error:" not in r.stderr,
              (r.returncode, r.stderr[-600:]))
        st, _, body = get(srv, "/_edit/donnees/contact/comite-de-pilotage-tat?renomme=1")
        check("the entry's form says the id changed", st == 200 and "Identifiant changé" in body.decode(), st)
        hist = os.path.join(root, ".fiches", "historique")
        msgs = set()
        for d, _, fs in os.walk(hist):
            for f in fs:
                if f.endswith(".txt"):
                    with open(os.path.join(d, f), encoding="utf-8") as fh:
                        msgs.add((os.path.relpath(d, hist), fh.read()))
        nb, nn = "\u202f", "\u202f"
        want = "Contacts%s: renommer «%scopiltat%s» en «%scomite-de-pilotage-tat%s» (%d références mises à jour)" % (
            nb, nn, nn, nn, nn, len(listed) - 1)
        kept = {d for d, m in msgs if m == want}
        check("the history keeps every changed file under one French message",
              kept == set(diff), (want, sorted(msgs)[:4], sorted(kept ^ set(diff))[:4]))
        deadline = time.time() + 60
        ok = False
        while time.time() < deadline and not ok:
            st, _, page = request(srv.port, "GET", "/contacts/comite-de-pilotage-tat.html")
            ok = st == 200 and "Comité de pilotage TAT".encode() in page
            time.sleep(0.3)
        check("the served site is rebuilt with the contact's new page", ok)

        # Deleting an entry still referenced: refused with the referrers, the leaflet among them.
        st, _, body = get(srv, "/_edit/donnees/contact/reseaux-13")
        base = re.search(rb'name="base" value="([0-9a-f]+)"', body).group(1).decode()
        before = tree(content)
        st, _, body = post(srv, "/_edit/donnees/contact/reseaux-13/supprimer", {"base": base}, form=True)
        check("deleting a contact still referenced is refused, the leaflet's panel listed",
              st == 409 and "content/booklets/plaquette.yaml:94" in body.decode() and tree(content) == before,
              (st, re.findall(r"content/[^<]*", body.decode())[:12]))

        # A glossary sigle: links and the sigle in the texts follow.
        gurl = "/_edit/donnees/glossary/CLSPD"
        st, _, body = post(srv, gurl + "/renommer", {"nouvel": "ARS"}, form=True)
        check("a sigle already taken is refused (409)", st == 409 and "déjà pris" in alert(body), (st, alert(body)))
        st, _, body = post(srv, gurl + "/renommer", {"nouvel": "CLS PD"}, form=True)
        check("a sigle with a space is refused (422)", st == 422 and alert(body), (st, alert(body)))
        st, _, body = post(srv, gurl + "/renommer", {"nouvel": "CLSPD-13"}, form=True)
        table = rows(body)
        check("the preview of a sigle lists its uses in the texts", st == 200 and len(table) >= 3,
              (st, alert(body), table[:3]))
        versions = hidden(body, "versions")
        before = tree(content)
        st, h, _ = post(srv, gurl + "/renommer", {"nouvel": "CLSPD-13", "appliquer": "1", "versions": versions},
                        form=True)
        after = tree(content)
        words_left = [f for f, b in after.items() if f.endswith(".md") and re.search(rb"\bCLSPD\b(?!-13)", b)]
        check("…applied: the sigle follows in every text (no CLSPD left but the code span)",
              st == 303 and words_left == ["pages/credits.md"] and
              b"`CLSPD`" in after["pages/credits.md"] and b"- id: CLSPD-13\n" in after["glossary.yaml"],
              (st, words_left))
        diff = changed_lines(before, after)
        check("…the glossary file changed on that entry's id line only (and sigles in other entries' texts)",
              all(isinstance(v, list) for v in diff.values()) and
              ("- id: CLSPD", "- id: CLSPD-13") in [x[1:] for x in diff.get("glossary.yaml", [])] and
              all("CLSPD" in a and a.replace("CLSPD", "CLSPD-13") == b for _, a, b in diff.get("glossary.yaml", [])),
              diff.get("glossary.yaml"))
        r = subprocess.run([FICHES, "check", "-C", root], capture_output=True, text=True,
                           env=dict(os.environ, LANG="C", LC_ALL="C"))
        check("`fiches check` is clean after the sigle's rename", r.returncode == 0, r.stderr[-600:])
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    finish()
