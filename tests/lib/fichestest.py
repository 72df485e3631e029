"""What the Python tests of fiches share, so that a test holds its checks only.

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    from fichestest import check, skip, finish, fiches, ROOT, FICHES, FIXTURE

- where things are: ROOT (the checkout), FICHES (the program under test,
  $FICHES as tests/run.sh exports it), FIXTURE (tests/fixtures/basic),
  TEMPLATES, CONTENT (the TAT corpus);
- check()/skip() count and print « ok   name » / « FAIL name: detail » /
  « skip name: why »; finish() prints the line tests/run.sh adds to its
  totals (« N passed, N failed[, N skipped] ») and exits 1 on a failure;
  require_built() fails the whole test, require_program() skips it, when
  the program is not built;
- fiches() runs the program in the C locale without colours;
- project() copies a fixture into a fresh temporary directory, gencorpus()
  is the synthetic corpus generator of bench/; files()
  lists the files below a directory, tree() maps them to their bytes (or
  to sha256() or stamp() of each, to compare builds); git() and
  git_repository() for the tests that need one, folder_then_git() for a
  scenario played without git and in a repository;
- Serve starts `fiches serve --port 0` and reads the port (and the
  workshop's key) from what it prints (Serve.copy_of: on a fresh copy of
  a fixture, removed with the server at the end of a `with` block);
  request() speaks HTTP to it with exactly the Host, Origin and cookie a
  test gives; Events reads its live-reload stream.
Standard library only.
"""
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
FICHES = os.environ.get("FICHES") or os.path.join(ROOT, BUILD, "fiches")
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "basic")
TEMPLATES = os.path.join(ROOT, "templates")
CONTENT = os.path.join(ROOT, "content")
# The environment of every run of the program: English messages (the C
# locale; tests of the French ones set LANGUAGE/LC_ALL themselves), no colours.
ENV = dict(os.environ, NO_COLOR="1", LC_ALL="C", LANGUAGE="")

passed = failed = skipped = 0
_lock = threading.Lock()        # checks may come from several threads (tests/crash)


def check(name, cond, detail="", limit=None):
    """Counts and prints one check; returns cond, so that a test can stop
    when what follows depends on it. limit: the most characters of detail shown."""
    global passed, failed
    with _lock:
        if cond:
            passed += 1
            print("ok   " + name, flush=True)
        else:
            failed += 1
            text = str(detail)
            if limit is not None:
                text = text[:limit]
            print("FAIL " + name + (": " + text if text else ""), flush=True)
    return cond


def skip(name, why=""):
    """A check that cannot run here (a tool missing, not root): counted apart."""
    global skipped
    with _lock:
        skipped += 1
        print("skip " + name + (": " + why if why else ""), flush=True)


def summary():
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    return line


def finish():
    """Prints the summary line (the last of the output) and exits."""
    print(summary(), flush=True)
    sys.exit(1 if failed else 0)


def require_built():
    """Fails the whole test when the program is not built yet: a suite
    that cannot run its checks must not pass unseen."""
    if not os.access(FICHES, os.X_OK):
        check(os.path.basename(sys.argv[0]), False, FICHES + " is not built (run make)")
        finish()


def require_program():
    """Skips the whole test when the program is not built yet."""
    if not os.access(FICHES, os.X_OK):
        skip(os.path.basename(sys.argv[0]), FICHES + " is not built (run make)")
        finish()


def environ(env=None):
    """ENV updated with env (a value None removes the variable)."""
    e = dict(ENV)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    return e


def run(cmd, env=None, **kw):
    """Runs cmd with its output captured as text, in environ(env)."""
    return subprocess.run(cmd, capture_output=True, text=True, env=environ(env), **kw)


def fiches(*args, env=None, **kw):
    """Runs the program: (status, stdout, stderr)."""
    p = run([FICHES] + [str(a) for a in args], env=env, **kw)
    return p.returncode, p.stdout, p.stderr


def project(fixture=FIXTURE, templates=False, tmp=None, name="projet"):
    """A copy of fixture (a project directory, or CONTENT: then it becomes
    the copy's content/) in a fresh temporary directory; with templates,
    the repository's templates beside it. Returns the copy's root."""
    tmp = tmp or tempfile.mkdtemp(prefix="fiches-test-")
    root = os.path.join(tmp, name)
    if os.path.abspath(fixture) == CONTENT:
        os.makedirs(root)
        shutil.copytree(CONTENT, os.path.join(root, "content"))
    else:
        shutil.copytree(fixture, root, symlinks=True)
    if templates and not os.path.isdir(os.path.join(root, "templates")):
        shutil.copytree(TEMPLATES, os.path.join(root, "templates"))
    return root


def gencorpus():
    """bench/gencorpus (N DIR [SEED] writes a synthetic corpus), built when
    missing; None when it cannot be built."""
    gen = os.path.join(ROOT, "bench", "work", "bin", "gencorpus")
    if not os.access(gen, os.X_OK):
        subprocess.run(["make", "-C", os.path.join(ROOT, "bench"), "work/bin/gencorpus"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return gen if os.access(gen, os.X_OK) else None


def git(cwd, *args):
    """git in cwd, as a fixed author (the tests' own commits); the
    CompletedProcess, its output as text."""
    return subprocess.run(["git", "-C", cwd] + list(args), capture_output=True, text=True,
                          env=dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org",
                                   GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.org"))


def git_repository(root, *paths):
    """Makes root a git repository whose first commit, « initial », holds paths."""
    git(root, "init", "-q")
    git(root, "add", *paths)
    git(root, "commit", "-q", "-m", "initial")


def folder_then_git(name, scenario, folder_project, git_project):
    """scenario(label, root, in_git) on a project whose content/ is in no git
    repository (label « folder »), then on one in a repository (« git »;
    skipped without the git command). folder_project(tmp) and
    git_project(tmp) make them in one temporary directory, removed at the
    end; git_project is called after the first scenario has run."""
    if not os.path.exists(FICHES):
        skip(name, "no " + FICHES)
        return
    tmp = tempfile.mkdtemp(prefix="fiches-%s-" % name)
    try:
        scenario("folder", folder_project(tmp), False)
        if shutil.which("git") is None:
            skip("git", "no git command")
            return
        scenario("git", git_project(tmp), True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def files(root):
    """The paths of the files below root, relative to it, sorted."""
    out = []
    for d, _, names in os.walk(root):
        out += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(out)


def tree(root, value=None):
    """Every file below root (none when root does not exist): its path
    relative to root -> value(its path), by default its bytes."""
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = value(p) if value else read(p, "rb")
    return out


def sha256(path):
    """The hex SHA-256 of a file's bytes."""
    return hashlib.sha256(read(path, "rb")).hexdigest()


def stamp(path):
    """(sha256, mtime in ns): a file rewritten with the same bytes differs."""
    return sha256(path), os.stat(path).st_mtime_ns


def read(path, mode="r"):
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w", **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
        f.write(data)


def wait_for(cond, seconds, step=0.05):
    """Polls cond until it holds or seconds pass (a limit that catches a hang,
    never a speed check); returns whether it held."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return bool(cond())


class Serve:
    """`fiches serve -C root --port 0 [--no-pdf] extra…`, its output in a log
    file; port (None when it did not start within timeout s of wall time)
    and key (the workshop's secret, when it printed its start URL). As a
    context manager, stopped (and its copy removed, see copy_of) at the end
    of the block."""

    PORT = re.compile(r"at http://[0-9.\[\]:a-f]+?:(\d+)/")
    KEY = re.compile(r"/_edit/\?cle=([0-9a-f]+)")

    def __init__(self, root, *extra, pdf=False, env=None, timeout=60, log_path=None, fiches=None,
                 stop_signal=signal.SIGTERM):
        self.root = root
        self.tmp = None                 # the directory copy_of made, removed by close()
        self.log_path = log_path or os.path.join(root, "serve.log")
        self.log = open(self.log_path, "w")
        self.stop_signal = stop_signal
        e = environ(env)
        cmd = [fiches or FICHES, "serve", "-C", root, "--port", "0"] + ([] if pdf else ["--no-pdf"]) + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=e)
        self.port = self.key = None
        deadline = time.time() + timeout
        while time.time() < deadline and self.proc.poll() is None:
            text = self.text()
            m = self.PORT.search(text)
            if m:
                self.port = int(m.group(1))
                k = self.KEY.search(text)
                self.key = k.group(1) if k else None
                break
            time.sleep(0.05)

    @classmethod
    def copy_of(cls, fixture=FIXTURE, *extra, templates=True, prefix="fiches-serve-", **options):
        """Serve(root, *extra, **options) on project(fixture, templates) in a
        fresh temporary directory named prefix…, which close() removes."""
        tmp = tempfile.mkdtemp(prefix=prefix)
        try:
            srv = cls(project(fixture, templates=templates, tmp=tmp), *extra, **options)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        srv.tmp = tmp
        return srv

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """stop(), then removes the copy copy_of made."""
        self.stop()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stop(self):
        """Stops the server (stop_signal, then SIGKILL after 10 s); its status.
        Again once stopped: the same status."""
        if self.proc.poll() is None:
            self.proc.send_signal(self.stop_signal)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Events:
    """The live-reload stream of a running `fiches serve` (Server-Sent
    Events), read on a raw HTTP/1.0 socket: no chunking to undo. Like a
    page, it says it has loaded again (GET /__fiches/charge) after each
    reload or error event it reads, unless loaded=False: the server's
    background work (data files, PDF pass) waits for the pages it told."""

    def __init__(self, port, loaded=True):
        self.port = port
        self.loaded = loaded
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=0.2)
        self.sock.sendall(b"GET /__fiches/events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n")
        self.data = b""
        self.unscanned = b""    # received, not yet looked at for events to answer

    def say_loaded(self):
        """What the reload script does at its page's load event."""
        c = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        c.sendall(b"GET /__fiches/charge HTTP/1.0\r\n\r\n")
        while c.recv(4096):
            pass
        c.close()

    def wait_for(self, needle, seconds):
        """Reads until needle comes (then drops what was read up to its end)
        or seconds pass; whether it came."""
        deadline = time.time() + seconds
        while needle not in self.data and time.time() < deadline:
            try:
                chunk = self.sock.recv(4096)
                if not chunk:
                    break
                self.data += chunk
                self.unscanned += chunk
            except socket.timeout:
                pass
            *blocks, self.unscanned = self.unscanned.split(b"\n\n")
            for block in blocks:
                if self.loaded and block in (b"data: reload", b"data: error"):
                    self.say_loaded()
        if needle not in self.data:
            return False
        self.data = self.data[self.data.index(needle) + len(needle):]
        return True

    def close(self):
        self.sock.close()


def request(port, method, path, body=None, host=None, origin=None, cookie=None, headers=None):
    """One HTTP request with exactly these headers: (status, headers with
    lower-case names, body bytes). A dict or list body is sent as JSON."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    c.putheader("Host", host or "127.0.0.1:%d" % port)
    if origin:
        c.putheader("Origin", origin)
    if cookie:
        c.putheader("Cookie", cookie)
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if not (headers and "Content-Length" in headers):
            c.putheader("Content-Length", str(len(data)))
        c.putheader("Content-Type", "application/json")
    c.endheaders()
    if data:
        try:
            c.send(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
    r = c.getresponse()
    out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read())
    c.close()
    return out
