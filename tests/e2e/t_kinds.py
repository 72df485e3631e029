#!/usr/bin/env python3
"""Kinds of content: a project's own kind, and what French speakers type.

A kind a project adds (issue 14, item 1): tests/fixtures/kind-extra laid
over tests/fixtures/basic declares « fiche-ressource » in one descriptor
(content/kinds/ressource.yaml) and brings its two templates; the build
makes its pages and list, resolves ressource:N links both ways, indexes it
for search, writes its PDFs and lists it in site.json; `fiches new` makes
one from the descriptor; mistakes in a descriptor are one error each.

What the documentation shows and what French speakers type (issue 13, item 7).

On copies of tests/fixtures/basic: booklet `include` items written as bare
list items (`- glossary`, `- contacts`, `- bibliography`, `- actions`) build
like their mapping forms; enumerated values typed in French (`status:
terminée`, `En élaboration`, `en cours`, `kind: personne`, `Organisation`)
are read as their ids, on the pages and in site.json; an unknown value is
still one error at its line, naming the valid ids.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, check, finish  # noqa: E402

EXTRA = os.path.join(ROOT, "tests", "fixtures", "kind-extra")


def run(args):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")
    p = subprocess.run([FICHES] + args, capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout + p.stderr


def project(extra=False):
    d = tempfile.mkdtemp(prefix="fiches-kinds-")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(d, "content"))
    if extra:
        shutil.copytree(os.path.join(EXTRA, "content"), os.path.join(d, "content"),
                        dirs_exist_ok=True)
        shutil.copytree(os.path.join(EXTRA, "templates"), os.path.join(d, "templates"))
    return d


def edit(proj, rel, old, new):
    path = os.path.join(proj, "content", rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, (rel, old)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def checked(*edits, extra=False):
    """`fiches check` of a fresh project (with the extra kind) after each
    edit (rel, old, new): its status and output."""
    proj = project(extra)
    for rel, old, new in edits:
        edit(proj, rel, old, new)
    rc, out = run(["check", "-C", proj])
    shutil.rmtree(proj)
    return rc, out


def read(proj, rel):
    with open(os.path.join(proj, "public", rel), encoding="utf-8") as f:
        return f.read()


# ---- Booklet items written as DESIGN.md shows them --------------------------
proj = project()
with open(os.path.join(proj, "content", "booklets", "atelier.yaml"), "w", encoding="utf-8") as f:
    f.write("title: Atelier habitants\nformat: a5\ninclude:\n"
            "  - pages: [la-demarche]\n  - actions\n  - themes: [cadre-de-vie]\n"
            "  - glossary\n  - contacts\n  - bibliography\n")
rc, out = run(["check", "-C", proj])
check("bare '- glossary', '- contacts', '- bibliography', '- actions' are accepted", rc == 0, out)
check("no 'must be true or false' for a bare item", "true or false" not in out, out)
rc, out = run(["booklet", "atelier", "-C", proj, "-o", os.path.join(proj, "atelier.pdf")])
check("the booklet with bare items builds", rc == 0, out)
text = subprocess.run(["pdftotext", os.path.join(proj, "atelier.pdf"), "-"],
                      capture_output=True, text=True).stdout if rc == 0 else ""
check("bare '- actions' includes every action", all(t in text for t in
      ("Atelier des habitants", "Maraude de réduction des risques", "Dispositif de veille")), text[:300])
check("bare '- contacts' and '- bibliography' give their appendices",
      "Contacts" in text and "Bibliographie" in text, text[-500:])
# The mapping forms still work, and false still leaves an appendix out.
with open(os.path.join(proj, "content", "booklets", "atelier.yaml"), "w", encoding="utf-8") as f:
    f.write("title: Atelier\ninclude:\n  - actions: all\n  - glossary: true\n"
            "  - contacts:\n  - bibliography: false\n")
rc, out = run(["check", "-C", proj])
check("mapping forms (true, empty, false) are accepted", rc == 0, out)
with open(os.path.join(proj, "content", "booklets", "atelier.yaml"), "w", encoding="utf-8") as f:
    f.write("title: Atelier\ninclude:\n  - actions\n  - glossary: oui\n")
rc, out = run(["check", "-C", proj])
check("'glossary: oui' is still refused with its line", rc != 0 and
      re.search(r"booklets/atelier.yaml:4:\d+: error: 'glossary' must be true or false", out), out)
shutil.rmtree(proj)

# ---- Enumerated values typed in French ----------------------------------------
proj = project()
edit(proj, "actions/02-maraude.md", "status: en-elaboration", "status: En élaboration")
edit(proj, "actions/03-veille.md", "publics: [habitants]", "publics: [habitants]\nstatus: terminée")
edit(proj, "actions/01-atelier-habitants.md", "status: active", "status: en cours")
edit(proj, "contacts.yaml", "kind: person", "kind: personne")
edit(proj, "contacts.yaml", "kind: organisation", "kind: Organisation")
rc, out = run(["build", "-C", proj, "--no-pdf"])
check("French spellings of status and contact kind build without a message", rc == 0 and
      "warning" not in out and "error" not in out, out)
if rc == 0:
    site = json.loads(read(proj, "site.json"))
    status = {a["id"]: a.get("status") for a in site["actions"]}
    check("« terminée » is read as terminee", status.get("veille") == "terminee", str(status))
    check("« En élaboration » is read as en-elaboration",
          status.get("maraude") == "en-elaboration", str(status))
    check("« en cours » is read as active", status.get("atelier-habitants") == "active", str(status))
    kinds = {c["id"]: c.get("kind") for c in site["contacts"]}
    check("« personne » is read as person", kinds.get("marie-durand") == "person", str(kinds))
    check("« Organisation » is read as organisation",
          kinds.get("centre-social-nord") == "organisation", str(kinds))
    page = read(proj, "fiches-actions/veille.html")
    check("the page shows the label « Terminée »", "Terminée" in page)
shutil.rmtree(proj)

rc, out = checked(("actions/03-veille.md", "publics: [habitants]", "publics: [habitants]\nstatus: suspendue"),
                  ("contacts.yaml", "kind: person", "kind: chat"))
check("an unknown status is one error at its line",
      rc != 0 and re.search(r"actions/03-veille.md:8:9: error: unknown status 'suspendue'", out), out)
check("an unknown contact kind is one error at its line",
      re.search(r"contacts.yaml:\d+:\d+: error: unknown contact kind 'chat'", out), out)
check("one message per mistake", out.count("error:") == 2, out)

# ---- A kind the project adds: one descriptor and its templates -----------------
proj = project(extra=True)
with open(os.path.join(proj, "content", "site.yaml"), "a", encoding="utf-8") as f:
    f.write("menus:\n  main:\n    - {label: La démarche, href: \"page:la-demarche\"}\n"
            "    - {label: Ressources, href: ressources}\n")
rc, out = run(["build", "-C", proj])
check("the fixture with « fiche-ressource » builds without a message", rc == 0 and
      "warning" not in out and "error" not in out, out)
if rc == 0:
    page = read(proj, "fiches-ressources/temoignages.html")
    check("its page uses its own template", 'class="fiche fiche-ressource"' in page, page[:200])
    check("its label and number", "Fiche-ressource 2" in page)
    check("an enum value typed as its label (« Vidéo ») shows its label", "· Vidéo</p>" in page)
    check("front-matter references to actions, by number and by slug",
          'href="../fiches-actions/atelier-habitants.html"' in page and
          'href="../fiches-actions/veille.html"' in page)
    check("ressource:1 in its body is resolved", '<a href="guide-pratique.html">fiche 1</a>' in page)
    check("backlinks from the page that links it", "../pages/ressources-utiles.html" in page)
    check("previous and next within the kind", 'rel="prev"' in page)
    links = read(proj, "pages/ressources-utiles.html")
    check("an empty link text becomes « Fiche-ressource 1 · Titre »",
          ">Fiche-ressource 1 · Guide pratique de la médiation de nuit</a>" in links, links[-800:])
    check("a link to a section of it", 'href="../fiches-ressources/temoignages.html#pour-l-atelier"' in links)
    lst = read(proj, "fiches-ressources/index.html")
    check("its list page", "<h1>Fiches-ressources</h1>" in lst and lst.count('class="carte"') == 2)
    check("the menu reaches the list page", 'href="../fiches-ressources/index.html"' in links)
    site = json.loads(read(proj, "site.json"))
    res = {r["id"]: r for r in site.get("ressources", [])}
    check("site.json lists the kind under its directory's name",
          sorted(res) == ["guide-pratique", "temoignages"], str(list(site)))
    check("site.json: refs and the enum stored as its id",
          res.get("temoignages", {}).get("refs") == ["action:atelier-habitants", "action:veille"] and
          res["temoignages"].get("fields", {}).get("support") == "video", str(res.get("temoignages")))
    maraude = [a for a in site["actions"] if a["id"] == "maraude"][0]
    check("the action named in its front matter cites it back",
          "ressource:guide-pratique" in maraude["cited_by"], str(maraude["cited_by"]))
    # The index and its parts (the records' titles are in the text fragments).
    parts = os.path.join(proj, "public", "assets", "recherche")
    index = read(proj, "assets/recherche-index.js") + "".join(
        read(proj, "assets/recherche/" + f) for f in sorted(os.listdir(parts)))
    check("search: the kind's label and its documents are indexed",
          '"Fiche-ressource"' in index and "Témoignages d’habitants" in index or
          "Témoignages d'habitants" in index)
    check("search: the descriptor's weight goes to the index (search: 2, fiches 6, bibliography 1)",
          '"weights":[6,6,6,4,3,3,1,2]' in index, index[:300])
    check("its own PDF per document", os.path.exists(os.path.join(
        proj, "public", "pdf", "ressource-1-guide-pratique.pdf")))
    text = subprocess.run(["pdftotext", os.path.join(proj, "public", "pdf",
                           "ressource-2-temoignages.pdf"), "-"], capture_output=True, text=True).stdout
    check("the PDF's kicker names the kind", "FICHE-RESSOURCE 2" in text, text[:200])
rc, out = run(["new", "ressource", "Un jeu de cartes", "-C", proj])
new_file = os.path.join(proj, "content", "ressources", "03-un-jeu-de-cartes.md")
check("fiches new makes a document of the project's kind", rc == 0 and os.path.exists(new_file), out)
if os.path.exists(new_file):
    with open(new_file, encoding="utf-8") as f:
        text = f.read()
    check("scaffolded from the descriptor's fields",
          "number: 3\n" in text and "support: livre\n" in text and "actions: []\n" in text and
          "publics: []\n" in text, text)
    os.remove(new_file)
rc, out = run(["new", "ressourse", "Un jeu", "-C", proj])
check("fiches new names the kinds it makes, the project's included",
      rc == 2 and "makes one of these kinds: action, theme, ressource; not 'ressourse'" in out, out)
shutil.rmtree(proj)

rc, out = checked(("kinds/ressource.yaml", "type: enum", "type: enm"),
                  ("kinds/ressource.yaml", "ref: action,", "ref: actoin,"), extra=True)
check("a mistaken field type is one error with a suggestion",
      re.search(r"kinds/ressource.yaml:16:11: error: unknown field type 'enm' \(did you mean 'enum'\?\)", out), out)
check("a reference to an unknown kind is one error with a suggestion",
      re.search(r"kinds/ressource.yaml:26:\d+: error: unknown kind 'actoin' \(did you mean 'action'\?\)", out), out)
check("a mistaken field keeps its kind: no error follows from it", out.count("error:") == 2, out)
rc, out = checked(("kinds/ressource.yaml", "label: Fiche-ressource", "label: [Fiche-ressource]"), extra=True)
check("a kind whose description is wrong is one error; links to it are not reported again",
      rc != 0 and re.search(r"kinds/ressource.yaml:2:8: error: field 'label' must be text, not a list", out)
      and out.count("error:") == 1, out)
rc, out = checked(("pages/ressources-utiles.md", "(ressource:1)", "(ressource:9)"), extra=True)
check("a link to a missing document of the kind is one error",
      rc != 0 and re.search(r"pages/ressources-utiles.md:5:\d+: error: unknown fiche-ressource '9'", out)
      and out.count("error:") == 1, out)

finish()
