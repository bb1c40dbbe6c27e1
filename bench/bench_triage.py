"""Benchmark of the clinician's triage list on a large clinic (issue 11 item 3).

Builds a clinic of ``--people`` persons who all share with one clinician, each with 14
mornings of diary, check-ins with withdrawal scores (a third of them worsening), a
PHQ-9 and a GAD-7, and for some an alert (urgent or advise) -- on SQLite (a temporary
file) and on PostgreSQL (``NIGHTBRIDGE_TEST_DATABASE_URL``, in a schema of its own,
dropped afterwards). Then opens the list ``--views`` times (the first page, and pages
spread over the whole list) and prints the median, p95 and CPU time per view, and the
statements one view runs; then as many caseload views (issue 14 item 2: filters, sorts
and a search in turn, ``CASELOAD_VIEWS``). The lines per store end with::

    triage store=<sqlite|postgresql> people=<N> p95_ms=<x> statements=<y>
    caseload store=<sqlite|postgresql> people=<N> p95_ms=<x> statements=<y>

On a checkout without summaries (before issue 11 item 3) it times ``build_triage``
instead, which reads every person one by one (use a small ``--people`` there).

Usage::

    python bench/bench_triage.py [--people 2000] [--views 40] [--stores sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, text

from nightbridge.core.alerts import Alert
from nightbridge.core.checkin import make_checkin
from nightbridge.core.diary import parse_entry
from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.alerts import AlertRepository
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TZ = "America/Chicago"
BATCH = 100


def build_clinic(db: Database, people: int, seed: int = 7) -> Actor:
    """One clinician and ``people`` persons sharing with them, with two weeks of data."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(ZoneInfo(TZ)).date()
    with db.transaction() as session:
        clinician = AccountRepository(session).create("dr-bench", "x", "clinician", None)
    for start in range(0, people, BATCH):
        with db.transaction() as session:
            persons = PersonRepository(session)
            shares = ShareRepository(session)
            diary = DiaryRepository(session)
            checkins = CheckinRepository(session)
            alerts = AlertRepository(session)
            for i in range(start, min(people, start + BATCH)):
                pid = persons.create(Profile(tz=TZ), display_name=f"Person {i:05d}")
                shares.add_share(pid, clinician.id, now)
                stale = rng.randrange(0, 6) if i % 5 == 0 else 0
                worse = i % 3 == 0
                entries = []
                for ago in range(14, stale, -1):
                    day = today - dt.timedelta(days=ago)
                    waso = 20 + (60 if worse and ago < 7 else 0) + rng.randrange(0, 15)
                    fields = {
                        "date": day.isoformat(),
                        "bedtime": "22:30",
                        "lights_off": "23:00",
                        "sol_min": str(10 + rng.randrange(0, 20)),
                        "nwak": "2",
                        "waso_min": str(waso),
                        "final_wake": "06:30",
                        "out_of_bed": "06:45",
                        "quality": "3",
                    }
                    entries.append(parse_entry(fields, today=today, tz=TZ))
                diary.add_many(pid, entries)
                for ago in range(13, stale, -3):
                    day = today - dt.timedelta(days=ago)
                    level = 3 if worse and ago < 7 else 1
                    checkins.save(
                        pid,
                        make_checkin(
                            day,
                            symptoms={"anxiety": level, "sweating": level, "insomnia": level},
                            phq9=[1, 1, 0, 1, 0, 0, 1, 0, 0] if ago < 4 else None,
                            gad7=[1, 1, 1, 0, 0, 1, 0] if ago < 4 else None,
                        ),
                    )
                if i % 17 == 0:
                    level = "urgent" if i % 34 == 0 else "advise"
                    day = today - dt.timedelta(days=rng.randrange(0, 4))
                    alerts.record(pid, [Alert(level, f"bench_{level}", f"a {level} alert", day)])
    return Actor(clinician.id, "clinician")


#: The caseload views timed with ``--caseload``: filters, sorts and a search (issue 14).
CASELOAD_VIEWS: tuple[dict[str, str], ...] = (
    {},
    {"alert": "any", "reviewed": "no"},
    {"stale_days": "3", "sort": "tst"},
    {"q": "person 01", "sort": "phq9"},
    {"taper": "no", "sort": "se", "order": "desc"},
    {"sort": "last_entry"},
)


def time_views(
    db: Database, actor: Actor, people: int, views: int, caseload: bool = False
) -> dict[str, Any]:
    try:
        from nightbridge.services.clinic.triage import triage_page
    except ImportError:  # a checkout before summaries: the person-by-person list
        from nightbridge.services.clinic.triage import build_triage

        def view(page: int) -> int:
            return len(build_triage(db, actor))

    else:

        def view(page: int) -> int:
            return len(triage_page(db, actor, page=page).rows)

    if caseload:
        from nightbridge.core.caseload import parse_query
        from nightbridge.services.clinic.caseload import caseload_page

        turn = {"k": 0}

        def view(page: int) -> int:  # a filtered, sorted view (the page asked of everyone)
            params = CASELOAD_VIEWS[turn["k"] % len(CASELOAD_VIEWS)]
            turn["k"] += 1
            asked = params or {"page": str(page)}
            return len(caseload_page(db, actor, parse_query(asked)).rows)

    pages = max(1, -(-people // 50))
    statements: list[int] = []
    counter = {"n": 0}

    def count(*_args: object) -> None:
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    wall: list[float] = []
    cpu: list[float] = []
    try:
        view(1)  # warm up caches and the pool
        for k in range(views):
            page = 1 if k % 2 == 0 else 1 + (k * 7919) % pages
            counter["n"] = 0
            w0, c0 = time.perf_counter(), time.process_time()
            listed = view(page)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            statements.append(counter["n"])
            assert listed > 0
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    wall.sort()
    return {
        "median_ms": statistics.median(wall),
        "p95_ms": wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))],
        "cpu_ms": statistics.median(cpu),
        "statements": max(statements),
        "fewest": min(statements),
    }


def run_store(store: str, people: int, views: int) -> None:
    if store == "sqlite":
        folder = tempfile.TemporaryDirectory()
        db = Database(f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}")
        cleanup: Any = folder.cleanup
    else:
        url = os.environ.get("NIGHTBRIDGE_TEST_DATABASE_URL", DEFAULT_PG_URL)
        schema = f"nbbench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = Database(url, engine_options={"connect_args": {"options": f"-csearch_path={schema}"}})

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    try:
        db.migrate()
        t0 = time.perf_counter()
        actor = build_clinic(db, people)
        built = time.perf_counter() - t0
        for kind in ("triage", "caseload"):
            figures = time_views(db, actor, people, views, caseload=kind == "caseload")
            print(
                f"{store}: built {people} people in {built:.1f} s; per view of the {kind}: "
                f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
                f"CPU {figures['cpu_ms']:.1f} ms (median), {figures['statements']} statements "
                f"(fewest {figures['fewest']})"
            )
            print(
                f"{kind} store={store} people={people} p95_ms={figures['p95_ms']:.1f} "
                f"statements={figures['statements']}",
                flush=True,
            )
    finally:
        db.dispose()
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--views", type=int, default=40)
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    for store in args.stores.split(","):
        run_store(store.strip(), args.people, args.views)


if __name__ == "__main__":
    main()
