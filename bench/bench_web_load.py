"""Load benchmark of the web app: many people writing diaries, clinicians reading triage.

Starts ``nightbridge serve --workers N`` in a subprocess on 127.0.0.1 (a free port; a
temporary SQLite store, or ``--postgres URL`` in a schema of its own, dropped after),
creates N people and C clinicians (production argon2 settings, clinicians with TOTP),
shares the people out among the clinicians (10 each by default), logs everyone in
through the JSON API, then:

1. **server CPU per request kind**: ``--cpu-requests`` diary POSTs, then as many triage
   GETs, each from 2 threads, reading the CPU time of the server's processes (``/proc``)
   before and after: CPU ms per request (median of 3 rounds);
2. **closed loop** (``--model closed``): ``--requests`` requests from ``--concurrency``
   threads (one per user by default: 220 users), a fifth of them clinicians, each user
   sending the next request the moment the last is answered, with no think time. This is
   a stress test, not a model of people: 220 users who never pause offer as many
   requests per second as the server can answer, so the latency it prints is mostly
   the time spent queued behind the others;
3. **open loop** (``--model open``): a model of the same 220 people. Each person posts
   a diary entry at random moments (Poisson), on average every ``--person-every``
   seconds (default 4 s), and each clinician opens triage on average every
   ``--clinician-every`` seconds (default 4 s): 55 requests/s offered for
   ``--open-seconds`` (default 60 s), whatever the answers are doing. Real use is far
   lighter: a person saves a diary entry once a day, a check-in and an evening log
   besides; 4 s is more than 20,000 times that. Latency counts from the moment a
   request was due, so a request waiting for a free client thread counts as waiting.
   Answers still due get ``--open-grace`` seconds (default 30 s) after the arrivals
   stop; requests not even sent by then (a server that cannot keep up) are errors.

Both print p50/p99 latency per kind, requests per second, errors and the machine's load
average (the bench's own client threads run on the same cores as the server).

People POST a diary entry (``/api/me/diary``) for a morning of the last week, clinicians
GET their triage list (``/api/triage``); ``--platform`` measures the platform alone
(``GET /api/persons/{id}`` and ``GET /api/patients``). Only loopback is used; every
request goes through the session, CSRF, permission and audit layers. Usage::

    python bench/bench_web_load.py [--people 200] [--clinicians 20] [--workers 2]
        [--model both|closed|open] [--requests 2000] [--concurrency 220]
        [--person-every 4] [--clinician-every 4] [--open-seconds 60]
        [--cpu-requests 300] [--postgres URL]
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
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyotp
from _enrol import enrol_clinician

from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import AuthPolicy
from nightbridge.services.accounts.sharing import create_invite, redeem_invite
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.storage.database import Database

COOKIE = "__Host-nb_session"
KINDS = ("diary POST", "triage GET")
PASSWORD = "bench passphrase, long enough"


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


def wait_until_up(base: str, proc: subprocess.Popen[bytes], limit_s: float = 180) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited while starting")
        try:
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start within {limit_s:.0f} s")


def create_users(database: Database, people: int, clinicians: int, keys: TotpKeys) -> list[User]:
    policy = AuthPolicy()  # production argon2 cost
    users: list[User] = []
    tag = uuid.uuid4().hex[:6]
    for i in range(clinicians):
        name = f"dr-{tag}-{i}"
        account_id = create_account(
            database, policy, username=name, password=PASSWORD, role="clinician"
        )
        secret = enrol_clinician(database, policy, account_id, keys)
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


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every process below it (/proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        ppid = int(fields[1])
        children.setdefault(ppid, []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clinicians", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", choices=("closed", "open", "both"), default="both")
    parser.add_argument("--requests", type=int, default=2000, help="closed loop: requests")
    parser.add_argument(
        "--person-every",
        type=float,
        default=4.0,
        help="open loop: mean seconds between a person's diary posts",
    )
    parser.add_argument(
        "--clinician-every",
        type=float,
        default=4.0,
        help="open loop: mean seconds between a clinician's triage views",
    )
    parser.add_argument("--open-seconds", type=float, default=60.0, help="open loop: length")
    parser.add_argument(
        "--open-grace",
        type=float,
        default=30.0,
        help="open loop: seconds the answers still due get after the arrivals stop",
    )
    parser.add_argument("--concurrency", type=int, default=0, help="default: one per user")
    parser.add_argument("--cpu-requests", type=int, default=300)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument(
        "--platform",
        action="store_true",
        help="measure the platform alone: people GET /api/persons/{own id} (session, "
        "permission check and audit row), clinicians GET /api/patients",
    )
    args = parser.parse_args()
    args.concurrency = args.concurrency or args.people + args.clinicians
    args.store = "postgresql" if args.postgres else "sqlite"

    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
        if args.postgres:
            from sqlalchemy import create_engine, text

            schema = f"nbload_{uuid.uuid4().hex[:10]}"
            admin = create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
            env["NIGHTBRIDGE_DATABASE_URL"] = url
        else:
            url = f"sqlite:///{Path(tmp) / 'nightbridge.sqlite3'}"
        try:
            database = Database(url)
            database.migrate()
            started = time.monotonic()
            users = create_users(
                database, args.people, args.clinicians, TotpKeys(Path(tmp) / "totp.key")
            )
            print(
                f"store: {database.dialect}; created {args.people} people and "
                f"{args.clinicians} clinicians in {time.monotonic() - started:.1f} s"
            )
            database.dispose()

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [sys.executable, "-m", "nightbridge", "--home", tmp, "serve"]
            command += ["--port", str(port), "--workers", str(args.workers)]
            server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
            try:
                wait_until_up(base, server)
                run_load(base, users, args, server.pid)
            finally:
                server.terminate()
                server.wait(timeout=20)
        finally:
            if schema is not None:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


class Requester:
    def __init__(self, client: httpx.Client, diary: bool, triage: bool) -> None:
        self.client, self.diary, self.triage = client, diary, triage
        self.lock = threading.Lock()

    def kind(self, user: User) -> str:
        return "triage GET" if user.role == "clinician" else "diary POST"

    def send(self, user: User) -> httpx.Response:
        if user.role == "clinician":
            path = "/api/triage" if self.triage else "/api/patients"
            return self.client.get(path, headers=user.headers)
        if not self.diary:
            return self.client.get(f"/api/persons/{user.person_id}", headers=user.headers)
        with self.lock:
            user.day += 1
            # a morning of the last week (yesterday .. 6 days back, in any zone): the
            # save evaluates the alerts of that morning and of today
            day = dt.date.today() - dt.timedelta(days=1 + user.day % 6)
        return self.client.post(
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


def cpu_per_request(requester: Requester, users: list[User], count: int, server_pid: int) -> float:
    """Server CPU ms per request of ``users``' kind: ``count`` requests from 2 threads."""
    rng = random.Random(11)
    plan = [rng.choice(users) for _ in range(count)]
    failures: list[int] = []
    before = server_cpu_s(server_pid)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for response in pool.map(requester.send, plan):
            if response.status_code >= 400:
                failures.append(response.status_code)
    spent = server_cpu_s(server_pid) - before
    if failures:
        raise SystemExit(f"{len(failures)} requests failed while measuring CPU: {failures[:5]}")
    return spent * 1000 / count


def run_load(base: str, users: list[User], args: argparse.Namespace, server_pid: int) -> None:
    # idle connections are closed before the server's keep-alive (uvicorn: 5 s) ends
    # them, as a browser does, so no request is sent on a connection being closed
    limits = httpx.Limits(max_connections=args.concurrency * 2, keepalive_expiry=3.0)
    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:
        started = time.monotonic()
        for user in users:
            log_in(client, user)
        print(f"logged in {len(users)} accounts in {time.monotonic() - started:.1f} s")
        paths = set(client.get("/api/openapi.json").json()["paths"])
        requester = Requester(
            client,
            "/api/me/diary" in paths and not args.platform,
            "/api/triage" in paths and not args.platform,
        )
        people = [u for u in users if u.role == "person"]
        clinicians = [u for u in users if u.role == "clinician"]
        per = len(people) // max(1, len(clinicians))
        print(
            f"people: {'POST /api/me/diary' if requester.diary else 'GET /api/persons/{id}'}; "
            f"clinicians: {'GET /api/triage' if requester.triage else 'GET /api/patients'} "
            f"({per} people each); {args.workers} server worker(s)"
        )
        # warm every worker's caches, then three rounds of CPU per kind
        cpu_per_request(requester, people, 40, server_pid)
        cpu_per_request(requester, clinicians, 40, server_pid)
        cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _round in range(3):
            cpu["diary POST"].append(
                cpu_per_request(requester, people, args.cpu_requests, server_pid)
            )
            cpu["triage GET"].append(
                cpu_per_request(requester, clinicians, args.cpu_requests, server_pid)
            )
        for kind in KINDS:
            print(
                f"server CPU per request: {kind:10s} {statistics.median(cpu[kind]):6.2f} ms "
                f"(rounds: {', '.join(f'{v:.2f}' for v in cpu[kind])})"
            )

        summary = [f"cpu_diary_ms={statistics.median(cpu['diary POST']):.2f}"]
        summary.append(f"cpu_triage_ms={statistics.median(cpu['triage GET']):.2f}")
        if args.model in ("closed", "both"):
            run_closed(requester, people, clinicians, args, server_pid, summary)
        if args.model in ("open", "both"):
            run_open(requester, people, clinicians, args, server_pid, summary)


class Tally:
    """Latencies per kind and errors of one model's run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.errors: list[str] = []
        self.late = 0

    def one(self, requester: Requester, user: User, since: float) -> None:
        """Send ``user``'s request; its latency counts from ``since`` (perf_counter),
        the moment it was due, so time spent waiting for a free client thread counts."""
        try:
            response = requester.send(user)
            ok = response.status_code < 400
            detail = f"{response.status_code} {response.text[:120]}"
        except httpx.HTTPError as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - since) * 1000
        with self.lock:
            self.latencies[requester.kind(user)].append(elapsed)
            if not ok:
                self.errors.append(detail)

    def report(self, label: str, wall: float, server_cpu: float, args: argparse.Namespace) -> str:
        done = sum(len(v) for v in self.latencies.values())
        load1, _, _ = os.getloadavg()
        print(f"\n== {label}")
        print(f"machine: {os.cpu_count()} CPUs, load average {load1:.1f} (other work shares them)")
        print(
            f"{done} requests in {wall:.1f} s: {done / wall:.1f} requests/s; server CPU "
            f"{server_cpu * 1000 / max(1, done):.2f} ms per request; errors: {len(self.errors)}"
        )
        every = [v for values in self.latencies.values() for v in values]
        for kind, values in [*self.latencies.items(), ("all", every)]:
            if values:
                print(
                    f"  {kind:10s} n={len(values):5d}  p50 {percentile(values, 50):7.1f} ms  "
                    f"p99 {percentile(values, 99):7.1f} ms  mean {statistics.fmean(values):7.1f} ms"
                )
        kinds: dict[str, int] = {}
        for detail in self.errors:
            kind = detail.split(" ", 1)[0] if detail[:1].isdigit() else detail.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        if kinds:
            print("  errors by kind:", ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
        for detail in self.errors[:3]:
            print("  error:", detail)
        return (
            f"rps={done / wall:.1f} p50_ms={percentile(every, 50):.0f} "
            f"p99_ms={percentile(every, 99):.0f} errors={len(self.errors)} load={load1:.1f}"
        )


def run_closed(
    requester: Requester,
    people: list[User],
    clinicians: list[User],
    args: argparse.Namespace,
    server_pid: int,
    summary: list[str],
) -> None:
    """Closed loop, no think time: ``--concurrency`` users each send their next request
    the moment the last one is answered (a stress test: every user is always waiting)."""
    tally = Tally()
    deadline = time.monotonic() + args.max_seconds
    rng = random.Random(7)
    plan = [
        rng.choice(clinicians) if clinicians and rng.random() < 0.2 else rng.choice(people)
        for _ in range(args.requests)
    ]

    def one(user: User) -> None:
        if time.monotonic() <= deadline:
            tally.one(requester, user, time.perf_counter())

    cpu_before = server_cpu_s(server_pid)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        for user in plan:
            pool.submit(one, user)
    wall = time.monotonic() - started
    label = (
        f"closed loop: {args.concurrency} users, no think time, {args.requests} requests "
        f"(a fifth of them clinicians)"
    )
    line = tally.report(label, wall, server_cpu_s(server_pid) - cpu_before, args)
    print(
        f"load store={args.store} model=closed users={args.concurrency} "
        f"workers={args.workers} {line} {' '.join(summary)}"
    )


def run_open(
    requester: Requester,
    people: list[User],
    clinicians: list[User],
    args: argparse.Namespace,
    server_pid: int,
    summary: list[str],
) -> None:
    """Open loop: every person posts a diary entry at random moments, on average every
    ``--person-every`` seconds, and every clinician opens triage on average every
    ``--clinician-every`` seconds (Poisson arrivals, whatever the server's answers are
    doing: a slow answer does not slow the arrivals, as with real people). Latency
    counts from the moment a request was due."""
    rate = len(people) / args.person_every + len(clinicians) / args.clinician_every
    rng = random.Random(13)
    tally = Tally()
    cpu_before = server_cpu_s(server_pid)
    started = time.perf_counter()
    due = started
    end = started + args.open_seconds
    threads = max(64, int(rate * 4))
    pool = ThreadPoolExecutor(max_workers=threads)
    futures = []
    while True:
        due += rng.expovariate(rate)
        if due >= end:
            break
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        share = len(people) / args.person_every / rate
        user = rng.choice(people) if rng.random() < share else rng.choice(clinicians)
        futures.append(pool.submit(tally.one, requester, user, due))
    # answers still due get ``--open-grace`` seconds; what was not even sent by then
    # (the client's backlog behind a server that cannot keep up) counts as an error
    wait(futures, timeout=args.open_grace)
    unsent = sum(1 for f in futures if f.cancel())
    pool.shutdown(wait=True)
    wall = time.perf_counter() - started
    for _ in range(unsent):
        tally.errors.append(f"not sent within {args.open_grace:g} s of the run's end")
    label = (
        f"open loop: {len(people)} people each posting a diary every {args.person_every:g} s "
        f"and {len(clinicians)} clinicians each opening triage every "
        f"{args.clinician_every:g} s on average (Poisson), {rate:.1f} requests/s offered "
        f"for {args.open_seconds:g} s"
    )
    line = tally.report(label, wall, server_cpu_s(server_pid) - cpu_before, args)
    print(
        f"load store={args.store} model=open users={len(people) + len(clinicians)} "
        f"offered_rps={rate:.1f} workers={args.workers} {line} {' '.join(summary)}"
    )


if __name__ == "__main__":
    main()
