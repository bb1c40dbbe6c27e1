"""A write that cannot have SQLite's write lock in time (the ``write_wait`` setting)
answers 503 with Retry-After and a plain sentence, never a 500, and stores nothing; once
the lock is free the same write succeeds (issue 11 item 2, issue 12). Writes of one
process take turns on the process's own lock, so SQLite's busy wait only ever queues
other processes' writers (``storage.database``).

SQLite only: PostgreSQL has no store-wide write lock (its writers wait on the rows they
touch, and two saves of one morning are an upsert: tests/web/test_same_moment.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nightbridge.storage.database import Database, StoreBusy
from nightbridge.web.app import create_app
from nightbridge.web.sessions import COOKIE_NAME
from tests.web.conftest import NIGHT_FORM, Personas, new_client

WAIT_S = 0.3
DAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def quick(personas: Personas, web_settings: object) -> Iterator[tuple[Database, TestClient]]:
    """Patient A's session on an app whose store waits only ``WAIT_S`` for the lock."""
    database = Database(personas.database.url, write_wait_s=WAIT_S)
    client = new_client(create_app(database, settings=web_settings))  # type: ignore[arg-type]
    client.cookies.set(COOKIE_NAME, personas.patient_a.client.cookies.get(COOKIE_NAME) or "")
    yield database, client
    client.close()
    database.dispose()


def _post(client: TestClient, csrf: str) -> object:
    return client.post(
        "/api/me/diary", json={"date": DAY, **NIGHT_FORM}, headers={"X-CSRF-Token": csrf}
    )


def _entries(database: Database, person_id: int) -> int:
    with database.engine.connect() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM diary_entries WHERE person_id = ?", (person_id,)
            ).scalar_one()
        )


def test_a_write_held_off_by_another_process_gets_503_and_stores_nothing(
    personas: Personas, quick: tuple[Database, TestClient]
) -> None:
    database, client = quick
    a = personas.patient_a
    path = database.url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer
    other.execute("BEGIN IMMEDIATE")
    try:
        response = _post(client, a.csrf_token)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503, response.text  # type: ignore[attr-defined]
    assert response.headers["Retry-After"] == "5"  # type: ignore[attr-defined]
    assert "busy" in response.json()["detail"]  # type: ignore[attr-defined]
    assert "Nothing was saved" in response.json()["detail"]  # type: ignore[attr-defined]
    assert _entries(database, a.person_id or 0) == 0
    again = _post(client, a.csrf_token)
    assert again.status_code == 201, again.text  # type: ignore[attr-defined]
    assert _entries(database, a.person_id or 0) == 1


def test_writes_of_one_process_wait_their_turn_and_a_late_one_gets_503(
    personas: Personas, quick: tuple[Database, TestClient]
) -> None:
    database, client = quick
    a = personas.patient_a
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with database.transaction():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        refused = _post(client, a.csrf_token)
    finally:
        release.set()
        holder.join(10)
    assert refused.status_code == 503, refused.text  # type: ignore[attr-defined]
    assert _entries(database, a.person_id or 0) == 0
    # a write that waits less than ``write_wait`` for its turn simply goes through
    holding.clear()
    release.clear()
    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    threading.Timer(WAIT_S / 3, release.set).start()
    waited = _post(client, a.csrf_token)
    holder.join(10)
    assert waited.status_code == 201, waited.text  # type: ignore[attr-defined]
    assert _entries(database, a.person_id or 0) == 1


def test_the_busy_store_is_a_sentence_on_the_page_too(
    personas: Personas, quick: tuple[Database, TestClient]
) -> None:
    database, client = quick
    a = personas.patient_a
    page = client.get("/diary")
    assert page.status_code == 200
    other = sqlite3.connect(database.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(
            "/diary", data={"csrf_token": a.csrf_token, "date": DAY, **NIGHT_FORM}
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "The store is busy with other saves" in response.text
    assert "Something went wrong" not in response.text
    assert _entries(database, a.person_id or 0) == 0


def test_store_busy_is_raised_by_the_transaction_itself(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/busy.sqlite3", write_wait_s=0.05)
    database.migrate()
    other = sqlite3.connect(f"{tmp_path}/busy.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy), database.transaction():
            pass
    finally:
        other.execute("ROLLBACK")
        other.close()
        database.dispose()
