#!/usr/bin/env python3
"""French by default where the user is French, with no install step (issue 13, item 1).

No test here sets FICHES_LOCALEDIR: the program must find its catalogue
itself, next to the executable (build/locale beside build/fiches, or
PREFIX/share/locale from PREFIX/bin), and speak French for LANGUAGE=fr or
LANG=fr_FR.UTF-8 even on a machine where no fr_FR locale is generated
(Debian's default: only C.UTF-8). Counts use the French plural forms.
`fiches serve`'s overlay is French whatever the terminal's locale, because
the site's language is fr.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import ROOT, FICHES, FIXTURE, check, finish, require_built  # noqa: E402

NNBSP = "\u202f"
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "FICHES_LOCALEDIR")


def env_with(**kw):
    e = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    e["NO_COLOR"] = "1"
    e.update(kw)
    return e


def run(args, fiches=FICHES, **kw):
    p = subprocess.run([fiches] + args, capture_output=True, text=True, env=env_with(**kw),
                       timeout=120)
    return p.returncode, p.stderr


def project(broken_themes=1):
    """The fixture with broken_themes fiches each naming its own unknown theme
    (cadre-de-vi, then theme-inconnu-2…): distinct mistakes, one error each."""
    d = tempfile.mkdtemp(prefix="fiches-i18n-")
    shutil.copytree(os.path.join(FIXTURE, "content"), os.path.join(d, "content"))
    actions = os.path.join(d, "content", "actions")
    done = 0
    for name in sorted(os.listdir(actions)):
        path = os.path.join(actions, name)
        text = open(path, encoding="utf-8").read()
        bad = "cadre-de-vi" if done == 0 else f"theme-inconnu-{done + 1}"
        new = re.sub(r"^themes: \[[^\]]*\]$", f"themes: [{bad}]", text, count=1, flags=re.M)
        if new != text and done < broken_themes:
            open(path, "w", encoding="utf-8").write(new)
            done += 1
    assert done == broken_themes, f"only {done} fiches have a themes: line"
    return d


FRENCH_ERROR = f"erreur: thème «{NNBSP}cadre-de-vi{NNBSP}» introuvable"
ENGLISH_ERROR = "error: unknown theme 'cadre-de-vi'"


def test_languages(proj):
    fr_installed = any(l.lower().startswith("fr") for l in
                       subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split())
    print(f"# fr locales generated on this machine: {fr_installed}")
    cases = [
        ("LANGUAGE=fr, LANG=C", dict(LANGUAGE="fr", LANG="C")),
        ("LANGUAGE=fr alone", dict(LANGUAGE="fr")),
        ("LANG=fr_FR.UTF-8", dict(LANG="fr_FR.UTF-8")),
        ("LC_ALL=fr_FR.UTF-8", dict(LC_ALL="fr_FR.UTF-8")),
        ("LC_MESSAGES=fr_FR.UTF-8, LANG=C.UTF-8", dict(LC_MESSAGES="fr_FR.UTF-8", LANG="C.UTF-8")),
        ("LANGUAGE=fr_FR:en", dict(LANGUAGE="fr_FR:en", LANG="C.UTF-8")),
    ]
    for name, env in cases:
        rc, err = run(["check", "-C", proj], **env)
        check(f"{name}: French without FICHES_LOCALEDIR", rc == 1 and FRENCH_ERROR in err, err)
        check(f"{name}: no English left", "unknown" not in err and "error:" not in err, err)
    for name, env in [("LC_ALL=C", dict(LC_ALL="C")), ("LANG=C.UTF-8", dict(LANG="C.UTF-8")),
                      ("no locale variable", {}),
                      ("LANG=fr_FR.UTF-8, LANGUAGE=en", dict(LANG="fr_FR.UTF-8", LANGUAGE="en"))]:
        rc, err = run(["check", "-C", proj], **env)
        check(f"{name}: English", rc == 1 and ENGLISH_ERROR in err, err)


def test_plurals():
    for n, fr, en in ((1, "1 erreur, 0 avertissement", "1 error, 0 warnings"),
                      (2, "2 erreurs, 0 avertissement", "2 errors, 0 warnings")):
        proj = project(n)
        rc, err = run(["check", "-C", proj], LANGUAGE="fr")
        check(f"French count for {n}: « {fr} »", rc == 1 and fr in err, err)
        rc, err = run(["check", "-C", proj], LC_ALL="C")
        check(f"English count for {n}: « {en} »", rc == 1 and en in err, err)
        check(f"no « 1 errors »", "1 errors" not in err)
        shutil.rmtree(proj)


def test_moved_copy(proj):
    d = tempfile.mkdtemp(prefix="fiches-moved-")
    shutil.copy2(FICHES, os.path.join(d, "fiches"))
    shutil.copytree(os.path.join(os.path.dirname(FICHES), "locale"), os.path.join(d, "locale"))
    rc, err = run(["check", "-C", proj], fiches=os.path.join(d, "fiches"), LANGUAGE="fr")
    check("a copy of build/fiches with locale/ beside it speaks French", FRENCH_ERROR in err, err)
    link = os.path.join(tempfile.mkdtemp(prefix="fiches-link-"), "fiches")
    os.symlink(os.path.join(d, "fiches"), link)
    rc, err = run(["check", "-C", proj], fiches=link, LANGUAGE="fr")
    check("… also through a symbolic link to it", FRENCH_ERROR in err, err)
    shutil.rmtree(os.path.dirname(link))
    shutil.rmtree(d)


def test_lone_copy(proj):
    """The program copied on its own: its built-in catalogue, written to a private directory."""
    d = tempfile.mkdtemp(prefix="fiches-lone-")
    runtime = tempfile.mkdtemp(prefix="fiches-runtime-")
    shutil.copy2(FICHES, os.path.join(d, "fiches"))
    lone = os.path.join(d, "fiches")
    rc, err = run(["check", "-C", proj], fiches=lone, LANGUAGE="fr", XDG_RUNTIME_DIR=runtime)
    check("a copy of build/fiches alone speaks French (built-in catalogue)", FRENCH_ERROR in err, err)
    made = [os.path.join(b, f) for b, _, fs in os.walk(runtime) for f in fs]
    check("… written once under $XDG_RUNTIME_DIR/fiches-UID-DIGEST",
          len(made) == 1 and re.search(r"/fiches-\d+-[0-9a-f]{16}/fr/LC_MESSAGES/fiches\.mo$", made[0]),
          str(made))
    if made:
        top = os.path.join(runtime, os.listdir(runtime)[0])
        check("… in a directory closed to others", os.stat(top).st_mode & 0o077 == 0,
              oct(os.stat(top).st_mode))
        before = os.stat(made[0]).st_mtime_ns
        run(["check", "-C", proj], fiches=lone, LANG="fr_FR.UTF-8", XDG_RUNTIME_DIR=runtime)
        check("… and not rewritten by the next run", os.stat(made[0]).st_mtime_ns == before)
        os.chmod(top, 0o755)
        shutil.rmtree(os.path.join(top, "fr"))
        rc, err = run(["check", "-C", proj], fiches=lone, LANGUAGE="fr", XDG_RUNTIME_DIR=runtime)
        check("a private directory others can read is not used",
              not os.path.exists(os.path.join(top, "fr")), str(os.listdir(top)))
    rc, err = run(["check", "-C", proj], fiches=lone, LC_ALL="C", XDG_RUNTIME_DIR=d)
    check("English needs no catalogue: nothing written",
          ENGLISH_ERROR in err and sorted(os.listdir(d)) == ["fiches"], str(os.listdir(d)))
    shutil.rmtree(d)
    shutil.rmtree(runtime)


def test_installed(proj):
    dest = tempfile.mkdtemp(prefix="fiches-inst-")
    prefix = "/opt/fiches-i18n-test"     # not the compiled-in prefix: found from the program
    p = subprocess.run(["make", "-s", "install", "PREFIX=" + prefix, "DESTDIR=" + dest,
                        "BUILD=" + os.path.dirname(FICHES)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    check("make install into DESTDIR", p.returncode == 0, p.stderr[-500:])
    fiches = os.path.join(dest, prefix.lstrip("/"), "bin", "fiches")
    rc, err = run(["check", "-C", proj], fiches=fiches, LANG="fr_FR.UTF-8")
    check("the installed program finds PREFIX/share/locale wherever PREFIX is",
          FRENCH_ERROR in err, err)
    shutil.rmtree(dest)


def test_serve_overlay(proj):
    """The overlay speaks French under LC_ALL=C; the terminal's own lines stay English."""
    # 200 more mistakes: the overlay shows 200 lines, then « … et 1 autre ».
    page = os.path.join(proj, "content", "pages", "la-demarche.md")
    with open(page, "a", encoding="utf-8") as f:
        f.write("\n" + "".join(f"Voir [la fiche](action:{900 + i}).\n\n" for i in range(200)))
    log = tempfile.NamedTemporaryFile(mode="w+", delete=False, suffix=".log")
    proc = subprocess.Popen([FICHES, "serve", "-C", proj, "--port", "0", "--no-pdf"],
                            stdout=log, stderr=subprocess.STDOUT,
                            env=env_with(LC_ALL="C", LANGUAGE=""))
    port, deadline = None, time.time() + 60
    try:
        while time.time() < deadline and proc.poll() is None and port is None:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", open(log.name).read())
            port = int(m.group(1)) if m else None
            time.sleep(0.05)
        check("serve starts", port is not None, open(log.name).read())
        if port is None:
            return
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
        except urllib.error.HTTPError as e:     # no good build yet: the 404 page has the overlay
            body = e.read().decode()
        check("the overlay is shown", "Erreurs dans le contenu" in body)
        items = re.findall(r"<li><code[^>]*>(.*?)</code></li>", body, re.S)
        check("the overlay lists the diagnostic in French",
              any("erreur: thème «" in i and "introuvable" in i for i in items), str(items))
        check("no English in the overlay", not any("unknown" in i or "error:" in i for i in items),
              str(items))
        check("the overlay lists 200 diagnostics", len(items) == 200, str(len(items)))
        check("… then « … et 1 autre » (singular)", "… et 1 autre (voir le terminal)" in body,
              re.findall(r"<li>… et[^<]*", body))
        text = open(log.name).read()
        check("the terminal's status line stays in its language (English)",
              "Serving " in text and "still serving the last good build" in text, text)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.unlink(log.name)


def main():
    require_built()
    proj = project()
    try:
        test_languages(proj)
        test_plurals()
        test_moved_copy(proj)
        test_lone_copy(proj)
        test_installed(proj)
        test_serve_overlay(proj)
    finally:
        shutil.rmtree(proj, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
