"""What one oversized request costs the server: answer time, server CPU time and peak RSS.

Starts the app with uvicorn in a subprocess on 127.0.0.1 (a free port, a temporary SQLite
store), sends ONE anonymous request with a large body (default 200 MiB) and reads:

- the answer time: from the first byte sent until the status line arrives;
- the server's CPU time (user + system, from /proc) spent on that request;
- the server's resident memory before the request and its peak (VmHWM) after it.

Each case runs in a fresh server, ``--repeat`` times; medians are printed. Cases: the JSON
login with a declared Content-Length (no session needed), and the login form sent chunked
(no length) with the anonymous session cookie a GET of /login hands anyone.
``--src DIR`` serves the app from another source tree (e.g. ``/work/main/src``) so the
figures before and after a change are measured on the same machine::

    python bench/bench_body_limit.py [--mib 200] [--repeat 3] [--src DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVER = """
import sys, uvicorn
from nightbridge.storage.database import Database
from nightbridge.web.app import create_app
database = Database(sys.argv[1])
database.migrate()
uvicorn.run(create_app(database), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="critical", access_log=False)
"""
CHUNK = 256 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Figure:
    status: str
    answer_s: float
    cpu_s: float
    rss_before_mib: float
    peak_mib: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status(pid: int, key: str) -> float:
    """A /proc/<pid>/status field in MiB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def login_cookie(port: int) -> str:
    """The anonymous session cookie that GET /login sets (what any stranger gets)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"set-cookie:"):
            return line.split(b":", 1)[1].split(b";", 1)[0].strip().decode()
    return ""


def request_once(
    port: int, path: str, content_type: str, size: int, chunked: bool, cookie: str = ""
) -> str:
    """Send headers then the body in chunks, stop as soon as the server answers."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}"]
    if cookie:
        head.append(f"Cookie: {cookie}")
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        block = b"a" * CHUNK
        prefix = b"password=" if "form" in content_type else b'{"password": "'
        sent = 0
        answered = False
        while sent < size and not answered:
            piece = block[: min(CHUNK, size - sent)]
            if sent == 0:
                piece = prefix + piece[len(prefix) :]
            data = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
            answered = bool(select.select([sock], [], [], 0)[0])
        if chunked and sent >= size:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(b"0\r\n\r\n")
        sock.settimeout(300)
        try:
            first = sock.recv(200)
        except ConnectionResetError:
            return "reset"
        return first.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"


def run_case(src: str | None, path: str, content_type: str, size: int, chunked: bool) -> Figure:
    port = free_port()
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        proc = subprocess.Popen(  # our own interpreter and fixed code
            [sys.executable, "-c", SERVER, url, str(port)], env=env
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            cookie = login_cookie(port) if chunked else ""
            time.sleep(0.5)
            rss_before = proc_status(proc.pid, "VmRSS")
            cpu_before = cpu_seconds(proc.pid)
            started = time.perf_counter()
            status = request_once(port, path, content_type, size, chunked, cookie)
            answer = time.perf_counter() - started
            time.sleep(0.5)
            cpu = cpu_seconds(proc.pid) - cpu_before
            peak = proc_status(proc.pid, "VmHWM")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return Figure(status, answer, cpu, rss_before, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", default=None, help="serve the app from this source tree")
    args = parser.parse_args()
    size = args.mib * 1024 * 1024
    cases = [
        ("JSON login, Content-Length", "/api/auth/login", "application/json", False),
        ("login form, chunked, cookie", "/login", "application/x-www-form-urlencoded", True),
    ]
    print(f"one anonymous {args.mib} MiB request; medians of {args.repeat} fresh servers")
    print(f"source: {args.src or 'this tree'}")
    print(
        f"{'case':<28} {'status':<28} {'answer s':>9} {'CPU s':>7} {'RSS MiB':>8} {'peak MiB':>9}"
    )
    for label, path, content_type, chunked in cases:
        figures = [
            run_case(args.src, path, content_type, size, chunked) for _ in range(args.repeat)
        ]
        print(
            f"{label:<28} {figures[0].status[:28]:<28} "
            f"{statistics.median(f.answer_s for f in figures):>9.3f} "
            f"{statistics.median(f.cpu_s for f in figures):>7.2f} "
            f"{statistics.median(f.rss_before_mib for f in figures):>8.0f} "
            f"{statistics.median(f.peak_mib for f in figures):>9.0f}"
        )


if __name__ == "__main__":
    main()
