"""Load benchmark of the web app: many people writing diaries, clinicians reading triage.

Starts the app with uvicorn in a subprocess on 127.0.0.1 (a free port; a temporary
SQLite store, or ``--postgres URL``), creates N people and C clinicians (production
argon2 settings, clinicians with TOTP), shares each person with one clinician, logs
everyone in through the JSON API, then runs a bounded number of requests from a thread
pool: people POST a diary entry (``/api/me/diary`` when the pages' API is there, else
they GET ``/api/persons/{own id}``), clinicians GET their triage list (``/api/triage``,
else ``/api/patients``); ``--platform`` forces the latter pair to measure the platform
(session, CSRF, permission check, audit row) without the pages' computations.
Prints p50/p99 latency per kind, requests per second and errors.

Only loopback is used; every request goes through the session, CSRF, permission and
audit layers. Usage::

    python bench/bench_web_load.py [--people 40] [--clinicians 4] [--requests 3000]
                                   [--concurrency 16] [--max-seconds 120] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyotp

from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import AuthPolicy, start_enrolment, verify_totp
from nightbridge.services.accounts.sharing import create_invite, redeem_invite
from nightbridge.storage.database import Database

COOKIE = "__Host-nb_session"
PASSWORD = "bench passphrase, long enough"
SERVER = """
import sys, uvicorn
from nightbridge.storage.database import Database
from nightbridge.web.app import create_app
uvicorn.run(create_app(Database(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


@dataclass
class User:
    username: str
    role: str
    account_id: int
    person_id: int | None
    totp_secret: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    day: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, proc: subprocess.Popen[bytes], limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited while starting")
        try:
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start within 30 s")


def create_users(database: Database, people: int, clinicians: int) -> list[User]:
    policy = AuthPolicy()  # production argon2 cost
    users: list[User] = []
    tag = uuid.uuid4().hex[:6]
    for i in range(clinicians):
        name = f"dr-{tag}-{i}"
        account_id = create_account(
            database, policy, username=name, password=PASSWORD, role="clinician"
        )
        secret, _ = start_enrolment(database, account_id)
        earlier = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
        verify_totp(
            database, policy, account_id, pyotp.TOTP(secret).at(earlier), confirm=True, now=earlier
        )
        users.append(User(name, "clinician", account_id, None, secret))
    for i in range(people):
        name = f"p-{tag}-{i}"
        account_id = create_account(
            database,
            policy,
            username=name,
            password=PASSWORD,
            role="person",
            display_name=f"Person {i}",
        )
        with database.reader() as session:
            from nightbridge.storage.repositories.accounts import AccountRepository

            row = AccountRepository(session).get(account_id)
            person_id = row.person_id if row else None
        person = User(name, "person", account_id, person_id)
        users.append(person)
        clinician = users[i % clinicians] if clinicians else None
        if clinician is not None:
            invite = create_invite(database, Actor(account_id, "person", person_id))
            redeem_invite(database, Actor(clinician.account_id, "clinician"), invite.code)
    return users


def log_in(client: httpx.Client, user: User) -> None:
    """JSON login; the Secure cookie is carried by hand (httpx, like browsers' cookie
    jars, keeps Secure cookies off plain http, while browsers allow http://127.0.0.1)."""
    first = client.post("/api/auth/login", json={"username": user.username, "password": PASSWORD})
    first.raise_for_status()
    cookie = first.cookies.get(COOKIE)
    body = first.json()
    if body["stage"] == "totp":
        code = pyotp.TOTP(user.totp_secret or "").now()
        second = client.post(
            "/api/auth/totp",
            json={"code": code},
            headers={"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": body["csrf_token"]},
        )
        second.raise_for_status()
        cookie, body = second.cookies.get(COOKIE), second.json()
    user.headers = {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": body["csrf_token"]}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--clinicians", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument(
        "--platform",
        action="store_true",
        help="measure the platform alone: people GET /api/persons/{own id} (session, "
        "permission check and audit row), clinicians GET /api/patients",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        database = Database(url)
        database.migrate()
        started = time.monotonic()
        users = create_users(database, args.people, args.clinicians)
        print(
            f"store: {database.dialect}; created {args.people} people and "
            f"{args.clinicians} clinicians in {time.monotonic() - started:.1f} s"
        )
        database.dispose()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)])
        try:
            wait_until_up(base, server)
            run_load(base, users, args)
        finally:
            server.terminate()
            server.wait(timeout=10)


def run_load(base: str, users: list[User], args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=args.concurrency * 2)
    with httpx.Client(base_url=base, timeout=30, limits=limits) as client:
        started = time.monotonic()
        for user in users:
            log_in(client, user)
        print(f"logged in {len(users)} accounts in {time.monotonic() - started:.1f} s")
        paths = set(client.get("/api/openapi.json").json()["paths"])
        diary = "/api/me/diary" in paths and not args.platform
        triage = "/api/triage" in paths and not args.platform
        print(
            f"people: {'POST /api/me/diary' if diary else 'GET /api/me'}; "
            f"clinicians: {'GET /api/triage' if triage else 'GET /api/patients'}"
        )

        people = [u for u in users if u.role == "person"]
        clinicians = [u for u in users if u.role == "clinician"]
        lock = threading.Lock()
        latencies: dict[str, list[float]] = {"person": [], "clinician": []}
        errors: list[str] = []
        deadline = time.monotonic() + args.max_seconds
        rng = random.Random(7)
        plan = [
            rng.choice(clinicians) if clinicians and rng.random() < 0.2 else rng.choice(people)
            for _ in range(args.requests)
        ]

        def one(user: User) -> None:
            if time.monotonic() > deadline:
                return
            t0 = time.perf_counter()
            try:
                if user.role == "clinician":
                    path = "/api/triage" if triage else "/api/patients"
                    response = client.get(path, headers=user.headers)
                elif diary:
                    with lock:
                        user.day += 1
                        day = dt.date(2026, 1, 1) + dt.timedelta(days=user.day % 365)
                    response = client.post(
                        "/api/me/diary",
                        headers=user.headers,
                        json={
                            "date": day.isoformat(),
                            "bedtime": "23:10",
                            "lights_off": "23:25",
                            "sol_min": 20,
                            "nwak": 2,
                            "waso_min": 30,
                            "final_wake": "06:40",
                            "out_of_bed": "06:55",
                            "quality": 3,
                        },
                    )
                else:
                    response = client.get(f"/api/persons/{user.person_id}", headers=user.headers)
                ok = response.status_code < 400
                detail = f"{response.status_code} {response.text[:120]}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies[user.role].append(elapsed)
                if not ok:
                    errors.append(detail)

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for i, user in enumerate(plan):
                pool.submit(one, user)
                if i % 500 == 499:
                    print(f"  queued {i + 1}/{len(plan)}", flush=True)
        wall = time.monotonic() - started

    done = sum(len(v) for v in latencies.values())
    load1, _, _ = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load1:.1f} (other work shares them)")
    print(
        f"\n{done} requests in {wall:.1f} s with {args.concurrency} threads: "
        f"{done / wall:.0f} requests/s; errors: {len(errors)}"
    )
    for role, values in latencies.items():
        if values:
            print(
                f"  {role:9s} n={len(values):5d}  p50 {percentile(values, 50):7.1f} ms  "
                f"p99 {percentile(values, 99):7.1f} ms  mean {statistics.fmean(values):7.1f} ms"
            )
    for detail in errors[:5]:
        print("  error:", detail)


if __name__ == "__main__":
    main()
