#!/usr/bin/env python3
"""Incremental rebuilds of `fiches serve` give what a full build gives.

Copies the TAT corpus (content/) into a temporary project, starts
`fiches serve --no-pdf`, then applies a series of edits the way the
editor saves (a temporary file renamed over the fiche) or in place: a
title, a logique, a link added then removed, the themes, a paragraph, a
summary, a theme's body linking an action, a missing section (a warning)
and its fix, a broken link (an error) and its fix, a new fiche and its
removal. After each one it waits for the rebuild, checks that it was the
incremental one when it can be (the server says so) and that the open
pages were told to reload, then compares every file of the output,
byte for byte, with a fresh `fiches build --no-pdf` of the same content.
Last, SIGTERM must stop the server (a hang fails; the time is printed).

Times are printed, never asserted (bench/serve.mjs measures them).
Prints "N passed, N failed[, N skipped]" last; exits non-zero on failure.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT as REPO, FICHES, ENV, Events, check, skip, finish, gencorpus, tree  # noqa: E402

WAIT = 120  # seconds allowed for a rebuild: only a hang fails
INCREMENTAL = "only what the change shows"
REBUILT = re.compile(r"^fiches: (rebuilt in .*|\d+ errors?: still serving.*)$", re.M)


def compare(name, served, reference):
    a, b = tree(served), tree(reference)
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    differ = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    detail = "; ".join(x for x in [
        "only served: " + ", ".join(only_a[:5]) if only_a else "",
        "only built: " + ", ".join(only_b[:5]) if only_b else "",
        "different: " + ", ".join(differ[:8]) if differ else ""] if x)
    return check(name + ": the served output is byte for byte a fresh build's (%d files)" % len(b),
                 not only_a and not only_b and not differ, detail)


class Project:
    def __init__(self, tmp):
        self.tmp = tmp
        self.root = os.path.join(tmp, "proj")
        os.makedirs(self.root)
        shutil.copytree(os.path.join(REPO, "content"), os.path.join(self.root, "content"))
        self.out = os.path.join(self.root, "public")
        self.builds = 0

    def path(self, rel):
        return os.path.join(self.root, "content", rel)

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def write(self, rel, text, atomic=True):
        p = self.path(rel)
        if atomic:
            # As the editor saves: a hidden temporary file renamed over the fiche.
            tmp = os.path.join(os.path.dirname(p), "." + os.path.basename(p) + "-x1y2z3.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.rename(tmp, p)
        else:
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)

    def fresh_build(self):
        self.builds += 1
        ref = os.path.join(self.tmp, "ref%d" % self.builds)
        r = subprocess.run([FICHES, "build", "--no-pdf", "-C", self.root, "-o", ref],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, timeout=600)
        return r.returncode, ref, r.stderr.decode("utf-8", "replace")


def start(project):
    log_path = os.path.join(project.tmp, "serve.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([FICHES, "serve", "-C", project.root, "--port", "0", "--no-pdf"],
                            stdout=log, stderr=subprocess.STDOUT, env=ENV)
    deadline = time.time() + WAIT
    port = None
    while time.time() < deadline and proc.poll() is None and port is None:
        with open(log_path, errors="replace") as f:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", f.read())
        if m:
            port = int(m.group(1))
        else:
            time.sleep(0.05)
    return proc, log, log_path, port


def main():
    if not os.access(FICHES, os.X_OK):
        skip("t_serve_incremental", "%s does not exist yet (run make)" % FICHES)
        finish()
    with tempfile.TemporaryDirectory() as tmp:
        run(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        sigterm_during_build(tmp)
    finish()


def sigterm(proc, seconds):
    """SIGTERM to proc: its exit status (killed when it has not exited within
    seconds, so that a hang fails the check) and the milliseconds it took,
    printed, never asserted."""
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    return code, (time.time() - t0) * 1000


def sigterm_during_build(tmp):
    """SIGTERM while the first build of a large corpus runs: the server ends, status 0."""
    gen = gencorpus()
    if not gen:
        skip("SIGTERM during a build", "bench/work/bin/gencorpus cannot be built")
        return
    root = os.path.join(tmp, "big")
    subprocess.run([gen, "3000", root], stdout=subprocess.DEVNULL, check=True)
    log_path = os.path.join(tmp, "serve.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([FICHES, "serve", "-C", root, "--port", "0", "--no-pdf"],
                                stdout=log, stderr=subprocess.STDOUT, env=ENV)
        time.sleep(1.0)
        with open(log_path, errors="replace") as f:
            building = "Serving" not in f.read()
        code, ms = sigterm(proc, 60)
    print("     SIGTERM during the first build of 3000 fiches (%s): %.0f ms to exit"
          % ("still building" if building else "already serving", ms))
    check("SIGTERM during a build stops the server with status 0", code == 0, "status %s" % code)
    # What it left is completed by the next build.
    out = os.path.join(root, "public")
    r = subprocess.run([FICHES, "build", "--no-pdf", "-C", root, "-o", out], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ENV, timeout=1200)
    check("the next build completes the output", r.returncode == 0 and
          not os.path.exists(os.path.join(root, ".public.fiches-new")), r.stderr.decode()[-300:])


def run(tmp):
    project = Project(tmp)
    proc, log, log_path, port = start(project)
    if not check("serve starts on the TAT corpus", port is not None):
        proc.kill()
        return
    events = Events(port)
    seen = [0]

    def log_text():
        with open(log_path, errors="replace") as f:
            return f.read()

    def wait_rebuild():
        """The line of the next rebuild, or None after WAIT seconds."""
        deadline = time.time() + WAIT
        while time.time() < deadline:
            lines = REBUILT.findall(log_text())
            if len(lines) > seen[0]:
                seen[0] = len(lines)
                # Nothing more may be pending: the burst of one save is one rebuild.
                time.sleep(0.1)
                lines = REBUILT.findall(log_text())
                seen[0] = len(lines)
                return lines[-1]
            time.sleep(0.01)
        return None

    seen[0] = len(REBUILT.findall(log_text()))

    def step(name, rel, change, incremental=True, atomic=True, fails=False):
        before = project.read(rel) if os.path.exists(project.path(rel)) else None
        text = change(before)
        if text is None:
            os.unlink(project.path(rel))
        else:
            check(name + ": the edit changes the file", text != before)
            project.write(rel, text, atomic)
        t0 = time.time()
        # The event first: like a page, the stream then says it loaded again, and the
        # data files, which the rebuild's last line waits for, follow.
        told = events.wait_for(b"data: error" if fails else b"data: reload", WAIT)
        line = wait_rebuild()
        took = time.time() - t0
        if not check(name + ": rebuilt", line is not None, "no rebuild within %d s" % WAIT):
            return
        print("     %s: %.0f ms from the save to the end of the rebuild (%s)" % (name, took * 1000, line))
        if fails:
            check(name + ": the error is reported", "still serving" in line, line)
            check(name + ": the open pages are told", told)
            status, _, err = project.fresh_build()
            check(name + ": a full build fails too", status == 1, err[-300:])
            return
        check(name + ": the open pages reload", told)
        if incremental:
            check(name + ": incremental", INCREMENTAL in line, line)
        else:
            check(name + ": full rebuild", INCREMENTAL not in line, line)
        status, ref, err = project.fresh_build()
        if check(name + ": a full build succeeds", status == 0, err[-300:]):
            compare(name, project.out, ref)
            shutil.rmtree(ref)
        return err

    A6 = "actions/06-habitants-a-l-epreuve-des-trafics.md"

    def sub(pattern, repl, count=1):
        def f(text):
            new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
            return new if n else text
        return f

    step("title", A6, sub(r"^title: .*$", "title: Habitants face à l'épreuve des trafics"))
    step("logique", A6, sub(r"^logic: mobilisation-habitants$", "logic: soutien-familles"))
    step("link added", A6, sub(r"^## Acteurs$", "Voir aussi [](action:2) et [le cadre](theme:cadre-de-vie#de-quoi-s-agit-il).\n\n## Acteurs"))
    step("link removed", A6, sub(r"^Voir aussi .*\n\n", ""))
    step("themes", A6, sub(r"^themes: \[cadre-de-vie, ", "themes: [intervention-sociale-et-positionnement-professionnel, "))
    step("body", A6, sub(r"Un groupe de 18 habitants", "Un groupe de vingt habitants"), atomic=False)
    step("summary", A6, sub(r"^  Depuis 2012,", "  Depuis l’année 2012,"))
    step("theme body links an action", "themes/1-cadre-de-vie.md",
         sub(r"^## ", "La [fiche-action 10](action:10) y contribue aussi.\n\n## "))
    step("guide chapter", "guide/01-introduction.md", sub(r"\.\n", " (modifié).\n"))

    # A warning: the site is rebuilt, the overlay lists it.
    err = step("missing section (warning)", A6, sub(r"^## Objectifs$", "Objectifs"))
    if err is not None:
        warnings = len(re.findall(r": warning: ", err))
        check("the full build warns too", warnings > 0, err[-300:])
        body = http_get(port, "/fiches-actions/habitants-a-l-epreuve-des-trafics.html")
        shown = len(re.findall(r"<li><code", body))
        check("the overlay lists the full build's warnings", shown == warnings,
              "%d shown, %d from fiches build" % (shown, warnings))
    step("section back", A6, sub(r"^Objectifs$", "## Objectifs"))
    body = http_get(port, "/fiches-actions/habitants-a-l-epreuve-des-trafics.html")
    check("no overlay once fixed", "fiches-erreurs" not in body)

    # An error: nothing is written; the fix is a full rebuild, then incremental again.
    snapshot = os.path.join(tmp, "before-error")
    shutil.copytree(project.out, snapshot)
    step("broken link", A6, sub(r"^## Acteurs$", "Voir [la fiche](action:999).\n\n## Acteurs"), fails=True)
    compare("broken link: the last good site stays", project.out, snapshot)
    step("broken link fixed", A6, sub(r"^Voir \[la fiche\]\(action:999\)\.\n\n", ""), incremental=False)
    step("after the fix", A6, sub(r"^title: .*$", "title: Habitants à l'épreuve des trafics"))

    # The editor's check and preview: against the kept model, as the build would say and show.
    key = re.search(r"/_edit/\?cle=([0-9a-f]+)", log_text())
    if check("the workshop's key is printed", key is not None):
        previews(project, port, "fiches_atelier=" + key.group(1), A6, step)

    # A logique's colour: a full rebuild, and the icons (kept between builds by
    # serve) drawn again in the new colour, as a fresh build draws them.
    step("logique colour", "site.yaml", sub(r'colour: "#1d6b4f"', 'colour: "#1d6b50"'), incremental=False)

    # New and deleted files: full rebuilds.
    new = "actions/12-nouvelle-action.md"
    template = project.read(A6)

    def create(_):
        t = re.sub(r"^number: 6$", "number: 12", template, flags=re.M)
        return re.sub(r"^title: .*$", "title: Une nouvelle action", t, flags=re.M)
    step("new fiche", new, create, incremental=False)
    step("edit of the new fiche", new, sub(r"^title: .*$", "title: Une action nouvelle"))
    step("deleted fiche", new, lambda _: None, incremental=False)

    # SIGTERM stops the server whatever it does (a hang fails; the time is printed).
    code, ms = sigterm(proc, 30)
    print("     SIGTERM to exit: %.0f ms" % ms)
    check("SIGTERM stops the server with status 0", code == 0, "status %s" % code)
    log.close()


def api(port, cookie, what, body):
    import http.client
    import json
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    data = json.dumps(body).encode()
    c.request("POST", "/_edit/api/" + what, body=data, headers={
        "Host": "127.0.0.1:%d" % port, "Origin": "http://127.0.0.1:%d" % port, "Cookie": cookie,
        "Content-Type": "application/json"})
    r = c.getresponse()
    out = json.loads(r.read() or b"{}")
    c.close()
    return out


def diag_set(diags):
    return sorted((d["fichier"], d["ligne"], d["colonne"], d["niveau"]) for d in diags)


def previews(project, port, cookie, rel, step):
    original = project.read(rel)
    page = "fiches-actions/habitants-a-l-epreuve-des-trafics.html"
    r = api(port, cookie, "apercu", {"chemin": rel, "texte": original})
    check("preview: one document checked against the kept model", r.get("controle") == "document", r.get("controle"))
    with open(os.path.join(project.out, page), encoding="utf-8") as f:
        built = f.read()
    html = re.sub(r'<base href="[^"]*">', "", r.get("html") or "", count=1)
    check("preview of the saved text: no diagnostic, the page as built",
          r.get("diagnostics") == [] and html == built, str(r.get("diagnostics"))[:200])
    # Unsaved changes that touch the relations: the preview is the page once saved.
    changed = re.sub(r"^title: .*$", "title: Des habitants et des trafics", original, count=1, flags=re.M)
    changed = re.sub(r"^themes: \[[^,]*, ", "themes: [", changed, count=1, flags=re.M)
    changed = re.sub(r"^## Acteurs$", "Voir [](action:3).\n\n## Acteurs", changed, count=1, flags=re.M)
    r = api(port, cookie, "apercu", {"chemin": rel, "texte": changed})
    preview_html = re.sub(r'<base href="[^"]*">', "", r.get("html") or "", count=1)
    check("preview of changed text: checked alone", r.get("controle") == "document", r.get("controle"))
    r2 = api(port, cookie, "apercu", {"chemin": rel, "texte": original})
    check("the saved version is back after a preview",
          re.sub(r'<base href="[^"]*">', "", r2.get("html") or "", count=1) == built)
    step("preview then save", rel, lambda _: changed)
    with open(os.path.join(project.out, page), encoding="utf-8") as f:
        check("the preview was the page as saved and built", preview_html == f.read())
    # A warning and an error: the same diagnostics as `fiches check` of the saved text.
    for name, text in [("missing section", re.sub(r"^## Objectifs$", "Objectifs", changed, count=1, flags=re.M)),
                       ("unknown logique", changed.replace("logic: ", "logic: x", 1))]:
        r = api(port, cookie, "apercu", {"chemin": rel, "texte": text})
        # fiches check of a copy of the project holding that text.
        copy = os.path.join(project.tmp, "check-" + name.replace(" ", "-"))
        shutil.copytree(os.path.join(project.root, "content"), os.path.join(copy, "content"))
        with open(os.path.join(copy, "content", rel), "w", encoding="utf-8") as f:
            f.write(text)
        res = subprocess.run([FICHES, "check", "-C", copy], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=ENV, timeout=600)
        expected = sorted(set(re.findall(r"^(content/[^:\n]+):(\d+):(\d+): (error|warning):",
                                         res.stderr.decode(), re.M)))
        got = sorted(set((d["fichier"], str(d["ligne"]), str(d["colonne"]),
                          "error" if d["niveau"] == "erreur" else "warning") for d in r.get("diagnostics") or []))
        check("preview with a %s: the diagnostics of fiches check" % name,
              got == expected and len(got) > 0 and r.get("controle") == "document", "%s vs %s" % (got, expected))
        shown = r.get("html") is None if name == "unknown logique" else r.get("html") is not None
        check("preview with a %s: the page is shown only without error" % name, shown)
    step("back to the saved text", rel, lambda _: original)


def http_get(port, path):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    body = c.getresponse().read().decode("utf-8", "replace")
    c.close()
    return body


if __name__ == "__main__":
    main()
