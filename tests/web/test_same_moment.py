"""Two saves of the same date at the same moment (issue 12 item 7; H41).

A phone's outbox and a laptop, or a double tap on two tabs: two saves of one morning's
diary, one day's check-in or one evening's log arrive together. Each gets a 2xx answer
and the store keeps ONE row for that date (the diary and the evening log: the last
save; the check-in: both merged, as a second check-in of a day always is), never a 500
from the unique key. Sent from two logged-in sessions through the whole app, released
together by a barrier, several rounds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nightbridge.services.accounts.accounts import create_account
from nightbridge.settings import Settings
from nightbridge.storage.database import Database
from nightbridge.storage.tables.diary import DiaryEntryRow
from nightbridge.storage.tables.safety import AlertRow, CheckinRow
from nightbridge.storage.tables.toolkit import EveningLogRow
from nightbridge.web.app import create_app
from tests.web.conftest import ANSWERED, FAST_AUTH, PASSWORD, login, new_client

NOW = dt.datetime(2026, 3, 20, 21, 0, tzinfo=dt.UTC)
ROUNDS = 4


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls on threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def two_sessions(database: Database) -> tuple[Database, list[tuple[TestClient, str]]]:
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    create_account(
        database, FAST_AUTH, username="sam", password=PASSWORD, role="person", profile=ANSWERED
    )
    sessions = []
    for _ in range(2):
        client = new_client(app)
        sessions.append((client, login(client, "sam", PASSWORD)))
    return database, sessions


def _count(database: Database, table: Any, **where: Any) -> int:
    with database.reader() as session:
        query = select(func.count()).select_from(table)
        for name, value in where.items():
            query = query.where(getattr(table, name) == value)
        return int(session.scalar(query) or 0)


@pytest.mark.slow
def test_two_saves_of_one_date_at_once_store_one_entry_and_both_succeed(
    two_sessions: tuple[Database, list[tuple[TestClient, str]]],
) -> None:
    database, sessions = two_sessions

    def post(index: int, path: str, body: dict[str, Any]) -> Callable[[], int]:
        client, csrf = sessions[index]
        return lambda: client.post(path, json=body, headers={"X-CSRF-Token": csrf}).status_code

    with time_machine.travel(NOW, tick=True):
        for round_ in range(ROUNDS):
            day = dt.date(2026, 3, 10 + round_)
            night = {
                "date": day.isoformat(),
                "bedtime": "23:00",
                "lights_off": "23:10",
                "final_wake": "06:40",
                "out_of_bed": "06:50",
                "nwak": 1,
                "waso_min": 15,
                "quality": 3,
            }
            diary = _together(
                [
                    post(0, "/api/me/diary", {**night, "sol_min": 20}),
                    post(1, "/api/me/diary", {**night, "sol_min": 30}),
                ]
            )
            checkin = _together(
                [
                    post(
                        0, "/api/me/checkins", {"date": day.isoformat(), "symptoms": {"aches": 2}}
                    ),
                    post(1, "/api/me/checkins", {"date": day.isoformat(), "function": 3}),
                ]
            )
            assert diary == [201, 201], diary
            assert checkin == [201, 201], checkin
            assert _count(database, DiaryEntryRow, date=day) == 1
            assert _count(database, CheckinRow, date=day) == 1
            with database.reader() as session:
                row = session.scalars(select(CheckinRow).where(CheckinRow.date == day)).one()
                assert (row.symptoms, row.function) == ({"aches": 2}, 3)  # both kept
        for _ in range(ROUNDS):
            evening = _together(
                [
                    post(0, "/api/me/evening", {"screens_last_hour": True, "exercise_min": 20}),
                    post(1, "/api/me/evening", {"screens_last_hour": False, "exercise_min": 30}),
                ]
            )
            assert evening == [201, 201], evening
        assert _count(database, EveningLogRow) == 1
        # the day's alerts: one row per date and code, however many saves raised them
        with database.reader() as session:
            keys = session.execute(select(AlertRow.date, AlertRow.code)).all()
        assert len(keys) == len(set(keys))
