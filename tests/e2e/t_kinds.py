#!/usr/bin/env python3
"""What the documentation shows and what French speakers type (issue 13, item 7).

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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FICHES = os.environ.get("FICHES", os.path.join(ROOT, "build", "fiches"))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "basic")

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def run(args):
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")
    p = subprocess.run([FICHES] + args, capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout + p.stderr


def project():
    d = tempfile.mkdtemp(prefix="fiches-kinds-")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(d, "content"))
    return d


def edit(proj, rel, old, new):
    path = os.path.join(proj, "content", rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, (rel, old)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


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

proj = project()
edit(proj, "actions/03-veille.md", "publics: [habitants]", "publics: [habitants]\nstatus: suspendue")
edit(proj, "contacts.yaml", "kind: person", "kind: chat")
rc, out = run(["check", "-C", proj])
check("an unknown status is one error at its line",
      rc != 0 and re.search(r"actions/03-veille.md:8:9: error: unknown status 'suspendue'", out), out)
check("an unknown contact kind is one error at its line",
      re.search(r"contacts.yaml:\d+:\d+: error: unknown contact kind 'chat'", out), out)
check("one message per mistake", out.count("error:") == 2, out)
shutil.rmtree(proj)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
