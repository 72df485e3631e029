#!/usr/bin/env python3
"""`fiches serve` with PDFs: edits never wait for the PDF pass.

Starts `fiches serve` (PDFs on) on a copy of the TAT content, opens the
live-reload stream, and checks:
  - an edit reloads the pages before the PDFs are remade, the pages' PDF
    links still point at files on disk at that moment;
  - the PDF pass runs in a PDF worker started anew (posix_spawn of the
    program, never a fork of the server, which has threads): every child of
    the server is a `__pdf-worker`;
  - a second edit made while the booklets are being typeset interrupts
    that pass (the worker and its children are gone), reloads the pages,
    and the pass starts over: the fiche's PDF ends up with the second edit;
  - an error made during the pass shows at once (data: error);
  - the PDF pass does not reload the pages again;
  - SIGTERM during the pass stops the server and leaves no worker behind.
Latencies are printed; the bounds checked are generous wall limits that
only catch a server waiting for the whole PDF pass or hanging.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t_serve  # noqa: E402  (Server, Events, request, check, counters)

ROOT = t_serve.REPO
WORKER = "__pdf-worker"


def children(pid):
    """(pid, argv) of the live children of pid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append((int(name), [a.decode("utf-8", "replace") for a in argv if a]))
    return out


def group_alive(pgid):
    """Whether a process of group pgid still runs. A killed process stays a
    zombie until its parent (or init, for the worker's own children) reaps
    it, which on a loaded machine can come after the server's event: a
    zombie runs nothing, so it does not count."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def wait_worker(pid, seconds):
    """The PDF worker child of pid once one runs, or None."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for child, argv in children(pid):
            if WORKER in argv:
                return child
        time.sleep(0.01)
    return None


def pdf_text(path):
    p = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True)
    return p.stdout


def edit(path, old, new):
    """Saves as editors and the writing workshop do: a temporary file renamed
    over the fiche. Written in place, the fiche is empty between the
    truncation and the write; on a loaded machine the PDF worker, which
    loads the project again, once read it then and failed on « le fichier
    est vide » before the server saw the save, instead of being stopped."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, old
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    start = time.time()
    os.replace(tmp, path)
    return start


def main():
    if not os.access(t_serve.FICHES, os.X_OK):
        t_serve.skip_all("fiches is not built")
        return
    tmp = tempfile.mkdtemp(prefix="fiches-serve-pdf-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp):
    root = os.path.join(tmp, "projet")
    os.makedirs(root)
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(root, "content"))
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(root, "templates"))

    srv = t_serve.Server(root, pdf=True, timeout=300)
    t_serve.check("serve with PDFs starts", srv.port is not None, srv.text()[-500:])
    if srv.port is None:
        srv.stop()
        return
    pid = srv.proc.pid
    out = os.path.join(root, "public")
    fiche = os.path.join(root, "content", "actions", "06-habitants-a-l-epreuve-des-trafics.md")
    page = "/fiches-actions/habitants-a-l-epreuve-des-trafics.html"
    pdf = os.path.join(out, "pdf", "action-6-habitants-a-l-epreuve-des-trafics.pdf")
    before = os.stat(pdf).st_mtime_ns
    ev = t_serve.Events(srv.port)
    time.sleep(0.3)

    # 1. An edit: the pages first.
    start = edit(fiche, "Un groupe de 18 habitants", "Un groupe de dix-huit habitants")
    got = ev.wait_for(b"data: reload", 60)
    latency = time.time() - start
    print("note: edit-to-reload event with PDFs on: %.0f ms (includes the 25 ms debounce)" % (latency * 1000))
    t_serve.check("an edit reloads the pages", got)
    status, _, body = t_serve.request(srv.port, "GET", page)
    t_serve.check("the edit is served", status == 200 and "dix-huit habitants".encode() in body)
    t_serve.check("its PDF link still points at a file", os.path.exists(pdf))

    # 2. The PDF pass runs in a spawned worker, never in a fork of the server.
    worker = wait_worker(pid, 60)
    t_serve.check("the PDF pass runs in a PDF worker", worker is not None, str(children(pid)))
    kids = children(pid)
    t_serve.check("every child of the server is a PDF worker (no fork of the server)",
                  all(WORKER in argv for _, argv in kids), str(kids))

    # 3. A second edit during the pass interrupts it; the pages come first.
    if worker:
        t_serve.check("the PDF pass is still running when the second edit is saved",
                      os.stat(pdf).st_mtime_ns == before and group_alive(worker))
        start = edit(fiche, "dix-huit habitants", "dix-neuf habitants")
        got = ev.wait_for(b"data: reload", 60)
        latency = time.time() - start
        print("note: second edit during the PDF pass, edit-to-reload event: %.0f ms" % (latency * 1000))
        t_serve.check("an edit during the PDF pass reloads the pages before the PDFs", got)
        # SIGKILL'd processes still show as running until the kernel has
        # scheduled them to die, which on a loaded machine (the runner runs two
        # suites at once) can come after the reload event. A pass that was not
        # stopped would still be typesetting seconds later: TAT's takes longer.
        gone_by = time.time() + 5
        while group_alive(worker) and time.time() < gone_by:
            time.sleep(0.05)
        t_serve.check("the interrupted worker and its children are gone", not group_alive(worker))
        t_serve.check("the server says the pass was interrupted", "PDF pass interrupted" in srv.text(),
                      srv.text()[-400:])
        status, _, body = t_serve.request(srv.port, "GET", page)
        t_serve.check("the second edit is served", status == 200 and "dix-neuf habitants".encode() in body)

    # 4. The pass starts over and finishes with the second edit.
    deadline = time.time() + 240
    done = False
    while time.time() < deadline and not done:
        time.sleep(0.2)
        done = os.stat(pdf).st_mtime_ns != before and "dix-neuf" in pdf_text(pdf) \
            and wait_worker(pid, 0) is None
    t_serve.check("the PDF pass starts over and remakes the fiche's PDF with the last edit", done)
    t_serve.check("the PDF pass does not reload the pages again", not ev.wait_for(b"data: reload", 1))

    # 5. An error during the pass shows at once.
    edit(fiche, "dix-neuf habitants", "dix-sept habitants")
    ev.wait_for(b"data: reload", 60)
    worker = wait_worker(pid, 60)
    if worker:
        start = edit(fiche, "dix-sept habitants", "dix-sept habitants [absente](action:999)")
        got = ev.wait_for(b"data: error", 60)
        latency = time.time() - start
        print("note: error made during the PDF pass, edit-to-error event: %.0f ms" % (latency * 1000))
        t_serve.check("an error made during the PDF pass shows at once", got and not group_alive(worker))
        edit(fiche, " [absente](action:999)", "")
        t_serve.check("fixing it reloads", ev.wait_for(b"data: reload", 60))
        worker = wait_worker(pid, 60)

    # 6. SIGTERM during the pass: the server stops, no worker is left.
    ev.close()
    t_serve.check("a PDF pass runs before SIGTERM", worker is not None)
    start = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    try:
        srv.proc.wait(30)
    except subprocess.TimeoutExpired:
        pass
    took = time.time() - start
    print("note: SIGTERM during the PDF pass to exit: %.0f ms" % (took * 1000))
    t_serve.check("SIGTERM during the PDF pass stops the server", srv.proc.poll() == 0,
                  str(srv.proc.poll()))
    t_serve.check("no PDF worker is left after the stop", worker is None or not group_alive(worker))
    srv.stop()


if __name__ == "__main__":
    main()
    t_serve.finish()
