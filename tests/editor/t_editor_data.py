#!/usr/bin/env python3
"""Contacts, glossary entries and references, one at a time, in the writing workshop.

Round trip, over every entry of content/contacts.yaml, content/glossary.yaml,
every contacts.yaml and glossary.yaml of tests/fixtures/ and a hand-written
file in the shapes people write (indented list, quotes, comments inside an
entry, folded text), through POST /_edit/donnees/api/entree (the rewrite the
forms use, on a given text, nothing written):
  - every field set to its own value: the file comes back byte for byte;
  - every text field set to another value, every optional field removed,
    a missing field added: only lines of that entry change, every comment
    stays, and the entry reads back with exactly the asked values.
Then the forms over real HTTP on a copy of the TAT corpus: the list and the
form (fields from the descriptor), a save changing one entry only, a stale
form refused (409) with nothing written, adding an entry (sorted place in
the glossary), an id already taken, deleting an entry something refers to
refused with the referrers listed (file:line), deleting an unreferenced one,
the history of every change, and « Modifier » on a contact's page, on the
glossary page and on each glossary entry (?entree=ANCHOR) leading to their forms.

Prints "N passed, N failed[, N skipped]" last.
"""
import difflib
import glob
import functools
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_editor_http import Server, request, REPO, FICHES  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import fichestest  # noqa: E402
from fichestest import CONTENT, skip, finish  # noqa: E402

# A failed check shows at most 600 characters of its detail (whole pages, JSON).
check = functools.partial(fichestest.check, limit=600)

HAND = """# Contacts écrits à la main : liste indentée, guillemets, commentaires.

  - id: "premier"   # l'identifiant entre guillemets
    name: 'Premier contact'
    kind: organisation
    # un commentaire dans l'entrée
    description: >-
      Une description assez longue pour être repliée sur plusieurs lignes, écrite
      à la main avec des accents et des « guillemets ».

  # ---- une section ----
  - id: deuxieme
    name: Deuxième
    email: deux@example.org
"""


def post(srv, path, body, form=False):
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else None
    data = urllib.parse.urlencode(body).encode() if form else body
    st, h, raw = request(srv.port, "POST", path, data, origin="http://127.0.0.1:%d" % srv.port,
                         cookie="fiches_atelier=" + srv.key, headers=headers)
    return st, h, raw


def get(srv, path):
    return request(srv.port, "GET", path, cookie="fiches_atelier=" + srv.key)


def entry(srv, text, id_, values):
    st, _, raw = post(srv, "/_edit/donnees/api/entree", {"texte": text, "id": id_, "valeurs": values})
    try:
        return st, json.loads(raw)
    except ValueError:
        return st, {}


def entry_ranges(text):
    """Line ranges [start, end) of each entry, by its "- " line."""
    lines = text.split("\n")
    starts = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)- ", line)
        if m and (not starts or len(m.group(1)) == starts[0][1]):
            starts.append((i, len(m.group(1))))
    out = []
    for k, (i, _) in enumerate(starts):
        out.append((i, starts[k + 1][0] if k + 1 < len(starts) else len(lines)))
    return out


def changed_within(old, new, rng):
    """Only old lines within rng changed, and every comment line outside it is kept."""
    a, b = old.split("\n"), new.split("\n")
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal" and not (rng[0] <= i1 and i2 <= rng[1]):
            return False
    return True


def round_trip(srv, label, text):
    ranges = entry_ranges(text)
    ids = []
    for (s, _) in ranges:
        m = re.match(r"^\s*- id:\s*(.*?)\s*(#.*)?$", text.split("\n")[s])
        ids.append(m.group(1).strip("'\"") if m else None)
    total = same = other = removed = added = 0
    problems = []
    for rng, id_ in zip(ranges, ids):
        if not id_:
            continue
        st, r = entry(srv, text, id_, {})
        if st != 200:
            problems.append((id_, "read", r))
            continue
        fields = r["champs"]
        total += 1
        for name, value in fields.items():
            if name == "id":
                continue
            st, r = entry(srv, text, id_, {name: value})
            if st == 200 and r["texte"] == text:
                same += 1
            else:
                problems.append((id_, name, "own value changed the text"))
            if isinstance(value, str):
                new_value = value + " (modifié)" if "\n" not in value else value
                st, r = entry(srv, text, id_, {name: new_value})
                want = dict(fields, **{name: new_value})
                if st == 200 and changed_within(text, r["texte"], rng) and r["champs"] == want:
                    other += 1
                else:
                    problems.append((id_, name, "other value", st, r.get("erreur"), r.get("champs")))
            if name not in ("name", "expansion"):
                st, r = entry(srv, text, id_, {name: None})
                want = {k: v for k, v in fields.items() if k != name}
                if st == 200 and changed_within(text, r["texte"], rng) and r["champs"] == want:
                    removed += 1
                else:
                    problems.append((id_, name, "removal", st, r.get("erreur")))
        missing = "note" if "note" not in fields else "zz_test"
        st, r = entry(srv, text, id_, {missing: "Ajouté par le test."})
        if st == 200 and changed_within(text, r["texte"], rng) and r["champs"].get(missing) == "Ajouté par le test.":
            added += 1
        else:
            problems.append((id_, missing, "addition", st, r.get("erreur")))
    check("%s: round trip over %d entries (%d same-value, %d changed, %d removed, %d added fields)" %
          (label, total, same, other, removed, added), total > 0 and not problems, problems[:5])


def main():
    if not os.path.exists(FICHES):
        skip("t_editor_data", "no " + FICHES)
        return
    with Server.copy_of(CONTENT, templates=False, prefix="fiches-editor-data-") as srv:
        root = srv.root
        if not check("serve starts", srv.port and srv.key, srv.text()[-800:]):
            return
        files = [os.path.join(REPO, "content", n) for n in ("contacts.yaml", "glossary.yaml", "bibliography.yaml")]
        for n in ("contacts.yaml", "glossary.yaml", "bibliography.yaml"):
            files += sorted(glob.glob(os.path.join(REPO, "tests", "fixtures", "**", n), recursive=True))
        for path in files:
            with open(path, encoding="utf-8", newline="") as f:
                round_trip(srv, os.path.relpath(path, REPO), f.read())
        round_trip(srv, "hand-written file", HAND)
        st, r = entry(srv, HAND, "premier", {"name": "Premier contact modifié"})
        check("hand-written: quoting, comments and the indented list kept",
              st == 200 and r["texte"] == HAND.replace("name: 'Premier contact'", "name: Premier contact modifié"),
              r.get("texte"))
        st, r = entry(srv, "- {id: a, name: A}\n", "a", {"name": "B"})
        check("a flow mapping entry is refused with a French message, not rewritten",
              st == 422 and "accolades" in r.get("erreur", ""), (st, r))

        contacts = os.path.join(root, "content", "contacts.yaml")
        glossary = os.path.join(root, "content", "glossary.yaml")

        def read(p):
            with open(p, encoding="utf-8", newline="") as f:
                return f.read()

        # The list and the form.
        st, _, body = get(srv, "/_edit/donnees/contact/")
        check("the contacts list links every entry", st == 200 and body.count(b'href="/_edit/donnees/contact/') == 48,
              body.count(b'href="/_edit/donnees/contact/'))
        st, _, body = get(srv, "/_edit/donnees/contact/copiltat")
        page = body.decode()
        check("the form has a control per descriptor field, labelled in French",
              st == 200 and all('for="champ-%s"' % f in page for f in
                                ("id", "name", "kind", "organisation", "role", "description", "email", "phone",
                                 "address", "website", "note")) and "Personne ou organisation" in page, page[:400])
        check("the organisation is chosen from the contacts' names, not typed",
              '<select id="champ-organisation"' in page and ">Allo Mairie</option>" in page)
        base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)

        # A save changes that entry only.
        before = read(contacts)
        st, h, _ = post(srv, "/_edit/donnees/contact/copiltat",
                        {"base": base, "name": "Comité de pilotage TAT", "kind": "organisation"}, form=True)
        after = read(contacts)
        rng = [r for r in entry_ranges(before) if before.split("\n")[r[0]].endswith("id: copiltat")][0]
        check("a form save answers 303 to the form", st == 303 and "enregistre=1" in h.get("location", ""), (st, h))
        check("…changes that entry's name line only",
              after == before.replace("  name: Comité de pilotage TAT (CopilTAT)\n", "  name: Comité de pilotage TAT\n", 1) and
              changed_within(before, after, rng))
        # The same form again: its entry moved on.
        st, _, body = post(srv, "/_edit/donnees/contact/copiltat", {"base": base, "name": "Autre nom"}, form=True)
        check("a stale form is refused (409), nothing written",
              st == 409 and read(contacts) == after and "a changé" in body.decode(), st)
        st, _, body = post(srv, "/_edit/donnees/contact/copiltat", {"base": base, "name": ""}, form=True)
        check("a required field emptied is refused", st == 422 and read(contacts) == after, st)

        # Adding.
        st, h, _ = post(srv, "/_edit/donnees/nouveau/glossary",
                        {"id": "CCAS", "expansion": "Centre communal d’action sociale",
                         "definition": "Service de la commune qui aide les habitants en difficulté."}, form=True)
        g = read(glossary)
        ids = re.findall(r"^- id: (\S+)", g, re.M)
        check("a new glossary entry is added at its sorted place (the file is sorted by id, case aside)",
              st == 303 and "CCAS" in ids and ids == sorted(ids, key=str.lower), (st, ids[:8]))
        st, _, _ = post(srv, "/_edit/donnees/nouveau/glossary", {"id": "CCAS", "expansion": "Doublon"}, form=True)
        check("an id already taken is refused", st == 409 and read(glossary) == g, st)
        st, h, _ = post(srv, "/_edit/donnees/nouveau/contact",
                        {"id": "nouveau-contact", "name": "Nouveau contact", "kind": "person"}, form=True)
        c2 = read(contacts)
        check("a new contact is added at the end, the rest unchanged",
              st == 303 and c2.startswith(after) and c2.endswith("- id: nouveau-contact\n  name: Nouveau contact\n  kind: person\n"),
              c2[-200:])

        # Deleting.
        st, _, body = get(srv, "/_edit/donnees/contact/centre-social-agora")
        base = re.search(rb'name="base" value="([0-9a-f]+)"', body).group(1).decode()
        st, _, body = post(srv, "/_edit/donnees/contact/centre-social-agora/supprimer", {"base": base}, form=True)
        text = body.decode()
        check("deleting a contact others refer to is refused, referrers listed with their line",
              st == 409 and "content/actions/06-habitants-a-l-epreuve-des-trafics.md:11" in text and
              "content/contacts.yaml:" in text and read(contacts) == c2, (st, re.sub("<[^>]+>", " ", text)[-500:]))
        st, _, body = get(srv, "/_edit/donnees/contact/nouveau-contact")
        base = re.search(rb'name="base" value="([0-9a-f]+)"', body).group(1).decode()
        st, h, _ = post(srv, "/_edit/donnees/contact/nouveau-contact/supprimer", {"base": base}, form=True)
        check("deleting an entry nothing refers to removes exactly it", st == 303 and read(contacts) == after,
              (st, read(contacts)[-200:]))

        # History: every change kept, with a French message.
        d = os.path.join(root, ".fiches", "historique", "contacts.yaml")
        msgs = []
        for v in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if v.endswith(".txt"):
                with open(os.path.join(d, v), encoding="utf-8") as f:
                    msgs.append(f.read())
        nb = "\u202f"
        check("the history keeps every change of contacts.yaml with its message",
              msgs == ["Contacts\u202f: version d’origine",
                       "Contacts%s: modifier «%scopiltat%s» (nom)" % (nb, nb, nb),
                       "Contacts%s: ajouter «%snouveau-contact%s»" % (nb, nb, nb),
                       "Contacts%s: supprimer «%snouveau-contact%s»" % (nb, nb, nb)], msgs)
        versions = sorted(v for v in os.listdir(d) if v.endswith(".yaml")) if os.path.isdir(d) else []
        with open(os.path.join(d, versions[0]), encoding="utf-8", newline="") as f:
            check("…the original text first, byte for byte", f.read() == before)

        # The bibliography: the same forms, a list of authors (one a line) and a year.
        biblio = os.path.join(root, "content", "bibliography.yaml")
        st, _, body = get(srv, "/_edit/donnees/biblio/")
        nrefs = len(re.findall(r"^- id: ", read(biblio), re.M))
        check("the bibliography list links every reference",
              st == 200 and body.count(b'href="/_edit/donnees/biblio/') == nrefs, (st, nrefs))
        st, _, body = get(srv, "/_edit/donnees/biblio/alouti-2013")
        page = body.decode()
        check("a reference's form: authors one a line in a text area, the year, the title",
              st == 200 and '<textarea id="champ-authors"' in page and ">Fériel Alouti</textarea>" in page and
              'id="champ-year"' in page and 'value="2013"' in page and 'id="champ-title"' in page, page[:300])
        base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
        before = read(biblio)
        rng = [r for r in entry_ranges(before) if before.split("\n")[r[0]].endswith("id: alouti-2013")][0]
        for label, values in (("a year in letters", {"year": "deux mille treize"}),
                              ("a year out of range", {"year": "213"}),
                              ("the title emptied", {"title": " "})):
            st, _, body = post(srv, "/_edit/donnees/biblio/alouti-2013", dict(values, base=base), form=True)
            check("bibliography: %s is refused (422), nothing written" % label,
                  st == 422 and read(biblio) == before and "rien n’a été enregistré" in body.decode(), st)
        st, _, _ = post(srv, "/_edit/donnees/biblio/alouti-2013",
                        {"base": base, "authors": "Fériel Alouti\r\n  Jean Dupont \r\n\r\n", "year": "2014",
                         "title": "A Marseille des citoyens s'organisent pour comprendre le trafic de drogue"},
                        form=True)
        after = read(biblio)
        check("bibliography: authors and year saved on their own lines, the list's style kept, the rest byte for byte",
              st == 303 and after == before.replace("  authors: [Fériel Alouti]\n  title:",
                                                    "  authors: [Fériel Alouti, Jean Dupont]\n  title:", 1)
              .replace("  year: 2013\n  journal: Les Inrockuptibles", "  year: 2014\n  journal: Les Inrockuptibles", 1)
              and changed_within(before, after, rng), [l for l in after.split("\n") if "Alouti" in l or "2014" in l])
        st, h, _ = post(srv, "/_edit/donnees/nouveau/biblio",
                        {"id": "Dupont 2020", "title": "Un titre"}, form=True)
        check("bibliography: an id with capitals and a space is refused (422)", st == 422 and read(biblio) == after, st)
        st, h, _ = post(srv, "/_edit/donnees/nouveau/biblio",
                        {"id": "dupont-2020", "authors": "Jean Dupont\nMarie Durand", "title": "Un titre",
                         "year": "2020", "publisher": "Éditions du quartier"}, form=True)
        b2 = read(biblio)
        ids = re.findall(r"^- id: (\S+)", b2, re.M)
        check("bibliography: a new reference is added at its sorted place, authors as a list, year a number",
              st == 303 and ids == sorted(ids) and "dupont-2020" in ids and
              "- id: dupont-2020\n  authors: [Jean Dupont, Marie Durand]\n  title: Un titre\n  year: 2020\n"
              "  publisher: Éditions du quartier\n\n- id: duport-2011\n" in b2,
              (st, b2[b2.find("dupont-2020") - 5:][:200]))
        st, _, body = get(srv, "/_edit/donnees/biblio/roche-2013")
        base = re.search(rb'name="base" value="([0-9a-f]+)"', body).group(1).decode()
        st, _, body = post(srv, "/_edit/donnees/biblio/roche-2013/supprimer", {"base": base}, form=True)
        check("bibliography: deleting a reference still cited is refused, the citing chapters listed",
              st == 409 and "content/guide/10-impact-des-actions.md:63" in body.decode() and read(biblio) == b2,
              (st, re.findall(r"content/[^<]*", body.decode())[:6]))
        st, h, _ = get(srv, "/_edit/ouvrir/bibliographie.html?entree=roche-2013")
        check("« Modifier » on a reference of the bibliography page opens its form",
              st == 303 and h.get("location") == "/_edit/donnees/biblio/roche-2013", (st, h.get("location")))
        r = subprocess.run([FICHES, "check", "-C", root], capture_output=True, text=True,
                           env=dict(os.environ, LANG="C", LC_ALL="C"))
        check("bibliography: `fiches check` reads the edited file without error", r.returncode == 0, r.stderr[-500:])

        # « Modifier » on the site's pages of entries.
        st, h, _ = get(srv, "/_edit/ouvrir/contacts/copiltat.html")
        check("« Modifier » on a contact's page opens its form",
              st == 303 and h.get("location") == "/_edit/donnees/contact/copiltat", (st, h.get("location")))
        st, h, _ = get(srv, "/_edit/ouvrir/glossaire.html")
        check("« Modifier » on the glossary opens its entries",
              st == 303 and h.get("location") == "/_edit/donnees/glossary/", (st, h.get("location")))
        # Each entry of a list page has its own « Modifier » (?entree=ANCHOR, the entry's id on the page).
        st, h, _ = get(srv, "/_edit/ouvrir/glossaire.html?entree=ars")
        check("« Modifier » on a glossary entry opens THAT entry's form",
              st == 303 and h.get("location") == "/_edit/donnees/glossary/ARS", (st, h.get("location")))
        st, h, _ = get(srv, "/_edit/ouvrir/glossaire.html?entree=ccas")
        check("…an entry added since the last build is found too once rebuilt, else the list",
              st == 303 and h.get("location") in ("/_edit/donnees/glossary/CCAS", "/_edit/donnees/glossary/"),
              (st, h.get("location")))
        st, h, _ = get(srv, "/_edit/ouvrir/glossaire.html?entree=nexiste-pas")
        check("…an unknown anchor opens the list",
              st == 303 and h.get("location") == "/_edit/donnees/glossary/", (st, h.get("location")))
        st, _, body = request(srv.port, "GET", "/glossaire.html")
        anchors = re.findall(rb'<dt id="([^"]+)"', body)
        sigles = set(re.findall(r"^- id: (\S+)", read(glossary), re.M))
        bad = []
        for a in anchors:
            st, h, _ = get(srv, "/_edit/ouvrir/glossaire.html?entree=" + a.decode())
            loc = h.get("location", "")
            sig = urllib.parse.unquote(loc.rsplit("/", 1)[-1])
            if st != 303 or not loc.startswith("/_edit/donnees/glossary/") or sig not in sigles:
                bad.append((a, st, loc))
        check("every entry of the built glossary page maps to its own form (%d)" % len(anchors),
              len(anchors) > 40 and not bad, bad[:3])
        st, _, body = request(srv.port, "GET", "/contacts/")
        check("the snippet that adds the per-entry links is on the served pages (not on disk)",
              b"fiches-modifier-entree" in body and b"entree=" in body and
              b"fiches-modifier-entree" not in open(os.path.join(root, "public", "glossaire.html"), "rb").read())
        deadline = time.time() + 30
        ok = False
        while time.time() < deadline and not ok:
            st, _, body = request(srv.port, "GET", "/contacts/copiltat.html")
            ok = st == 200 and "Comité de pilotage TAT<".encode() in body and b'a.id = "fiches-modifier"' in body
            time.sleep(0.2)
        check("the contact's page is rebuilt with the change and carries the « Modifier » link", ok)
        st, _, body = get(srv, "/_edit/")
        check("the workshop's index links the contacts and the glossary",
              b'href="/_edit/donnees/contact/"' in body and b'href="/_edit/donnees/glossary/"' in body)


if __name__ == "__main__":
    main()
    finish()
