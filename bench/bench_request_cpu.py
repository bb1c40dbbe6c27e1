"""Server CPU of one request, in process: a person's diary POST and a clinician's triage.

Builds the app (``create_app``) on a temporary SQLite store, or with ``--postgres URL``
in a schema of its own (dropped after), creates one clinician sharing ten people (each
with a fortnight of diary), logs in through the JSON API, and then drives the ASGI app
from one thread (Starlette's ``TestClient``; the app's sync routes run in its thread
pool): ``--requests`` diary POSTs of three kinds (this morning's entry; a morning of
the last week, whose saving evaluates the alerts of that morning and of today; a morning
a month to a year back, as ``bench_web_load.py`` posts) and as many triage GETs. It
prints per kind the median wall time, the CPU time per request of the whole
process (client included, so an upper bound of the server's share; median and best of
5 rounds, the best being the least disturbed by other work on a shared machine) and
the SQL statements per request. ``--profile KIND`` prints a CPU profile of that kind instead
(over every thread with ``yappi`` from PyPI when it is installed, a dev tool only).

Logins use cheap argon2 settings (they are not what is measured); nothing leaves the
machine. Usage::

    python bench/bench_request_cpu.py [--requests 200] [--postgres URL] [--profile diary-old]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text

from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import AuthPolicy
from nightbridge.services.accounts.sharing import create_invite, redeem_invite
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.sleep.dashboard import record_diary
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app

PASSWORD = "bench passphrase, long enough"
#: CPU is timed per round; the best round is the figure least disturbed by other work
ROUNDS = 5
COOKIE = "__Host-nb_session"
POLICY = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
NIGHT = {
    "bedtime": "23:10",
    "lights_off": "23:25",
    "sol_min": 20,
    "nwak": 2,
    "waso_min": 30,
    "final_wake": "06:40",
    "out_of_bed": "06:55",
    "quality": 3,
}


def build(database: Database) -> tuple[list[int], int]:
    """Ten people with a fortnight of diary, sharing with one clinician (who enrols
    TOTP in ``finish_clinician``)."""
    clinician = create_account(
        database, POLICY, username="dr-bench", password=PASSWORD, role="clinician"
    )
    people: list[int] = []
    today = dt.date.today()
    for i in range(10):
        account = create_account(
            database,
            POLICY,
            username=f"p-bench-{i}",
            password=PASSWORD,
            role="person",
            display_name=f"Person {i}",
            profile=Profile(screened=True, located=True),
        )
        from nightbridge.storage.repositories.accounts import AccountRepository

        with database.reader() as session:
            row = AccountRepository(session).get(account)
            assert row is not None and row.person_id is not None
            person_id = row.person_id
        people.append(account)
        for ago in range(14, 0, -1):
            day = today - dt.timedelta(days=ago)
            record_diary(database, person_id, {"date": day.isoformat(), **NIGHT_STR})
        invite = create_invite(database, Actor(account, "person", person_id))
        redeem_invite(database, Actor(clinician, "clinician"), invite.code)
    return people, clinician


NIGHT_STR = {k: str(v) for k, v in NIGHT.items()}


def session_headers(client: TestClient, username: str) -> dict[str, str]:
    first = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    first.raise_for_status()
    body = first.json()
    cookie = first.cookies.get(COOKIE)
    client.cookies.clear()  # the session travels in the headers returned
    return {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": body["csrf_token"]}


def finish_clinician(
    database: Database, client: TestClient, clinician: int, keys: TotpKeys
) -> dict[str, str]:
    """A logged-in clinician session (TOTP enrolment is not what is measured); ``keys``:
    the app's TOTP key file (docs/security.md), so the app can read the sealed secret."""
    import pyotp
    from _enrol import enrol_clinician

    secret = enrol_clinician(database, POLICY, clinician, keys)
    first = client.post("/api/auth/login", json={"username": "dr-bench", "password": PASSWORD})
    first.raise_for_status()
    cookie, body = first.cookies.get(COOKIE), first.json()
    second = client.post(
        "/api/auth/totp",
        json={"code": pyotp.TOTP(secret).now()},
        headers={"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": body["csrf_token"]},
    )
    second.raise_for_status()
    cookie, body = second.cookies.get(COOKIE), second.json()
    client.cookies.clear()
    return {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": body["csrf_token"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument(
        "--profile", choices=("diary-today", "diary-week", "diary-old", "triage"), default=None
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        schema, admin = None, None
        if args.postgres:
            schema = f"nbcpu_{uuid.uuid4().hex[:10]}"
            admin = create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{Path(tmp) / 'nightbridge.sqlite3'}"
        try:
            database = Database(url)
            database.migrate()
            _people, clinician = build(database)
            app = create_app(database, settings=Settings(auth=POLICY, home=Path(tmp)))
            statements = [0]

            @event.listens_for(database.engine, "before_cursor_execute")
            def _count(*_a: Any) -> None:
                statements[0] += 1

            with TestClient(app, base_url="https://testserver") as client:
                person = session_headers(client, "p-bench-0")
                doctor = finish_clinician(
                    database, client, clinician, TotpKeys(Path(tmp) / "totp.key")
                )
                run(client, person, doctor, statements, args)
        finally:
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


def profile(send: Any, count: int) -> None:
    """CPU profile of ``count`` requests over every thread (yappi when installed, as
    the app's sync routes run in a thread pool; else cProfile of this thread only)."""
    try:
        import yappi
    except ImportError:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            send()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return
    yappi.set_clock_type("cpu")
    yappi.start()
    for _ in range(count):
        send()
    yappi.stop()
    stats = yappi.get_func_stats()
    stats.sort("ttot")
    stats.print_all(columns={0: ("name", 90), 1: ("ncall", 8), 2: ("tsub", 8), 3: ("ttot", 8)})


def run(
    client: TestClient,
    person: dict[str, str],
    doctor: dict[str, str],
    statements: list[int],
    args: argparse.Namespace,
) -> None:
    day = [0]
    # the latest morning whose get-up time (06:55) has come: the server's zone is the
    # person's here (UTC); before 07:00 that is yesterday's
    now = dt.datetime.now(dt.UTC)
    today = now.date() - dt.timedelta(days=0 if now.time() >= dt.time(7) else 1)

    def diary_on(offsets: int, base: int) -> Any:
        def send() -> Any:
            day[0] += 1
            when = today - dt.timedelta(days=base + day[0] % offsets)
            return client.post(
                "/api/me/diary", headers=person, json={"date": when.isoformat(), **NIGHT}
            )

        return send

    def triage() -> Any:
        return client.get("/api/triage", headers=doctor)

    kinds = {
        # this morning's entry (saved again): the alerts of today
        "diary-today": diary_on(1, 0),
        # a morning of the last week: the alerts of that morning and of today
        "diary-week": diary_on(6, 1),
        # a morning over a year back (a back-filled diary, as bench_web_load posts)
        "diary-old": diary_on(300, 30),
        "triage": triage,
    }
    if args.profile:
        profile(kinds[args.profile], args.requests)
        return
    for name, send in kinds.items():
        walls: list[float] = []
        rounds: list[float] = []
        statements[0] = 0
        per_round = max(1, args.requests // ROUNDS)
        for _round in range(ROUNDS):
            cpu0 = time.process_time()
            for _ in range(per_round):
                t0 = time.perf_counter()
                response = send()
                walls.append((time.perf_counter() - t0) * 1000)
                assert response.status_code < 400, response.text
            rounds.append((time.process_time() - cpu0) * 1000 / per_round)
        print(
            f"{name:11s} median wall {statistics.median(walls):6.2f} ms  CPU per request: "
            f"median {statistics.median(rounds):6.2f} ms, best round {min(rounds):6.2f} ms  "
            f"statements {statements[0] / (per_round * ROUNDS):5.1f}"
        )


if __name__ == "__main__":
    main()
