#!/usr/bin/env python3
"""`fiches serve` with PDFs: an edit reloads the pages at once, the PDFs follow.

Starts `fiches serve` (PDFs on) on a copy of the TAT content, opens the
live-reload stream, edits a fiche, and checks: the reload event arrives
quickly (the figure is printed; the bound checked is generous because CI
machines are shared), the pages' PDF links still point at files on disk at
that moment, the PDF of the edited fiche is remade afterwards, and the
second pass does not reload the pages again.
"""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import t_serve  # noqa: E402  (Server, Events, request, check, counters)

ROOT = t_serve.REPO


def main():
    if not os.access(t_serve.FICHES, os.X_OK):
        t_serve.skip_all("fiches is not built")
        return
    tmp = tempfile.mkdtemp(prefix="fiches-serve-pdf-")
    root = os.path.join(tmp, "projet")
    os.makedirs(root)
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(root, "content"))
    shutil.copytree(os.path.join(ROOT, "templates"), os.path.join(root, "templates"))

    srv = t_serve.Server(root, pdf=True, timeout=120)
    t_serve.check("serve with PDFs starts", srv.port is not None, srv.text()[-500:])
    if srv.port is None:
        srv.stop()
        return
    out = os.path.join(root, "public")
    fiche = os.path.join(root, "content", "actions", "06-habitants-a-l-epreuve-des-trafics.md")
    pdf = os.path.join(out, "pdf", "action-6-habitants-a-l-epreuve-des-trafics.pdf")
    before = os.stat(pdf).st_mtime_ns
    ev = t_serve.Events(srv.port)
    time.sleep(0.3)
    with open(fiche, encoding="utf-8") as f:
        text = f.read()
    start = time.time()
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(text.replace("Un groupe de 18 habitants", "Un groupe de dix-huit habitants"))
    got = ev.wait_for(b"data: reload", 10)
    latency = time.time() - start
    print("note: edit-to-reload event with PDFs on: %.0f ms (includes the 25 ms debounce)" % (latency * 1000))
    t_serve.check("an edit reloads the pages before the PDFs are remade", got and latency < 1.5,
                  "%.3f s" % latency)
    status, _, body = t_serve.request(srv.port, "GET", "/fiches-actions/habitants-a-l-epreuve-des-trafics.html")
    t_serve.check("the edit is served", status == 200 and "dix-huit habitants".encode() in body)
    t_serve.check("its PDF link still points at a file", os.path.exists(pdf))
    deadline = time.time() + 60
    while time.time() < deadline and os.stat(pdf).st_mtime_ns == before:
        time.sleep(0.1)
    t_serve.check("the fiche's PDF is remade afterwards", os.stat(pdf).st_mtime_ns != before)
    t_serve.check("the PDF pass does not reload the pages again", not ev.wait_for(b"data: reload", 2))
    ev.close()
    t_serve.check("serve stops cleanly", srv.stop() == 0)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    t_serve.finish()
