#!/usr/bin/env python3
"""Form edits of the front matter change only their own lines.

For every Markdown file of content/, through the workshop's API of a running
`fiches serve` (POST /_edit/api/champ): setting each field of its front
matter to the value it already has returns the file byte for byte; setting
it to another value (a text changed, a number + 1, a list with one item
less or one more, an optional field removed, an absent one added) changes
only a run of lines at that field: every other line, comments, order of
keys, quoting, and the body stay byte for byte, and the front matter read
back (the preview's "entete") holds the new value and every other field as
it was.

Prints "N passed, N failed" last.
"""
import difflib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t_editor_http import Server, request, FICHES  # noqa: E402
from fichestest import CONTENT  # noqa: E402

passed = failed = 0
failures = []


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        failures.append(name + (": " + str(detail)[:300] if detail else ""))
    return cond


def api(port, key, path, body):
    st, _, raw = request(port, "POST", path, body, origin="http://127.0.0.1:%d" % port,
                         cookie="fiches_atelier=" + key)
    try:
        return st, json.loads(raw)
    except ValueError:
        return st, {}


def front_matter_end(lines):
    """Index of the closing '---' line (lines keep their ends)."""
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in ("---", "..."):
            return i
    return None


def other_value(name, v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int):
        return v + 1
    if isinstance(v, str):
        return v + " (modifié)" if name not in ("slug",) else v + "-x"
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return v[:-1] if len(v) > 1 else v + ["ajout-test"]
    return None


def only_field_changed(old, new, name):
    """Whether old → new changed only lines of field name (as a human reads YAML)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    end_a, end_b = front_matter_end(a), front_matter_end(b)
    if end_a is None or end_b is None:
        return False, "no front matter"
    if a[end_a:] != b[end_b:]:
        return False, "body or closing line changed"
    # The field's lines in the old text: its key line, then indented lines and "- " items.
    key = next((i for i in range(1, end_a) if a[i].startswith(name + ":")), None)
    if key is None:
        lo = hi = end_a  # an added field goes just before the closing line
    else:
        lo, hi = key, key + 1
        while hi < end_a and (a[hi].startswith((" ", "\t")) or (a[hi].startswith("-") and not a[hi].startswith("---"))):
            hi += 1
    diff = "".join(difflib.unified_diff(a, b, n=0))[:400]
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal" and not (lo <= i1 and i2 <= hi):
            return False, diff
    return True, diff


def main():
    if not os.path.exists(FICHES):
        print("0 passed, 0 failed, 1 skipped")
        return
    with Server.copy_of(CONTENT, templates=False, prefix="fiches-editor-roundtrip-") as srv:
        root = srv.root
        if not check("serve starts", srv.port and srv.key, srv.text()[-1000:]):
            return
        files = []
        for d in sorted(os.listdir(os.path.join(root, "content"))):
            full = os.path.join(root, "content", d)
            if os.path.isdir(full) and d not in ("media", "booklets"):
                files += [d + "/" + n for n in sorted(os.listdir(full)) if n.endswith(".md")]
        check("content/ has Markdown files", len(files) > 20, len(files))
        fields_seen = 0
        for rel in files:
            with open(os.path.join(root, "content", rel), encoding="utf-8", newline="") as f:
                text = f.read()
            st, r = api(srv.port, srv.key, "/_edit/api/apercu", {"chemin": rel, "texte": text})
            meta = r.get("entete")
            if not check(rel + ": front matter read", st == 200 and isinstance(meta, dict), (st, str(r)[:200])):
                continue
            for name, value in meta.items():
                fields_seen += 1
                st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": name, "valeur": value})
                check("%s: %s set to its own value leaves the file byte for byte" % (rel, name),
                      st == 200 and r.get("texte") == text, (st, r.get("erreur")))
                new_value = other_value(name, value)
                if new_value is None:
                    continue
                st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": name, "valeur": new_value})
                if not check("%s: %s changed" % (rel, name), st == 200, (st, r.get("erreur"))):
                    continue
                new = r["texte"]
                ok, diff = only_field_changed(text, new, name)
                check("%s: changing %s touches only its lines" % (rel, name), ok, diff)
                st, r2 = api(srv.port, srv.key, "/_edit/api/apercu", {"chemin": rel, "texte": new})
                want = dict(meta)
                want[name] = new_value
                check("%s: %s reads back as set, the others unchanged" % (rel, name), r2.get("entete") == want,
                      (r2.get("entete") or {}).get(name))
            # A field added, then removed again: back to the same bytes.
            st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": "champ_de_test", "valeur": ["a", "b"]})
            if check(rel + ": a field added", st == 200, (st, r.get("erreur"))):
                added = r["texte"]
                ok, diff = only_field_changed(text, added, "champ_de_test")
                check(rel + ": adding a field touches only its line", ok and added.count("\n") == text.count("\n") + 1, diff)
                st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": added, "champ": "champ_de_test", "valeur": None})
                check(rel + ": removing it gives back the file byte for byte", st == 200 and r.get("texte") == text, st)
        check("fields were exercised", fields_seen > 100, fields_seen)
        # Values that need quoting, and a refused edit.
        rel = files[0]
        with open(os.path.join(root, "content", rel), encoding="utf-8", newline="") as f:
            text = f.read()
        for tricky in ["oui", "12", "a: b", "# pas un commentaire", "« guillemets » et ’apostrophe’", "- tiret", "[crochets]", "null", 'des "doubles"']:
            st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": "title", "valeur": tricky})
            if check("title %r written" % tricky, st == 200, (st, r.get("erreur"))):
                st, r2 = api(srv.port, srv.key, "/_edit/api/apercu", {"chemin": rel, "texte": r["texte"]})
                check("title %r reads back the same" % tricky, (r2.get("entete") or {}).get("title") == tricky,
                      (r2.get("entete") or {}).get("title"))
        st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": "pas de front matter\n", "champ": "title", "valeur": "x"})
        check("a text without front matter: refused with a French message", st == 422 and "---" in r.get("erreur", ""), (st, r))
        st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": "title", "valeur": {"objet": 1}})
        check("a value of the wrong shape: refused", st == 422, st)
        st, r = api(srv.port, srv.key, "/_edit/api/champ", {"chemin": rel, "texte": text, "champ": "Title: x", "valeur": "y"})
        check("a field name that is not a key: refused", st == 400, st)


if __name__ == "__main__":
    main()
    for f in failures[:40]:
        print("FAIL " + f)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
