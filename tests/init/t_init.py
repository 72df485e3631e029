#!/usr/bin/env python3
"""`fiches init DIR`: a new project that builds cleanly at once.

Writes a project into a new directory (missing parents made), checks that
it holds skeleton/ byte for byte and no templates/, that `fiches build
--strict` and `fiches check --strict` pass with no warning and publish each
example (pages, PDFs of the booklet, imposed too), that site.yaml explains
each of its keys in a comment; that an empty directory is accepted, and a
non-empty directory or a file refused with nothing written; and that the
messages are French with the French catalogue.
"""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, check, fiches, finish, read, require_built, tree  # noqa: E402

BUILD = os.path.dirname(FICHES)
SKELETON = os.path.join(ROOT, "skeleton")


def run(args, french=False):
    """The program in C.UTF-8; in French, from the build's catalogue, with french."""
    env = {"LC_ALL": "C.UTF-8"}
    if french:
        env.update(LANGUAGE="fr", FICHES_LOCALEDIR=os.path.join(BUILD, "locale"))
    return fiches(*args, env=env)


def main():
    tmp = tempfile.mkdtemp(prefix="fiches-init-")
    proj = os.path.join(tmp, "associations", "mon-site")
    rc, out, err = run(["init", proj])
    written = tree(proj)
    check("init into a new directory (its parent made too): exit 0", rc == 0, err)
    check("the project is skeleton/, byte for byte, and has no templates/",
          written == tree(SKELETON) and not os.path.exists(os.path.join(proj, "templates")),
          str(sorted(written)))
    kinds = ["content/site.yaml", "content/contacts.yaml", "content/glossary.yaml",
             "content/bibliography.yaml"]
    check("site.yaml, contacts, glossary, bibliography; one document of each kind; a booklet",
          all(k in written for k in kinds) and
          all(any(p.startswith(f"content/{d}/") and p.endswith(".md") for p in written)
              for d in ("actions", "themes", "guide", "pages")) and
          any(p.startswith("content/booklets/") for p in written), str(sorted(written)))
    check("it names every file it created and the next steps",
          all(os.path.join(proj, p) in out for p in written) and "fiches serve -C " + proj in out
          and "fiches build -C " + proj in out and "fiches publish" in out, out)

    rc, _, err = run(["build", "--strict", "-C", proj])
    check("fiches build --strict: exit 0 and not one warning", rc == 0 and "warning" not in err, err)
    pub = os.path.join(proj, "public")
    expect = ["fiches-actions/jardin-partage.html", "fiches-thematiques/lien-entre-voisins.html",
              "guide/presentation.html", "pages/la-demarche.html", "contacts/index.html",
              "glossaire.html", "bibliographie.html", "pdf/livret-atelier.pdf",
              "pdf/livret-atelier-imposee.pdf", "print/livret-atelier.html"]
    missing = [p for p in expect if not os.path.isfile(os.path.join(pub, p))]
    check("every example is published, with its booklet (imposed too)", not missing, str(missing))
    page = read(os.path.join(pub, "fiches-actions", "jardin-partage.html"))
    check("the fiche-action's links resolve (theme, contact, bibliography, sigle)",
          "lien-entre-voisins.html" in page and "Camille Martin" in page and "Paugam" in page
          and "<abbr" in page, page[:300])
    rc, _, err = run(["check", "--strict", "-C", proj])
    check("fiches check --strict: no errors, 0 warnings", rc == 0 and "0 warnings" in err, err)

    with open(os.path.join(proj, "content", "site.yaml"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    unexplained = []
    for i, line in enumerate(lines):
        m = re.match(r"^([a-z_]+):", line)
        if m and not any(lines[j].startswith("#") for j in range(max(0, i - 3), i)):
            unexplained.append(m.group(1))
    check("site.yaml: a comment explains each key", not unexplained, str(unexplained))
    text = "\n".join(lines)
    check("site.yaml's comments are French, with typographic apostrophes",
          "# Le nom du site" in text and "’" in text and "'" not in "".join(
              l for l in lines if l.startswith("#")))

    # Refusals: nothing written, nothing changed.
    full = os.path.join(tmp, "plein")
    os.makedirs(full)
    with open(os.path.join(full, "notes.txt"), "w") as f:
        f.write("à garder\n")
    rc, out, err = run(["init", full])
    check("init into a non-empty directory: refused (exit 1), nothing written",
          rc == 1 and os.listdir(full) == ["notes.txt"] and f"{full}: error:" in err
          and "not empty" in err, err)
    rc, out, err = run(["init", proj])
    check("init over an existing project: refused, the project unchanged",
          rc == 1 and tree(proj).keys() >= written.keys()
          and all(tree(proj)[p] == written[p] for p in written), err)
    a_file = os.path.join(tmp, "fichier")
    with open(a_file, "w") as f:
        f.write("x\n")
    rc, out, err = run(["init", a_file])
    check("init onto a file: refused, the file unchanged", rc == 1 and open(a_file).read() == "x\n", err)
    empty = os.path.join(tmp, "vide")
    os.makedirs(empty)
    rc, out, err = run(["init", empty])
    check("init into an existing empty directory: exit 0", rc == 0 and tree(empty) == written, err)
    rc, out, err = run(["init"])
    check("init without DIR: usage error", rc == 2, err)

    # In French.
    rc, out, err = run(["init", os.path.join(tmp, "fr")], french=True)
    check("in French: « nouveau projet », « Et maintenant » with French typography",
          rc == 0 and "nouveau projet dans" in out and "Et maintenant\u202f:" in out, out)
    rc, out, err = run(["init", full], french=True)
    check("in French: the refusal", rc == 1 and "n’est pas vide" in err, err)
    shutil.rmtree(tmp)
    finish()


if __name__ == "__main__":
    require_built()
    sys.exit(main())
