#!/usr/bin/env python3
"""The writing workshop of `fiches serve` (/_edit/) over real HTTP.

Copies content/ into a temporary project, starts `fiches serve --port 0
--no-pdf` and checks, with http.client (so that Host, Origin and cookies
are what the test says): the secret (none or wrong → 403, the start URL
sets an HttpOnly SameSite=Strict cookie), the Host header (an attacker's
domain → 403), the Origin of state-changing requests (foreign or missing
→ 403), paths confined to content/ (.., absolute, hidden, symbolic links
→ refused, the target untouched), body limits (413), previews (the build's
page and diagnostics), saves (exact bytes, atomic, no temporary file left,
refused on a file changed on disk with the disk text returned), a save
with errors (allowed; the site keeps its last good build), that nothing
of the editor reaches public/, and that a non-loopback --host keeps the
editor off. Standard library only.

Prints "N passed, N failed[, N skipped]" last.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT as REPO, FICHES, ENV, Serve, request, check, skip, finish  # noqa: E402

DOC = "actions/06-habitants-a-l-epreuve-des-trafics.md"
# `fiches serve --no-pdf` on a project, stopped with SIGTERM; the other
# workshop tests take it (and request, api, REPO, FICHES) from here.
Server = Serve


def as_json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def api(srv, path, body):
    """POSTs body as JSON to path as the workshop's own pages do (their
    origin, the workshop's cookie): the status and the JSON answer ({}
    when it is not JSON)."""
    st, _, raw = request(srv.port, "POST", path, body, origin="http://127.0.0.1:%d" % srv.port,
                         cookie="fiches_atelier=" + srv.key)
    return st, as_json(raw)


def main():
    if not os.path.exists(FICHES):
        skip("t_editor_http", "no " + FICHES)
        finish()
    tmp = tempfile.mkdtemp(prefix="fiches-editor-http-")
    root = os.path.join(tmp, "projet")
    os.mkdir(root)
    shutil.copytree(os.path.join(REPO, "content"), os.path.join(root, "content"))
    outside = os.path.join(tmp, "dehors.md")
    with open(outside, "w") as f:
        f.write("ne pas toucher\n")
    srv = Server(root)
    try:
        if not check("serve starts and prints the workshop's start URL", srv.port and srv.key, srv.text()[-2000:]):
            return
        run(srv, root, outside)
    finally:
        srv.stop()
    # A non-loopback address without a password file: no editor.
    root2 = os.path.join(tmp, "projet2")
    shutil.copytree(root, root2, ignore=shutil.ignore_patterns("public", "serve.log"))
    srv2 = Server(root2, "--host", "0.0.0.0")
    try:
        check("--host 0.0.0.0 starts", srv2.port, srv2.text()[-1000:])
        check("--host 0.0.0.0 says the workshop is off", "--edit-password-file" in srv2.text() and srv2.key is None,
              srv2.text()[-1000:])
        if srv2.port:
            st, _, _ = request(srv2.port, "GET", "/_edit/")
            check("--host 0.0.0.0: /_edit/ is not served", st == 404, st)
    finally:
        srv2.stop()
    password_mode(tmp, root2)
    shutil.rmtree(tmp, ignore_errors=True)


def password_mode(tmp, root):
    pw = os.path.join(tmp, "motdepasse.txt")
    with open(pw, "w") as f:
        f.write("court\n")
    srv = Server(root, "--host", "0.0.0.0", "--edit-password-file", pw)
    try:
        check("a password under 8 characters keeps the workshop off", srv.port and srv.key is None
              and "too short" in srv.text() or "trop court" in srv.text(), srv.text()[-600:])
    finally:
        srv.stop()
    with open(pw, "w") as f:
        f.write("un mot de passe de test\n")
    os.chmod(pw, 0o644)
    srv = Server(root, "--host", "0.0.0.0", "--edit-password-file", pw)
    try:
        with open(pw) as f:
            stored = f.read()
        check("the password in clear is replaced by its Argon2id hash, readable by its owner only",
              stored.startswith("$argon2id$") and "mot de passe" not in stored and
              (os.stat(pw).st_mode & 0o777) == 0o600, (stored[:20], oct(os.stat(pw).st_mode)))
        if not check("--host 0.0.0.0 with a password file: the workshop is on", srv.port and srv.key, srv.text()[-600:]):
            return
        port = srv.port
        origin = "http://127.0.0.1:%d" % port
        st, _, body = request(port, "GET", "/_edit/")
        check("password mode: no cookie → 403 with the login form", st == 403 and b'name="motdepasse"' in body, st)
        st, _, body = request(port, "GET", "/_edit/fichier/" + DOC)
        check("password mode: a document without the cookie → 403, no text", st == 403 and b"number: 6" not in body, st)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        st, h, body = request(port, "POST", "/_edit/connexion", b"motdepasse=faux", origin=origin, headers=form)
        check("a wrong password → 403, no cookie", st == 403 and "set-cookie" not in h and "incorrect".encode() in body, st)
        st, h, _ = request(port, "POST", "/_edit/connexion", b"motdepasse=un+mot+de+passe+de+test", headers=form)
        check("the login without Origin → 403", st == 403 and "set-cookie" not in h, st)
        st, h, _ = request(port, "POST", "/_edit/connexion", b"motdepasse=un+mot+de+passe+de+test",
                           origin="http://evil.example", headers=form)
        check("the login from another site → 403", st == 403 and "set-cookie" not in h, st)
        st, h, _ = request(port, "POST", "/_edit/connexion", b"motdepasse=un+mot+de+passe+de+test",
                           host="evil.example:%d" % port, origin="http://evil.example:%d" % port, headers=form)
        check("the login through a rebound name → 403", st == 403 and "set-cookie" not in h, st)
        st, h, _ = request(port, "POST", "/_edit/connexion", b"motdepasse=un%20mot%20de%20passe%20de%20test",
                           origin=origin, headers=form)
        cookie = h.get("set-cookie", "")
        check("the right password → 303 and the cookie", st == 303 and cookie.startswith("fiches_atelier=") and
              "HttpOnly" in cookie and "SameSite=Strict" in cookie, (st, h))
        st, _, body = request(port, "GET", "/_edit/", cookie=cookie.split(";")[0])
        check("with that cookie the workshop opens", st == 200 and DOC.encode() in body, st)
    finally:
        srv.stop()


def run(srv, root, outside):
    port, key = srv.port, srv.key
    good = "fiches_atelier=" + key
    origin = "http://127.0.0.1:%d" % port
    doc_path = os.path.join(root, "content", DOC)
    with open(doc_path, encoding="utf-8") as f:
        original = f.read()

    # --- the secret
    st, _, _ = request(port, "GET", "/_edit/")
    check("no secret → 403", st == 403, st)
    st, _, _ = request(port, "GET", "/_edit/fichier/" + DOC)
    check("no secret, editor page → 403", st == 403, st)
    st, _, _ = request(port, "GET", "/_edit/", cookie="fiches_atelier=" + "0" * 64)
    check("wrong secret → 403", st == 403, st)
    st, _, _ = request(port, "GET", "/_edit/?cle=" + "0" * 64)
    check("wrong ?cle= → 403", st == 403, st)
    st, h, _ = request(port, "GET", "/_edit/?cle=" + key)
    cookie = h.get("set-cookie", "")
    check("start URL → 303 to /_edit/", st == 303 and h.get("location") == "/_edit/", (st, h))
    check("cookie holds the secret, HttpOnly, SameSite=Strict, Path=/",
          cookie.startswith(good + ";") and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie,
          cookie)
    st, h, body = request(port, "GET", "/_edit/", cookie=good)
    check("with the cookie: the list of documents", st == 200 and DOC.encode() in body, st)
    check("editor pages: CSP and no framing", "frame-ancestors 'none'" in h.get("content-security-policy", "")
          and h.get("x-frame-options") == "DENY", h)
    st, _, body = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original}, origin=origin)
    check("POST without the secret → 403", st == 403, st)

    # --- Host (DNS rebinding)
    for host in ["evil.example:%d" % port, "127.0.0.1.nip.io:%d" % port, "127.0.0.1:%d" % (port + 1),
                 "127.0.0.1", "localhost.evil.example:%d" % port]:
        st, _, _ = request(port, "GET", "/_edit/", host=host, cookie=good)
        check("Host %s → 403" % host, st == 403, st)
    st, _, _ = request(port, "GET", "/_edit/", host="localhost:%d" % port, cookie=good)
    check("Host localhost:PORT → 200", st == 200, st)
    st, _, _ = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original},
                       host="evil.example:%d" % port, origin="http://evil.example:%d" % port, cookie=good)
    check("POST with a rebound Host and matching Origin → 403", st == 403, st)

    # --- Origin
    st, _, _ = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original},
                       origin="http://evil.example", cookie=good)
    check("foreign Origin → 403", st == 403, st)
    st, _, _ = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original}, cookie=good)
    check("POST without Origin → 403", st == 403, st)
    st, _, _ = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original},
                       origin="null", cookie=good)
    check("Origin null → 403", st == 403, st)
    st, _, _ = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": "x", "base": ""},
                       origin="http://127.0.0.1:%d" % (port + 1), cookie=good)
    check("save from another port's Origin → 403", st == 403, st)
    with open(doc_path, encoding="utf-8") as f:
        check("refused requests changed nothing", f.read() == original)

    # --- preview: the build's page and diagnostics
    st, _, body = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": original}, origin=origin, cookie=good)
    r = as_json(body)
    with open(os.path.join(root, "public", "fiches-actions", "habitants-a-l-epreuve-des-trafics.html"), encoding="utf-8") as f:
        built = f.read()
    html = r.get("html") or ""
    check("preview → 200, no diagnostic", st == 200 and r.get("diagnostics") == [] and r.get("erreurs") == 0, body[:300])
    check("preview is the built page (plus <base>)",
          re.sub(r'<base href="[^"]*">', "", html, count=1) == built, len(html))
    broken = original.replace("logic: mobilisation-habitants", "logic: mobilisation-habitant")
    st, _, body = request(port, "POST", "/_edit/api/apercu", {"chemin": DOC, "texte": broken}, origin=origin, cookie=good)
    r = as_json(body)
    diags = r.get("diagnostics") or []
    line = original.split("\n").index("logic: mobilisation-habitants") + 1
    check("preview of a broken text: its diagnostic at its line, no page",
          st == 200 and r.get("html") is None and any(d["fichier"] == "content/" + DOC and d["ligne"] == line
                                                      and d["niveau"] == "erreur" for d in diags), body[:400])
    with open(doc_path, encoding="utf-8") as f:
        check("preview wrote nothing", f.read() == original)

    # --- paths
    for bad in ["../site.yaml", "/etc/passwd", "actions/../../dehors.md", "actions/../site.yaml", "actions/.cache.md",
                "site.yaml", "actions/sous/x.md", "actions\\x.md", "actions/", "actions/x.txt", "media/x.md", ""]:
        st, _, _ = request(port, "POST", "/_edit/api/enregistrer", {"chemin": bad, "texte": "x", "base": ""},
                           origin=origin, cookie=good)
        check("save to %r refused (400)" % bad, st == 400, st)
    for bad in ["/_edit/fichier/actions/%2e%2e/%2e%2e/dehors.md", "/_edit/fichier/..%2f..%2fdehors.md",
                "/_edit/fichier//etc/passwd", "/_edit/fichier/actions/..%5c..%5cdehors.md"]:
        st, _, body = request(port, "GET", bad, cookie=good)
        check("GET %s refused" % bad, st in (400, 404) and b"ne pas toucher" not in body, st)
    link = os.path.join(root, "content", "actions", "99-lien.md")
    os.symlink(outside, link)
    st, _, body = request(port, "GET", "/_edit/fichier/actions/99-lien.md", cookie=good)
    check("a symbolic link out of content/ is not opened", st == 404 and b"ne pas toucher" not in body, st)
    st, _, _ = request(port, "POST", "/_edit/api/enregistrer", {"chemin": "actions/99-lien.md", "texte": "pirate", "base": ""},
                       origin=origin, cookie=good)
    check("a symbolic link out of content/ is not written through (403)", st == 403, st)
    os.unlink(link)
    linkdir = os.path.join(tmp_dir(root), "dehors-dir")
    os.makedirs(linkdir, exist_ok=True)
    shutil.move(os.path.join(root, "content", "pages"), os.path.join(linkdir, "pages"))
    os.symlink(os.path.join(linkdir, "pages"), os.path.join(root, "content", "pages"))
    st, _, _ = request(port, "POST", "/_edit/api/enregistrer", {"chemin": "pages/credits.md", "texte": "pirate", "base": ""},
                       origin=origin, cookie=good)
    check("a directory linked out of content/ is not written into (403)", st == 403, st)
    os.unlink(os.path.join(root, "content", "pages"))
    shutil.move(os.path.join(linkdir, "pages"), os.path.join(root, "content", "pages"))
    with open(outside) as f:
        check("the file outside content/ is untouched", f.read() == "ne pas toucher\n")

    # --- body limits
    st, _, _ = request(port, "POST", "/_edit/api/apercu", b"{}", origin=origin, cookie=good,
                       headers={"Content-Length": str(64 * 1024 * 1024)})
    check("Content-Length over the limit → 413", st == 413, st)
    big = "a" * (5 * 1024 * 1024)
    st, _, _ = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": big, "base": ""},
                       origin=origin, cookie=good)
    check("a text over 4 MiB → 413", st == 413, st)
    st, _, _ = request(port, "POST", "/_edit/api/apercu", b"{not json", origin=origin, cookie=good)
    check("a body that is not JSON → 400", st == 400, st)
    st, _, _ = request(port, "PUT", "/_edit/api/enregistrer", b"{}", origin=origin, cookie=good)
    check("PUT → 405", st == 405, st)

    # --- save
    st, _, body = request(port, "GET", "/_edit/fichier/" + DOC, cookie=good)
    m = re.search(rb'<script type="application/json" id="donnees">(.*?)</script>', body, re.S)
    data = json.loads(m.group(1)) if m else {}
    check("editor page carries the file's exact text", st == 200 and data.get("texte") == original, st)
    version = data.get("version", "")
    edited = original.replace("Dans les quartiers", "Dans les quartiers « édités »", 1) + "\r\nligne CRLF \u202f!\n"
    st, _, body = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": edited, "base": version},
                          origin=origin, cookie=good)
    new_version = as_json(body).get("version", "")
    with open(doc_path, "rb") as f:
        check("save → 200 and the file holds the exact bytes", st == 200 and f.read() == edited.encode(), body[:200])
    leftovers = [n for n in os.listdir(os.path.dirname(doc_path)) if n.startswith(".") or n.endswith(".tmp")]
    check("no temporary file left beside it", not leftovers, leftovers)
    # Another program changes the file: an editor still holding the old version is refused.
    with open(doc_path, "a", encoding="utf-8", newline="") as f:
        f.write("\nAjout fait ailleurs.\n")
    with open(doc_path, encoding="utf-8", newline="") as f:
        disk = f.read()
    st, _, body = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": "mon texte", "base": new_version},
                          origin=origin, cookie=good)
    r = as_json(body)
    check("save over a file changed on disk → 409 with the disk text", st == 409 and r.get("disque") == disk, (st, body[:200]))
    with open(doc_path, encoding="utf-8", newline="") as f:
        check("the refused save changed nothing", f.read() == disk)
    st, _, body = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": original, "base": r.get("version")},
                          origin=origin, cookie=good)
    with open(doc_path, encoding="utf-8") as f:
        check("save naming the disk's version → 200", st == 200 and f.read() == original, st)
    st, _, body = request(port, "POST", "/_edit/api/enregistrer", {"chemin": "actions/98-nouvelle.md", "texte": "x", "base": "abc"},
                          origin=origin, cookie=good)
    check("save to a missing file with a version → 409", st == 409, st)

    # --- a save with errors: allowed, the site keeps its last good build
    served = os.path.join(root, "public", "fiches-actions", "habitants-a-l-epreuve-des-trafics.html")
    # The text is the original again: once the rebuilds are over (they lag behind the
    # saves on a loaded machine), the site is the first page again.
    wait_quiet(srv, 2.0, 60)
    check("the site settles back on the original page", wait_for(lambda: read(served) == built, 30))
    before = read(served)
    st, _, body = request(port, "GET", "/_edit/fichier/" + DOC, cookie=good)
    m = re.search(rb'id="donnees">(.*?)</script>', body, re.S)
    version = json.loads(m.group(1))["version"]
    st, _, body = request(port, "POST", "/_edit/api/enregistrer", {"chemin": DOC, "texte": broken, "base": version},
                          origin=origin, cookie=good)
    check("a text with errors can be saved", st == 200, st)
    ok = wait_for(lambda: re.search(r"06-habitants-a-l-epreuve-des-trafics\.md:%d:\d+: .*mobilisation-habitant[^s]" % line,
                                    srv.text()), 20)
    check("the rebuild reports the error", ok, srv.text()[-500:])
    after = read(served)
    check("the site keeps its last good build", after == before,
          [l for l in __import__("difflib").unified_diff(before.splitlines(), after.splitlines(), n=0)][:8])
    st, _, page = request(port, "GET", "/fiches-actions/habitants-a-l-epreuve-des-trafics.html")
    check("served pages show the error overlay and the « Modifier » link",
          b"fiches-erreurs" in page and b"fiches-modifier" in page, st)

    # --- images
    images(port, good, origin, root)

    # --- never in the built site
    found = []
    for d, _, files in os.walk(os.path.join(root, "public")):
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                b = f.read()
            if b"_edit" in b or b"fiches-modifier" in b or b"fiches_atelier" in b:
                found.append(n)
    check("nothing of the editor in public/", not found, found[:5])
    st, h, _ = request(port, "GET", "/_edit/ouvrir/fiches-actions/habitants-a-l-epreuve-des-trafics.html", cookie=good)
    check("« Modifier » on a fiche's page opens its editor", st == 303 and h.get("location") == "/_edit/fichier/" + DOC, (st, h))
    st, h, _ = request(port, "GET", "/_edit/ouvrir/index.html", cookie=good)
    check("« Modifier » on a page with no file of its own opens the list", st == 303 and h.get("location") == "/_edit/", (st, h))
    st, h, body = request(port, "GET", "/_edit/cm/lib/codemirror.js", cookie=good)
    check("CodeMirror is served by the program", st == 200 and b"CodeMirror" in body[:2000], st)
    st, _, _ = request(port, "GET", "/_edit/cm/../../../etc/passwd", cookie=good)
    check("only the listed CodeMirror files are served", st in (400, 404), st)


def png(width, height):
    """A valid grey PNG of that size (standard library only)."""
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes([(x * 7) & 0xff for x in range(width)]) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg(tmp, width, height):
    """A JPEG of that size, drawn by pdftoppm from a one-page PDF; None without it."""
    if not shutil.which("pdftoppm"):
        return None
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>" % (width, height)]
    stream = b"0.8 0.2 0.2 rg 0 0 %d %d re f" % (width // 2, height)
    objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    pdf = os.path.join(tmp, "dessin.pdf")
    with open(pdf, "wb") as f:
        f.write(out)
    subprocess.run(["pdftoppm", "-jpeg", "-r", "72", "-singlefile", pdf, os.path.join(tmp, "photo")], check=True)
    with open(os.path.join(tmp, "photo.jpg"), "rb") as f:
        return f.read()


def image_size(data):
    import struct
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


def images(port, good, origin, root):
    media = os.path.join(root, "content", "media")

    def up(data, name, **kw):
        from urllib.parse import quote
        st, _, body = request(port, "POST", "/_edit/api/image", data, cookie=good,
                              headers={"X-Nom-Fichier": quote(name), "Content-Type": "application/octet-stream"}, **kw)
        return st, as_json(body)
    st, r = up(b"<?php echo 1; ?>", "photo.png", origin=origin)
    check("an upload that is not an image (named .png) → refused by its content", st == 415 and "PNG" in r.get("erreur", ""), (st, r))
    st, r = up(png(10, 10), "Petite image.png")
    check("an upload without Origin → 403", st == 403, st)
    small = png(10, 10)
    st, r = up(small, "Petite image.png", origin=origin)
    stored = os.path.join(media, r.get("nom", "?"))
    check("a small PNG is stored as sent, under a safe name", st == 200 and r.get("nom") == "petite-image.png" and
          open(stored, "rb").read() == small, (st, r))
    st, r = up(small, "Petite image.png", origin=origin)
    check("the same name again never overwrites", st == 200 and r.get("nom") == "petite-image-2.png", r)
    st, r = up(png(2400, 12), "../../Écran très large.PNG", origin=origin)
    name = r.get("nom", "")
    check("a wide PNG gets a safe ASCII name inside content/media/",
          st == 200 and name == "ecran-tres-large.png" and os.path.exists(os.path.join(media, name)), r)
    if name:
        check("…and is scaled down to 1600 px", image_size(open(os.path.join(media, name), "rb").read()) == (1600, 8),
              image_size(open(os.path.join(media, name), "rb").read()))
    photo = jpeg(tempfile.mkdtemp(), 2000, 1000)
    if photo:
        st, r = up(photo, "IMG_2043.JPG", origin=origin)
        data = open(os.path.join(media, r.get("nom", "?")), "rb").read() if st == 200 else b""
        check("a JPEG photo is re-encoded, scaled down to 1600 px", st == 200 and r.get("nom") == "img-2043.jpg" and
              data[:3] == b"\xff\xd8\xff" and image_size(data) == (1600, 800), (st, r, image_size(data) if data else None))
    st, r = up(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4 + b"IHDR" + b"\xff" * 16, "bombe.png", origin=origin)
    check("a broken or huge PNG is refused", st == 415, (st, r))
    st, _, _ = request(port, "POST", "/_edit/api/image", b"x", cookie=good, origin=origin,
                       headers={"Content-Length": str(30 * 1024 * 1024)})
    check("an upload over the limit → 413", st == 413, st)


def tmp_dir(root):
    return os.path.dirname(root)


def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()


def wait_quiet(srv, quiet, seconds):
    """Waits until the server has printed nothing for quiet seconds."""
    deadline = time.time() + seconds
    last, since = srv.text(), time.time()
    while time.time() < deadline:
        time.sleep(0.1)
        now = srv.text()
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            return True
    return False


def wait_for(cond, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    main()
    finish()
