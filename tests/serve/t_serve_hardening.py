#!/usr/bin/env python3
"""Hostile clients against `fiches serve` (loopback only, bounded loops).

Starts `fiches serve -C <copy of the fixture> --port 0 --no-pdf` and checks
that it stays responsive and correct under: request smuggling attempts
(conflicting Content-Length / Transfer-Encoding, duplicate Content-Length,
CRLF injection in the path), very long URLs and headers, 200 idle
(slowloris) sockets while other clients are served, and 1 000 concurrent
connections, after which a normal request is answered and the server's RSS
(VmRSS in /proc/<pid>/status) stays under RSS_LIMIT_MB.
"""
import os
import re
import resource
import shutil
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fichestest import FICHES, Serve, check, finish, project, require_program  # noqa: E402

SANITIZED = os.environ.get("SANITIZE") == "1" or "sanitize" in FICHES
RSS_LIMIT_MB = 600 if SANITIZED else 200


def exchange(port, data, timeout=10):
    """Sends raw bytes, reads until the server closes or timeout; returns the bytes read."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    return out


def statuses(data):
    return [int(x) for x in re.findall(rb"(?:^|\r\n)HTTP/1\.[01] (\d{3})", data)]


def get(port, path="/", timeout=10):
    d = exchange(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout)
    st = statuses(d)
    return st[0] if st else 0


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) if m else 0


def main():
    require_program()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    root = project(templates=True)
    srv = Serve(root, stop_signal=signal.SIGINT)
    proc, port = srv.proc, srv.port
    if not port:
        check("serve starts", False, srv.text()[-500:])
        srv.stop()
        finish()
    try:
        check("normal request", get(port) == 200)
        host = b"Host: 127.0.0.1\r\n"
        # Request smuggling: the second request hidden in a body must never be answered as a request.
        smuggle = [
            ("Content-Length and Transfer-Encoding", b"POST / HTTP/1.1\r\n" + host + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /secret-smuggled HTTP/1.1\r\n" + host + b"\r\n"),
            ("duplicate Content-Length", b"GET / HTTP/1.1\r\n" + host + b"Content-Length: 0\r\nContent-Length: 44\r\n\r\nGET /secret-smuggled HTTP/1.1\r\n" + host + b"\r\n"),
            ("obfuscated Transfer-Encoding", b"GET / HTTP/1.1\r\n" + host + b"Transfer-Encoding : chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\nGET /secret-smuggled HTTP/1.1\r\n" + host + b"\r\n"),
            ("chunk size overflow", b"POST / HTTP/1.1\r\n" + host + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nx\r\n0\r\n\r\n"),
            ("bare LF line endings", b"GET / HTTP/1.1\n" + host.replace(b"\r", b"") + b"\nGET /secret-smuggled HTTP/1.1\n\n"),
        ]
        for name, data in smuggle:
            d = exchange(port, data, timeout=2)
            st = statuses(d)
            check(f"smuggling: {name}: no second response for the hidden request",
                  b"secret-smuggled" not in d and all(s in (200, 400, 405, 411, 413, 501) for s in st) and len(st) <= 2,
                  f"statuses {st} {d[:200]!r}")
        # CRLF injection in the path: no injected header, never a 200 for it.
        for target in [b"/index.html%0d%0aSet-Cookie:%20x=1", b"/%0d%0a%0d%0a<script>", b"/a\rSet-Cookie: x=1"]:
            d = exchange(port, b"GET " + target + b" HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n", timeout=5)
            head = d.partition(b"\r\n\r\n")[0]
            check(f"CRLF in path {target[:30]!r}: refused, no injected header",
                  b"Set-Cookie" not in head and (not statuses(d) or statuses(d)[0] in (400, 404)), repr(d[:200]))
        # Very long URL and headers.
        st = statuses(exchange(port, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n"))
        check("100 KB URL: 414 or 431 or closed", not st or st[0] in (400, 414, 431), str(st))
        st = statuses(exchange(port, b"GET / HTTP/1.1\r\n" + host + b"X-Long: " + b"b" * 200000 + b"\r\nConnection: close\r\n\r\n"))
        check("200 KB header: refused or closed", not st or st[0] in (400, 413, 431), str(st))
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
        st = statuses(exchange(port, b"GET / HTTP/1.1\r\n" + host + many + b"Connection: close\r\n\r\n"))
        check("5000 headers: refused or closed", not st or st[0] in (400, 413, 431), str(st))
        check("still serving after long requests", get(port) == 200)
        # Slowloris: 200 idle sockets, each with half a request line; others are still served.
        idle = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127")
            idle.append(s)
        ok = sum(get(port, timeout=5) == 200 for _ in range(20))
        check("200 idle sockets open: 20 other clients served", ok == 20, f"{ok}/20")
        for s in idle:
            s.close()
        # 1000 concurrent connections.
        conns = []
        for _ in range(1000):
            try:
                conns.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                break
        check("1000 connections opened", len(conns) == 1000, str(len(conns)))
        t0 = time.time()
        st = 0
        while time.time() - t0 < 30 and st != 200:
            st = get(port, timeout=5)
        waited = time.time() - t0
        check(f"normal request answered with 1000 connections open ({waited:.1f} s)", st == 200, str(st))
        rss = rss_kb(proc.pid)
        check(f"RSS {rss // 1024} MiB under {RSS_LIMIT_MB} MiB", rss < RSS_LIMIT_MB * 1024, f"{rss} kB")
        for s in conns:
            s.close()
        check("still serving after the connections close", get(port) == 200)
        check("server still running", proc.poll() is None)
    finally:
        srv.stop()
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    finish()


if __name__ == "__main__":
    sys.exit(main())
