#!/usr/bin/env python3
"""The man pages lint clean and cannot drift from the code (issues 13 and 14).

1. `mandoc -Tlint` on man/fiches.1 and man/fiches.5: no message at all,
   except « referenced manual not found » for the pages' references to each
   other (they are not installed where mandoc looks while testing).
2. fiches.1 documents every subcommand and every option of main.c's tables
   (long and short names) and every environment variable the program reads
   (getenv in generator/).
3. fiches.5 documents every field of every kind (generator/kind.c), every
   key of site.yaml and of its taxonomies (generator/load/schema.c), every
   key of a project's own kinds (generator/load/kinds.c) and field type
   (kind_field_type_names in generator/kind.c), and
   every booklet key and include item (generator/pdf/booklet.c), each in the
   section of its file.

The tables are read from the C sources: a new field, option or variable
fails here until the man page has it. A table this test does not know
fails too, so that a new kind of file gets its section.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, check, finish  # noqa: E402

GEN = os.path.join(ROOT, "generator")
MAN1 = os.path.join(ROOT, "man", "fiches.1")
MAN5 = os.path.join(ROOT, "man", "fiches.5")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def c_sources():
    for base, _, files in os.walk(GEN):
        for f in sorted(files):
            if f.endswith(".c"):
                yield os.path.join(base, f)


def test_lint():
    if not shutil.which("mandoc"):
        check("mandoc is installed (scripts/deps.sh test)", False)
        return
    for page in (MAN1, MAN5):
        p = subprocess.run(["mandoc", "-Tlint", "-W", "style", page],
                           capture_output=True, text=True)
        messages = [l for l in (p.stdout + p.stderr).splitlines()
                    if l.strip() and "referenced manual not found: Xr fiches" not in l]
        check(f"mandoc -Tlint {os.path.basename(page)}: no message", not messages,
              "\n" + "\n".join(messages))
        p = subprocess.run(["mandoc", "-Tutf8", page], capture_output=True, text=True)
        check(f"mandoc renders {os.path.basename(page)}", p.returncode == 0 and len(p.stdout) > 1000)


def array_body(src, decl):
    """The text between { and }; of the array declared by regex decl."""
    m = re.search(decl + r"\s*=\s*\{(.*?)\n?\};", src, re.S)
    return m.group(1) if m else None


def test_options():
    main = read(os.path.join(GEN, "main.c"))
    man = read(MAN1)
    options = array_body(main, r"static const struct opt options\[\]")
    commands = array_body(main, r"static const struct command commands\[\]")
    check("main.c has its option table", options is not None)
    check("main.c has its command table", commands is not None)
    if not options or not commands:
        return
    entries = re.findall(r"\{\s*\"([a-z][a-z-]*)\",\s*('(.)'|[A-Z_]+)", options)
    check("options found in main.c", len(entries) >= 10, str(entries))
    for name, _, short in entries:
        check(f"fiches.1 documents --{name}", re.search(rf"\bFl -{re.escape(name)}\b", man) is not None)
        if short:
            check(f"fiches.1 documents -{short}", re.search(rf"\bFl {short}\b", man) is not None)
    names = re.findall(r"^\t\{\"([a-z]+)\",", commands, re.M)
    check("commands found in main.c", len(names) >= 5, str(names))
    for name in names:
        check(f"fiches.1 describes the command {name}",
              re.search(rf"^\.It Cm {name}\b", man, re.M) is not None)
        check(f"fiches.1's synopsis has {name}",
              re.search(rf"^\.Nm\n\.Cm {name}$", man, re.M) is not None)


def test_environment():
    man = read(MAN1)
    seen = set()
    for path in c_sources():
        seen.update(re.findall(r"getenv\(\"([A-Z_]+)\"\)", read(path)))
    check("environment variables found", {"NO_COLOR", "SOURCE_DATE_EPOCH"} <= seen, str(seen))
    for var in sorted(seen):
        check(f"fiches.1 documents {var}", re.search(rf"\bEv {var}\b", man) is not None)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        check(f"fiches.1 documents {var}", re.search(rf"\bEv {var}\b", man) is not None)


def sections(man):
    """.Ss title → its text, up to the next .Ss or .Sh."""
    out, title, lines = {}, None, []
    for line in man.splitlines():
        if line.startswith(".Ss ") or line.startswith(".Sh "):
            if title:
                out[title] = "\n".join(lines)
            title = line[4:].strip() if line.startswith(".Ss ") else None
            lines = []
        elif title:
            lines.append(line)
    if title:
        out[title] = "\n".join(lines)
    return out


# Each table of fields in kind.c, and the section of fiches.5 that documents it.
KIND_TABLES = {
    "action_fields": "Fiche-action",
    "theme_fields": "Fiche thématique",
    "guide_fields": "Guide chapter",
    "page_fields": "Page",
    "contact_fields": "contacts.yaml",
    "glossary_fields": "glossary.yaml",
    "biblio_fields": "bibliography.yaml",
}


def documented(section_text, field):
    return re.search(rf"\bCm {re.escape(field)}\b", section_text) is not None


def test_fields():
    man = sections(read(MAN5))
    kind = read(os.path.join(GEN, "kind.c"))
    macros = dict(re.findall(r"#define (F_[A-Z_]+) \{\.name = \"([a-z_]+)\"", kind))
    tables = re.findall(r"static const struct kind_field (\w+)\[\] = \{(.*?)\n\};", kind, re.S)
    check("kind.c's field tables found", len(tables) >= 7, str([t[0] for t in tables]))
    for name, body in tables:
        title = KIND_TABLES.get(name)
        check(f"{name} has a section in fiches.5 (add it to KIND_TABLES and the page)",
              title in man, str(title))
        if title not in man:
            continue
        fields = re.findall(r"\.name = \"([a-z_]+)\"", body)
        fields += [macros[m] for m in re.findall(r"\b(F_[A-Z_]+)\b", body) if m in macros]
        check(f"{name}: fields found", len(fields) >= 3, str(fields))
        for field in fields:
            check(f"fiches.5 « {title} » documents {field}", documented(man[title], field))

    schema = read(os.path.join(GEN, "load", "schema.c"))
    site_fields = taxon_fields = None
    for body in re.findall(r"static const char \*const fields\[\] = \{(.*?)\};", schema, re.S):
        names = re.findall(r"\"([a-z_]+)\"", body)
        if "base_url" in names:
            site_fields = names
        elif "colour" in names:
            taxon_fields = names
    check("schema.c's site.yaml keys found", site_fields and len(site_fields) >= 10, str(site_fields))
    check("schema.c's taxonomy keys found", taxon_fields and len(taxon_fields) >= 3, str(taxon_fields))
    for field in (site_fields or []) + (taxon_fields or []):
        check(f"fiches.5 « site.yaml » documents {field}", documented(man.get("site.yaml", ""), field))
    menu_targets = array_body(schema, r"\} menu_targets\[\]")
    for target in re.findall(r"\{\"([a-z]+)\",", menu_targets or ""):
        check(f"fiches.5 lists the menu target {target}",
              re.search(rf"\bLi {target}\b", man.get("site.yaml", "")) is not None)

    kinds_c = os.path.join(GEN, "load", "kinds.c")
    if os.path.exists(kinds_c):
        src = read(kinds_c)
        text = man.get("Kinds of your own", "")
        keys = set(re.findall(r"(?:text|flag)\(c, (?:desc|item), \"([a-z_]+)\"", src))
        keys |= set(re.findall(r"json_object_get\((?:desc|item|field), \"([a-z_]+)\"\)", src))
        check("kinds.c's description keys found", len(keys) >= 15, str(sorted(keys)))
        for key in sorted(keys):
            check(f"fiches.5 « Kinds of your own » documents {key}", documented(text, key))
        # The type names kinds.c reads are kind.c's table (also the editor's forms').
        names = array_body(read(os.path.join(GEN, "kind.c")), r"kind_field_type_names\[FIELD_TYPES\]")
        types = re.findall(r"\[FIELD_[A-Z_]+\] = \"([a-z-]+)\"", names or "")
        check("kind.c's field types found", len(types) >= 10, str(types))
        for t in types:
            check(f"fiches.5 « Kinds of your own » lists the type {t}",
                  re.search(rf"\bLi {re.escape(t)}\b", text) is not None)

    booklet = read(os.path.join(GEN, "pdf", "booklet.c"))
    text = man.get("Booklets", "")
    keys = re.findall(r"\"([a-z]+)\"", array_body(booklet, r"static const char \*const def_keys\[\]") or "")
    check("booklet.c's keys found", len(keys) >= 5, str(keys))
    for key in keys:
        check(f"fiches.5 « Booklets » documents the key {key}", documented(text, key))
    panels = read(os.path.join(GEN, "pdf", "fold_panels.c"))
    pkeys = re.findall(r"\"([a-z]+)\"", array_body(panels, r"static const char \*const panel_keys\[\]") or "")
    check("fold_panels.c's panel keys found", len(pkeys) >= 5, str(pkeys))
    for key in pkeys:
        check(f"fiches.5 « Booklets » documents the panel key {key}", documented(text, key))
    appendices = re.findall(r"\"([a-z]+)\"",
                            array_body(booklet, r"static const char \*const appendix_keys\[\]") or "")
    dirs = re.findall(r"\.content_dir = \"([a-z]+)\"", kind)
    check("booklet.c's appendices and kind.c's directories found",
          len(appendices) >= 3 and len(dirs) >= 4, str(appendices + dirs))
    for item in appendices + dirs:
        check(f"fiches.5 « Booklets » shows the include item - {item}",
              re.search(rf"Li \"- {item}\b", text) is not None)


def main():
    test_lint()
    test_options()
    test_environment()
    test_fields()
    finish()


if __name__ == "__main__":
    main()
