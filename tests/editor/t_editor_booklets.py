#!/usr/bin/env python3
"""The workshop's booklets (/_edit/livrets, generator/serve/edit_booklets.c,
edit_adhoc.c) over real HTTP, on a copy of tests/fixtures/basic served by
`fiches serve --port 0 --no-pdf` with TMPDIR pointing into the test's own
directory:

- the page and the API refuse a missing secret, a foreign Host and a
  foreign or missing Origin, like every workshop request (403);
- an ad-hoc booklet by theme (A5): 202, the state polled until ready, both
  PDFs downloaded; pdfinfo's page counts equal the ones the server read
  from the files; qpdf --check; A5 pages, imposed on A4 landscape sheets;
- by logique in A4 (no imposed file, 404 for it), by public, and a
  hand-picked list typeset in the order chosen;
- wrong requests (nothing chosen, an unknown theme or fiche, no format)
  get 422 with a French message, and nothing is started;
- a content error makes the worker fail with a French reason;
- « Enregistrer ce livret » writes content/booklets/NAME.yaml, the
  definition that was typeset, kept in the history; the same name again,
  an existing booklet's name and a bad name are refused, nothing changed;
  the saved booklet then builds (`fiches build`) and is listed;
- nothing of it reaches public/ or content/ (but the saved definition);
  the temporary directory is removed when the server stops;
- requests made while a booklet is typeset (its worker paused) wait in a
  queue, each told its place; a fifth waiting one is refused (429) in
  French; one worker at a time; all are typeset, in the order they came.

Prints "N passed, N failed" last.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t_editor_http as base  # noqa: E402  (Server, request: the same client as the other workshop tests)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import check, finish  # noqa: E402

REPO = base.REPO
FICHES = base.FICHES
FIXTURE = os.path.join(REPO, "tests", "fixtures", "basic")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def pdf_pages(path):
    m = re.search(r"Pages:\s+(\d+)", run("pdfinfo", path).stdout)
    return int(m.group(1)) if m else -1


def page_size(path):
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", path).stdout)
    return (float(m.group(1)), float(m.group(2))) if m else None


def cpu_guard(tmp):
    """The worker's CPU limit (here 1 s, through FICHES_BOOKLET_CPU_SECONDS) stops a
    booklet of some two thousand pages (one fiche made long), and the page is told why,
    in French."""
    root = os.path.join(tmp, "long")
    shutil.copytree(FIXTURE, root)
    fiche = os.path.join(root, "content", "actions", "03-veille.md")
    words = ("veille", "quartier", "habitants", "réunion", "association", "trafic", "écoute",
             "partenaires", "territoire", "prévention", "locataires", "médiation")
    # About 3 MB (under the 4 MiB cap of a file), some 2 000 A5 pages: far
    # more than 1 s of CPU on any machine (1 MB, 756 pages, was typeset
    # within the second on an idle one).
    paragraphs = []
    for i in range(6500):
        paragraphs.append(" ".join("%s%s" % (words[(i * 7 + k) % len(words)], "," if k % 9 == 8 else "")
                                   for k in range(60)).capitalize() + ".")
    with open(fiche, "a", encoding="utf-8") as f:
        f.write("\n## Compte rendu détaillé\n\n" + "\n\n".join(paragraphs) + "\n")
    base.ENV["FICHES_BOOKLET_CPU_SECONDS"] = "1"
    srv = base.Server(root)
    try:
        if not check("serve starts on a project with a very long fiche", srv.port and srv.key, srv.text()[-500:]):
            return
        cookie = "fiches_atelier=" + srv.key
        st, h, raw = base.request(srv.port, "POST", "/_edit/api/livret", cookie=cookie,
                                  origin="http://127.0.0.1:%d" % srv.port,
                                  body={"selon": "liste", "valeurs": ["action:3"], "format": "a5"})
        v = base.as_json(raw) or {}
        check("a booklet of the long fiche is accepted", st == 202, (st, raw[:200]))
        state = {}
        deadline = time.time() + 120
        while st == 202 and time.time() < deadline:
            state = base.as_json(base.request(srv.port, "GET", "/_edit/api/livret/" + v["id"], cookie=cookie)[2]) or {}
            if state.get("etat") != "en-cours":
                break
            time.sleep(0.2)
        check("stopped by the CPU limit, the page told so in French",
              state.get("etat") == "echec" and "dépassé 1\u202fseconde de calcul" in state.get("message", ""), state)
        core = [n for n in os.listdir(root) if n.startswith("core")]
        check("no core file left in the project", not core, core)
    finally:
        srv.stop()
        base.ENV.pop("FICHES_BOOKLET_CPU_SECONDS", None)


def main():
    tmp = tempfile.mkdtemp(prefix="t_editor_booklets.")
    root = os.path.join(tmp, "projet")
    shutil.copytree(FIXTURE, root)
    tmpdir = os.path.join(tmp, "tmp")
    os.mkdir(tmpdir)
    os.environ["TMPDIR"] = tmpdir
    base.ENV["TMPDIR"] = tmpdir
    srv = base.Server(root)
    try:
        if not check("serve starts with the workshop", srv.port and srv.key, srv.text()[-800:]):
            return
        port = srv.port
        own = "http://127.0.0.1:%d" % port
        cookie = "fiches_atelier=" + srv.key

        def get(path, **kw):
            return base.request(port, "GET", path, cookie=cookie, **kw)

        def post(path, body, **kw):
            kw.setdefault("origin", own)
            return base.request(port, "POST", path, body=body, cookie=cookie, **kw)

        # -- security, as every workshop request
        check("page without the secret → 403", base.request(port, "GET", "/_edit/livrets")[0] == 403)
        check("page with a foreign Host → 403", get("/_edit/livrets", host="evil.example:%d" % port)[0] == 403)
        req = {"titre": "", "selon": "theme", "valeurs": ["cadre-de-vie"], "format": "a5"}
        check("booklet without the secret → 403",
              base.request(port, "POST", "/_edit/api/livret", body=req, origin=own)[0] == 403)
        check("booklet from a foreign Origin → 403",
              post("/_edit/api/livret", req, origin="http://evil.example")[0] == 403)
        check("booklet without Origin → 403",
              base.request(port, "POST", "/_edit/api/livret", body=req, cookie=cookie)[0] == 403)
        check("booklet through a rebound Host → 403",
              post("/_edit/api/livret", req, host="evil.example:%d" % port,
                   origin="http://evil.example:%d" % port)[0] == 403)
        check("state of an unknown booklet → 404", get("/_edit/api/livret/0123456789abcdef")[0] == 404)
        check("file of an unknown booklet → 404", get("/_edit/livrets/0123456789abcdef/livret.pdf")[0] == 404)
        check("save without Origin → 403",
              base.request(port, "POST", "/_edit/api/livret/enregistrer", body={"id": "x", "nom": "x"},
                           cookie=cookie)[0] == 403)

        # -- the page
        st, h, page = get("/_edit/livrets")
        page = page.decode()
        check("the booklets page opens", st == 200 and "<h1>Livrets</h1>" in page, st)
        check("it lists the project's booklet with its file", "Atelier" in page and
              "content/booklets/atelier.yaml" in page)
        check("and the automatic ones", 'id="livret-guide-complet"' in page)
        check("French typography on the page (no space before a bare colon)",
              not re.search(r"[^\u202f\u00a0] [:;!?](?=\s)", re.sub(r"<[^>]+>", "", page)))
        check("every theme, logique and public is offered",
              all(v in page for v in ['value="cadre-de-vie"', 'value="expertise-des-habitants"',
                                      'value="mobilisation-habitants"', 'value="intervention-rdrd"',
                                      'value="habitants"', 'value="professionnels"', 'value="action:1"']))

        # -- wrong requests
        for name, body in [("nothing chosen", dict(req, valeurs=[])),
                           ("an unknown theme", dict(req, valeurs=["inconnu"])),
                           ("an unknown fiche", dict(req, selon="liste", valeurs=["action:99"])),
                           ("no format", dict(req, format="a3")),
                           ("a title of two lines", dict(req, titre="a\nb"))]:
            st, h, raw = post("/_edit/api/livret", body)
            msg = base.as_json(raw) or {}
            check("refused: %s → 422 with a French message" % name,
                  st == 422 and re.search(r"[éèàùç’]|Choisissez", msg.get("erreur", "")), (st, raw[:200]))
        check("a non-JSON body → 400", post("/_edit/api/livret", b"{")[0] == 400)

        def build(body):
            st, h, raw = post("/_edit/api/livret", body)
            v = base.as_json(raw) or {}
            if st != 202:
                return st, v
            deadline = time.time() + 240
            while time.time() < deadline:
                s2, h2, r2 = get("/_edit/api/livret/" + v["id"])
                state = base.as_json(r2) or {}
                if state.get("etat") != "en-cours":
                    return 202, state
                time.sleep(0.2)
            return 0, {}

        # -- by theme, A5: both PDFs
        t0 = time.time()
        st, s = build(req)
        check("by theme: accepted, then ready", st == 202 and s.get("etat") == "pret", (st, s))
        print("   typeset in %.1f s (wall, polled)" % (time.time() - t0))
        check("its title is made from the theme", s.get("titre") == "Le cadre de vie", s.get("titre"))
        caches = [d for d in os.listdir(tmpdir) if d.startswith("fiches-livrets-")]
        check("its files are in a private directory under TMPDIR", len(caches) == 1 and
              os.stat(os.path.join(tmpdir, caches[0])).st_mode & 0o077 == 0, caches)
        files = {}
        for key, name in [("pdf", "livret.pdf"), ("imposee", "livret-imposee.pdf")]:
            st2, h2, data = get("/_edit/livrets/%s/%s" % (s.get("id"), name))
            path = os.path.join(tmp, "theme-" + name)
            with open(path, "wb") as f:
                f.write(data)
            files[key] = path
            check("%s downloaded as a PDF" % name, st2 == 200 and h2.get("content-type") == "application/pdf"
                  and data.startswith(b"%PDF-"), (st2, h2.get("content-type")))
            check("%s: qpdf --check" % name, run("qpdf", "--check", path).returncode == 0)
            info = s.get(key) or {}
            check("%s: the page count given equals pdfinfo's" % name, info.get("pages") == pdf_pages(path) > 0,
                  (info, pdf_pages(path)))
            check("%s: the size given is the file's" % name, info.get("octets") == len(data), (info, len(data)))
        size = page_size(files["pdf"])
        check("A5 pages", size and abs(size[0] - 419.53) < 1 and abs(size[1] - 595.28) < 1, size)
        size = page_size(files["imposee"])
        check("imposed on A4 landscape sheets, half as many sides", size and abs(size[0] - 841.89) < 1 and
              pdf_pages(files["imposee"]) * 2 == pdf_pages(files["pdf"]), size)
        text = run("pdftotext", files["pdf"], "-").stdout
        check("the theme's fiche and its actions are in it",
              "Le cadre de vie" in text and "Atelier des habitants" in text and "Sigles et abréviations" in text,
              text[:300])

        # -- by logique, A4: no imposed version
        st, s = build({"titre": "Atelier du 12 mars", "selon": "logique", "valeurs": ["intervention-rdrd"],
                       "format": "a4", "contacts": True})
        check("by logique in A4: ready", st == 202 and s.get("etat") == "pret", (st, s))
        check("no imposed version in A4", "imposee" not in s and
              get("/_edit/livrets/%s/livret-imposee.pdf" % s.get("id"))[0] == 404)
        st2, h2, data = get("/_edit/livrets/%s/livret.pdf" % s.get("id"))
        path = os.path.join(tmp, "logique.pdf")
        with open(path, "wb") as f:
            f.write(data)
        size = page_size(path)
        check("A4 pages, the title given", size and abs(size[0] - 595.28) < 1 and
              "Atelier du 12 mars" in run("pdftotext", "-l", "1", path, "-").stdout, size)
        check("the contacts appendix asked for", "Contacts" in run("pdftotext", path, "-").stdout)

        # -- by public, and a hand-picked list in its order
        st, s = build({"selon": "public", "valeurs": ["professionnels"], "format": "a5"})
        check("by public: ready, titled for that public", st == 202 and s.get("etat") == "pret" and
              s.get("titre") == "Pour les Professionnels", (st, s))
        st, s = build({"titre": "Choix", "selon": "liste", "valeurs": ["action:3", "theme:cadre-de-vie", "action:1"],
                       "format": "a4"})
        check("a hand-picked list: ready", st == 202 and s.get("etat") == "pret", (st, s))
        st2, h2, data = get("/_edit/livrets/%s/livret.pdf" % s.get("id"))
        path = os.path.join(tmp, "liste.pdf")
        with open(path, "wb") as f:
            f.write(data)
        body = run("pdftotext", "-f", "3", path, "-").stdout
        pos = [body.find(w) for w in ["FICHE-ACTION 3", "FICHE THÉMATIQUE 1", "FICHE-ACTION 1"]]
        check("typeset in the order chosen", all(p >= 0 for p in pos) and pos == sorted(pos), pos)
        listed = s["id"]

        # -- saving
        st, h, raw = post("/_edit/api/livret/enregistrer", {"id": listed, "nom": "choix-atelier"})
        saved = os.path.join(root, "content", "booklets", "choix-atelier.yaml")
        check("« Enregistrer ce livret » → 201", st == 201 and (base.as_json(raw) or {}).get("fichier") ==
              "booklets/choix-atelier.yaml", (st, raw))
        text = open(saved, encoding="utf-8").read() if os.path.exists(saved) else ""
        check("the file holds the definition typeset", "title: \"Choix\"" in text and
              "  - actions: [3]\n  - themes: [1]\n  - actions: [1]\n  - glossary: true\n" in text, text)
        hist = os.path.join(root, ".fiches", "historique", "booklets", "choix-atelier.yaml")
        check("kept in the history", os.path.isdir(hist) and any(n.endswith(".yaml") or n.endswith(".md") or
                                                                 n.endswith(".txt") for n in os.listdir(hist)),
              os.listdir(os.path.dirname(hist)) if os.path.isdir(os.path.dirname(hist)) else "none")
        before = open(saved, "rb").read()
        st, h, raw = post("/_edit/api/livret/enregistrer", {"id": listed, "nom": "choix-atelier"})
        check("the same name again → 409, file unchanged", st == 409 and open(saved, "rb").read() == before, st)
        atelier = os.path.join(root, "content", "booklets", "atelier.yaml")
        old = open(atelier, "rb").read()
        st, h, raw = post("/_edit/api/livret/enregistrer", {"id": listed, "nom": "atelier"})
        check("an existing booklet's name → 409, untouched", st == 409 and open(atelier, "rb").read() == old, st)
        for bad in ["../x", "Atelier", "a b", "", "a" * 61]:
            st = post("/_edit/api/livret/enregistrer", {"id": listed, "nom": bad})[0]
            check("bad name %r → 422" % bad[:12], st == 422, st)
        check("an unknown id → 404", post("/_edit/api/livret/enregistrer",
                                         {"id": "0123456789abcdef", "nom": "zz"})[0] == 404)
        chk = run(FICHES, "check", "-C", root)
        check("the project with the saved booklet checks clean", chk.returncode == 0, chk.stderr[-500:])
        out = os.path.join(tmp, "site")
        b = run(FICHES, "build", "-C", root, "-o", out)
        check("… and builds it", b.returncode == 0 and
              os.path.exists(os.path.join(out, "pdf", "choix-atelier.pdf")), b.stderr[-300:])
        deadline = time.time() + 30
        listed_now = False
        while time.time() < deadline and not listed_now:
            listed_now = 'id="livret-choix-atelier"' in get("/_edit/livrets")[2].decode()
            time.sleep(0.2)
        check("the saved booklet is listed on the page", listed_now)

        # -- a second request while one is typeset: queued in order, never lost, one worker at a time.
        # The running worker is paused (SIGSTOP) so that the queue is seen whatever the machine's speed.
        def workers():
            out = []
            for pid in os.listdir("/proc"):
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as f:
                        cmd = f.read().split(b"\0")
                    with open("/proc/%s/stat" % pid) as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if ppid == srv.proc.pid and b"__pdf-booklet" in cmd:
                    out.append(int(pid))
            return out

        one = {"selon": "liste", "valeurs": ["action:1"], "format": "a4"}
        # The first one is the longest (a theme in A5, imposed): time to find its worker and pause it.
        st1, _, r1 = post("/_edit/api/livret", dict(req, titre="Premier"))
        first = base.as_json(r1) or {}
        paused = []
        deadline = time.time() + 30
        while st1 == 202 and not paused and time.time() < deadline:
            paused = workers()
            time.sleep(0.05)
        for pid in paused:
            os.kill(pid, signal.SIGSTOP)
        try:
            queued = []
            for n in range(5):
                st, _, raw = post("/_edit/api/livret", dict(one, titre="Suivant %d" % (n + 1)))
                queued.append((st, base.as_json(raw) or {}))
            states = [base.as_json(get("/_edit/api/livret/" + v.get("id", "x"))[2]) or {} for st, v in queued[:4]]
            check("queue: the running one is typeset by one worker", st1 == 202 and len(paused) == 1 and
                  first.get("en_attente") is False, (st1, paused, first))
            check("queue: four more requests are accepted (202) and said to wait",
                  all(st == 202 and v.get("en_attente") is True for st, v in queued[:4]), queued[:4])
            check("queue: each knows its place (1, 2, 3, 4 booklets before it)",
                  [(x.get("etat"), x.get("avant")) for x in states] == [("en-attente", k) for k in (1, 2, 3, 4)],
                  states)
            check("queue: a fifth waiting one is refused (429) with a French sentence, nothing dropped silently",
                  queued[4][0] == 429 and "attendent" in queued[4][1].get("erreur", ""), queued[4])
            check("queue: still one worker while they wait", workers() == paused, workers())
        finally:
            for pid in paused:
                os.kill(pid, signal.SIGCONT)
        order = [first.get("id")] + [v.get("id") for st, v in queued[:4]]
        done = {}
        seen_two = False
        deadline = time.time() + 240
        while len(done) < 5 and time.time() < deadline:
            seen_two |= len(workers()) > 1
            for jid in order:
                if jid not in done:
                    v = base.as_json(get("/_edit/api/livret/%s" % jid)[2]) or {}
                    if v.get("etat") in ("pret", "echec"):
                        done[jid] = (time.time(), v)
            time.sleep(0.1)
        check("queue: all five are typeset (none lost), never two workers at once",
              len(done) == 5 and all(v.get("etat") == "pret" for _, v in done.values()) and not seen_two,
              ({k: v.get("etat") for k, (_, v) in done.items()}, seen_two))
        check("queue: in the order they came",
              len(done) == 5 and [t for t, _ in (done[j] for j in order)] == sorted(t for t, _ in done.values()))

        # -- a content error: the worker says why
        fiche = os.path.join(root, "content", "actions", "03-veille.md")
        good = open(fiche, encoding="utf-8").read()
        with open(fiche, "w", encoding="utf-8") as f:
            f.write(re.sub(r"(?m)^logic: .*$", "logic: logique-inconnue", good, count=1))
        st, s = build({"selon": "theme", "valeurs": ["cadre-de-vie"], "format": "a4"})
        check("content with errors: the booklet fails with a French reason",
              st == 202 and s.get("etat") == "echec" and "le contenu a des erreurs" in s.get("message", ""),
              (st, s))
        with open(fiche, "w", encoding="utf-8") as f:
            f.write(good)

        # -- nothing anywhere else
        public = os.path.join(root, "public")
        stray = [os.path.join(d, n) for d, _, ns in os.walk(public) for n in ns if n.startswith("livret")]
        check("nothing of the ad-hoc booklets in public/", not stray, stray[:3])
        stray = [os.path.join(d, n) for d, _, ns in os.walk(os.path.join(root, "content"))
                 for n in ns if n.endswith(".pdf") or n.startswith("livret")]
        check("nor in content/", not stray, stray[:3])
    finally:
        srv.stop()
        left = [d for d in os.listdir(tmpdir) if d.startswith("fiches-livrets-")]
        check("the temporary directory is removed when the server stops", not left, left)
    try:
        cpu_guard(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
finish()
