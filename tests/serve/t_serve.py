#!/usr/bin/env python3
"""End-to-end test of `fiches serve` (the preview server).

Copies tests/fixtures/basic and the templates into a temporary project,
starts `fiches serve -C <copy> --port 0 --no-pdf`, and checks over HTTP:
pages, 404, content types, HEAD, 405, path traversal (raw sockets, since
http.client normalises paths), symlinks leading out of the output
directory, live reload over Server-Sent Events, the error overlay and its
removal, that nothing injected reaches the disk, and a clean stop on
SIGINT. Standard library only. The binary is $FICHES (else build/fiches).

Prints "N passed, N failed[, N skipped]" last; exits non-zero on failure.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, TEMPLATES, ENV, Events, Serve, check, skip, finish  # noqa: E402, F401

REPO = ROOT
SENTINEL = "TOP-SECRET-6c1f0e"
WAIT = 30  # seconds allowed for a rebuild to be announced


def skip_all(reason):
    skip("t_serve", reason)
    finish()


class Server(Serve):
    """A running `fiches serve`, stopped with SIGINT (Ctrl-C) as a coordinator does."""

    def __init__(self, root, *extra, pdf=False, timeout=60):
        super().__init__(root, *extra, pdf=pdf, timeout=timeout, stop_signal=signal.SIGINT)


def request(port, method, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def raw(port, target, method="GET"):
    """Sends target byte for byte; returns (status, body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if isinstance(target, str):
        target = target.encode("latin-1")
    s.sendall(method.encode() + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(m.group(1)) if m else 0), data.partition(b"\r\n\r\n")[2]


def files_under(top, suffix=""):
    for d, _, names in os.walk(top):
        for n in sorted(names):
            if n.endswith(suffix):
                yield os.path.join(d, n)


def main():
    if not os.access(FICHES, os.X_OK):
        skip_all("%s does not exist yet (run make)" % FICHES)
    if not os.path.isdir(FIXTURE):
        skip_all("fixture %s is missing" % FIXTURE)

    tmp = tempfile.mkdtemp(prefix="fiches-serve-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


def run(tmp):
    root = os.path.join(tmp, "projet")
    shutil.copytree(FIXTURE, root)
    if os.path.isdir(TEMPLATES) and not os.path.isdir(os.path.join(root, "templates")):
        shutil.copytree(TEMPLATES, os.path.join(root, "templates"))
    with open(os.path.join(root, "secret.txt"), "w") as f:
        f.write(SENTINEL + "\n")
    out = os.path.join(root, "public")

    # A refused host: usage error, before anything is built.
    p = subprocess.run([FICHES, "serve", "-C", root, "--host", "exemple.org", "--port", "0"],
                       capture_output=True, text=True, timeout=60, env=ENV)
    if "unknown command" in p.stderr:
        skip_all("build/fiches has no `serve` command yet (main.c must call serve_run)")
    check("--host with a name is refused with status 2", p.returncode == 2,
          "status %d: %s" % (p.returncode, p.stderr.strip()))

    srv = Server(root)
    if srv.port is None:
        check("server starts and prints its address", False, srv.text())
        srv.stop()
        return
    port = srv.port
    check("prints the Serving line", "Serving " in srv.text() and "(Ctrl-C to stop)" in srv.text())
    try:
        checks(root, out, port)
        live_reload(root, out, port)
        performance(out, port, srv.proc.pid)
        port_in_use(root, port)
    finally:
        status = srv.stop()
    check("SIGINT stops the server with status 0", status == 0, "status %s" % status)


def checks(root, out, port):
    status, headers, body = request(port, "GET", "/")
    check("GET / is 200", status == 200, str(status))
    check("GET / is HTML", headers.get("content-type") == "text/html; charset=utf-8",
          headers.get("content-type", ""))
    check("Cache-Control: no-cache", headers.get("cache-control") == "no-cache")
    check("X-Content-Type-Options: nosniff", headers.get("x-content-type-options") == "nosniff")
    check("the reload script is injected", b"/__fiches/events" in body)
    body_at = body.lower().rfind(b"</body>")
    check("the script sits before </body>",
          body_at < 0 or body.rfind(b"/__fiches/events") < body_at)

    status, headers, head_body = request(port, "HEAD", "/")
    check("HEAD / is 200 without a body", status == 200 and head_body == b"", str(status))
    check("HEAD has the GET length", headers.get("content-length") == str(len(body)),
          "%s vs %d" % (headers.get("content-length"), len(body)))

    pages = [p for p in files_under(os.path.join(out, "fiches-actions"), ".html")
             if os.path.basename(p) != "index.html"]
    if check("the build produced fiche pages", pages, out):
        rel = os.path.relpath(pages[0], out)
        status, headers, body = request(port, "GET", "/" + rel + "?v=1")
        check("a fiche page is 200 (query ignored)", status == 200, "%s %d" % (rel, status))
        with open(pages[0], "rb") as f:
            on_disk = f.read()
        check("the fiche page holds the file plus the script",
              len(body) > len(on_disk) and b"/__fiches/events" not in on_disk)

    status, headers, _ = request(port, "GET", "/fiches-actions")
    check("/fiches-actions redirects to /fiches-actions/", status == 301 and
          headers.get("location") == "/fiches-actions/", "%d %s" % (status, headers.get("location")))

    status, headers, body = request(port, "GET", "/cette-page-n-existe-pas.html")
    check("missing page is 404", status == 404, str(status))
    check("404 is HTML", headers.get("content-type", "").startswith("text/html"))
    site_404 = os.path.join(out, "404.html")
    if os.path.exists(site_404):
        with open(site_404, "rb") as f:
            own = f.read()
        title = re.search(rb"<title>(.*?)</title>", own, re.S)
        check("404 serves the site's own 404.html",
              title is None or title.group(1) in body)

    # Content types: files dropped into the output (the build keeps files it did not make).
    samples = {"t.css": "text/css; charset=utf-8", "t.js": "text/javascript; charset=utf-8",
               "t.json": "application/json", "t.xml": "application/xml",
               "t.svg": "image/svg+xml", "t.png": "image/png", "t.JPG": "image/jpeg",
               "t.webp": "image/webp", "t.pdf": "application/pdf",
               "t.txt": "text/plain; charset=utf-8",
               "t.webmanifest": "application/manifest+json", "t.woff2": "font/woff2",
               "t.ico": "image/x-icon", "t.inconnu": "application/octet-stream"}
    os.makedirs(os.path.join(out, "types-test"), exist_ok=True)
    for name in samples:
        with open(os.path.join(out, "types-test", name), "wb") as f:
            f.write(b"x" * 10)
    wrong = []
    for name, want in samples.items():
        status, headers, _ = request(port, "GET", "/types-test/" + name)
        if status != 200 or headers.get("content-type") != want:
            wrong.append("%s: %d %s" % (name, status, headers.get("content-type")))
    check("content types", not wrong, "; ".join(wrong))
    status, _, body = request(port, "GET", "/types-test/t.txt")
    check("non-HTML files are served untouched", body == b"x" * 10)
    big = os.path.join(out, "types-test", "gros.pdf")
    with open(big, "wb") as f:
        f.write(b"%PDF" + b"y" * (6 * 1024 * 1024))
    status, headers, body = request(port, "GET", "/types-test/gros.pdf")
    check("a large file is served whole", status == 200 and len(body) == 6 * 1024 * 1024 + 4,
          "%d %d" % (status, len(body)))
    with open(os.path.join(out, "types-test", "\u00e9t\u00e9.txt"), "w") as f:
        f.write("ete")
    status, headers, body = request(port, "GET", "/types-test/%C3%A9t%C3%A9.txt")
    check("UTF-8 percent-encoded names", status == 200 and body == b"ete", str(status))

    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = request(port, method, "/")
        check(method + " is 405 with Allow", status == 405 and
              headers.get("allow") == "GET, HEAD", "%d %s" % (status, headers.get("allow")))

    # Traversal: raw targets, so nothing normalises them on the way.
    hostile = ["/../secret.txt", "/../../../../../../etc/passwd", "/%2e%2e/secret.txt",
               "/%2E%2e/%2e%2E/etc/passwd", "/..%2fsecret.txt", "/actions/..%2f..%2fsecret.txt",
               "/actions/../../secret.txt", "//etc/passwd", "/..\\secret.txt",
               "/actions/..%5c..%5csecret.txt", "/a%00b", "/index.html%00.txt", "/%zz",
               "/%c0%ae%c0%ae/secret.txt", "/.fiches-manifest", "/./index.html",
               "/" + "a" * 2000, "http://127.0.0.1/../secret.txt", "*"]
    leaks, statuses = [], []
    for target in hostile:
        status, body = raw(port, target)
        statuses.append(status)
        if SENTINEL.encode() in body or b"root:x:0:0" in body:
            leaks.append(target)
        if status not in (400, 403, 404, 414):
            leaks.append("%s -> %d" % (target[:60], status))
    check("traversal attempts are refused and leak nothing", not leaks, ", ".join(leaks))
    status, _ = raw(port, "/" + "a" * 2000)
    check("an overlong path is 414", status == 414, str(status))

    os.symlink(os.path.join(root, "secret.txt"), os.path.join(out, "fuite.txt"))
    os.symlink(root, os.path.join(out, "fuite-dossier"))
    os.symlink("/etc", os.path.join(out, "etc"))
    bad = []
    for target in ("/fuite.txt", "/fuite-dossier/secret.txt", "/etc/passwd", "/fuite-dossier/"):
        status, body = raw(port, target)
        if status not in (403, 404) or SENTINEL.encode() in body or b"root:" in body:
            bad.append("%s -> %d" % (target, status))
    check("symlinks leading out of the output are refused", not bad, ", ".join(bad))
    os.symlink("index.html", os.path.join(out, "accueil.html"))
    status, _ = raw(port, "/accueil.html")
    check("a symlink inside the output is served", status == 200, str(status))


def fiche_file(root):
    actions = os.path.join(root, "content", "actions")
    return os.path.join(actions, sorted(os.listdir(actions))[0])


def page_for(out, fiche):
    """The output page of a fiche: the HTML file whose name holds its slug."""
    slug = re.sub(r"^\d+-", "", os.path.basename(fiche)[:-3])
    for p in files_under(out, ".html"):
        if slug in p:
            return "/" + os.path.relpath(p, out)
    return None


def live_reload(root, out, port):
    fiche = fiche_file(root)
    with open(fiche, encoding="utf-8") as f:
        original = f.read()
    page = page_for(out, fiche)
    check("the fiche's page is found", page is not None, fiche)
    page = page or "/"

    ev = Events(port)
    check("the event stream opens", ev.wait_for(b"text/event-stream", 5), repr(ev.data[:200]))
    time.sleep(0.2)
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(original + "\nUne phrase ajoutée pendant le test.\n")
    check("editing a fiche sends data: reload", ev.wait_for(b"data: reload\n\n", WAIT),
          repr(ev.data[-300:]))
    status, _, body = request(port, "GET", page)
    check("the rebuilt page shows the edit",
          "Une phrase ajoutée pendant le test".encode() in body, page)

    # Editor scratch files alone do not rebuild.
    for name in (".%s.swp" % os.path.basename(fiche), "4913", os.path.basename(fiche) + "~"):
        with open(os.path.join(os.path.dirname(fiche), name), "w") as f:
            f.write("x")
    check("swap files do not trigger a rebuild", not ev.wait_for(b"data:", 1.0),
          repr(ev.data[-200:]))

    broken = original.rstrip("\n") + "\n\nVoir [une fiche absente](action:999).\n"
    line = broken.count("\n")
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(broken)
    check("an error sends data: error", ev.wait_for(b"data: error\n\n", WAIT),
          repr(ev.data[-300:]))
    status, _, body = request(port, "GET", page)
    text = body.decode("utf-8", "replace")
    check("the last good page is still served", status == 200, str(status))
    check("the overlay is shown", "Erreurs dans le contenu" in text)
    where = "%s:%d:" % (os.path.basename(fiche), line)
    check("the overlay names file:line", where in text, where)
    status, _, body = request(port, "GET", "/page-absente.html")
    check("the overlay is on the 404 page too", status == 404 and
          "Erreurs dans le contenu".encode() in body)
    check("the error is printed on the terminal", os.path.basename(fiche) in open(
        os.path.join(root, "serve.log"), errors="replace").read())

    with open(fiche, "w", encoding="utf-8") as f:
        f.write(original)
    check("fixing it sends data: reload", ev.wait_for(b"data: reload\n\n", WAIT),
          repr(ev.data[-300:]))
    status, _, body = request(port, "GET", page)
    check("the overlay is gone", status == 200 and "Erreurs dans le contenu".encode() not in body)

    # A warning does not stop the build, but the overlay lists it.
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(original.rstrip("\n") + "\n\nVoir [le site](www.exemple.org).\n")
    check("a warning sends data: reload", ev.wait_for(b"data: reload\n\n", WAIT),
          repr(ev.data[-300:]))
    status, _, body = request(port, "GET", page)
    text = body.decode("utf-8", "replace")
    check("the page shows the warnings overlay", status == 200 and
          "Avertissements dans le contenu" in text and "www.exemple.org" in text, text[-600:])
    check("the warning is not called an error", "Erreurs dans le contenu" not in text)
    with open(fiche, "w", encoding="utf-8") as f:
        f.write(original)
    check("fixing the warning sends data: reload", ev.wait_for(b"data: reload\n\n", WAIT))
    # Saving may rebuild twice (truncate, then write): wait for the last one.
    deadline = time.time() + WAIT
    while True:
        status, _, body = request(port, "GET", page)
        if b"Avertissements dans le contenu" not in body or time.time() > deadline:
            break
        time.sleep(0.1)
    check("the warnings overlay is gone", b"Avertissements dans le contenu" not in body)

    # A template change rebuilds too, and new subdirectories are watched.
    sub = os.path.join(root, "content", "media", "nouveau-dossier")
    os.makedirs(sub)
    ev.wait_for(b"data: reload\n\n", 2)
    with open(os.path.join(sub, "image.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    check("a file in a new subdirectory rebuilds", ev.wait_for(b"data: reload\n\n", WAIT))
    ev.close()

    injected = [p for p in files_under(out, ".html")
                if b"__fiches/events" in open(p, "rb").read()
                or b"Erreurs dans le contenu" in open(p, "rb").read()
                or b"Avertissements dans le contenu" in open(p, "rb").read()]
    check("nothing injected is written to disk", not injected, ", ".join(injected[:3]))


def cpu_seconds(pid):
    """User + system CPU time of process pid so far (all its threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def performance(out, port, pid):
    wrk = shutil.which("wrk")
    pages = [p for p in files_under(os.path.join(out, "fiches-actions"), ".html")]
    if not wrk or not pages:
        print("note: wrk not found, no throughput figure")
        return
    url = "http://127.0.0.1:%d/%s" % (port, os.path.relpath(pages[0], out))
    cpu0 = cpu_seconds(pid)
    p = subprocess.run([wrk, "-t2", "-c64", "-d2s", url], capture_output=True, text=True,
                       timeout=30)
    cpu = cpu_seconds(pid) - cpu0
    m = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
    rate = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", p.stdout)
    count = int(m.group(1)) if m else 0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", p.stdout)
    per_cpu = count / cpu if cpu > 0 else float(count)
    print("note: wrk -t2 -c64 -d2s %s: %.0f requests/s, %d requests for %.2f s of the "
          "server's CPU time (%.0f per CPU second)" % (url, rate, count, cpu, per_cpu))
    # Per CPU second of the server, not per wall second: other jobs on the
    # machine (and wrk itself) take wall time, not the server's CPU time.
    check("throughput sanity floor (>= 5000 requests per CPU second of the server)",
          count > 0 and per_cpu >= 5000, "%d requests, %.2f s CPU" % (count, cpu))
    check("wrk saw no errors", errors is None, errors.group(0) if errors else "")


def port_in_use(root, port):
    p = subprocess.run([FICHES, "serve", "-C", root, "--port", str(port), "--no-pdf"],
                       capture_output=True, text=True, timeout=60, env=ENV)
    check("a port in use gives status 3", p.returncode == 3,
          "status %d: %s" % (p.returncode, p.stderr.strip()[-200:]))


if __name__ == "__main__":
    main()
