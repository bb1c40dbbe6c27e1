"""One bad or slow request never stalls everyone (issue 12 item 1; H40).

The audit saw a whole server stop answering (``/login`` included) after a few requests
that failed. Two things can freeze every request of an asyncio server, and each is held:

- blocking work on the event loop: a database call there waits for a lock (SQLite's
  ``busy_timeout``, a PostgreSQL row or table lock) with every other request behind it.
  Routes, dependencies and error handlers that touch the store are plain ``def`` (run in
  the thread pool), and ``Database`` refuses to be opened on an event loop's thread;
- a log write that blocks: with a plain StreamHandler, the tracebacks of a few 500s into
  a pipe nobody reads filled it and the next log call never returned.

The end-to-end test runs the real ``nightbridge serve`` in a subprocess whose output
nobody reads, on SQLite and PostgreSQL: the issue's sequence of bad requests, then a
writer holding the lock a diary save needs, while ``/login`` (PostgreSQL) and "Need help
now" must answer within 2 s; afterwards no transaction is left open.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from nightbridge.logsafe import BackgroundStreamHandler
from nightbridge.services.accounts.accounts import create_account
from nightbridge.storage.database import BlockingOnEventLoop, Database
from nightbridge.web.registry import iter_routes
from nightbridge.web.sessions import COOKIE_NAME
from tests.browser import free_port
from tests.conftest import PG_URL
from tests.web.conftest import ANSWERED, FAST_AUTH, PASSWORD

ANSWER_WITHIN = 2.0  # seconds: "at once" for a page that needs no lock
DIARY = {
    "date": "2026-11-02",
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "10",
    "nwak": "1",
    "waso_min": "5",
    "final_wake": "07:00",
    "out_of_bed": "07:10",
    "quality": "3",
}


#: The one ``async def`` route: it streams an upload to disk and runs each store call
#: through ``run_in_threadpool`` itself (web/routes/device_import.py).
ASYNC_ROUTES = {("POST", "/imports")}


def test_no_route_runs_on_the_event_loop_but_the_streamed_upload(app: FastAPI) -> None:
    """Routes are plain ``def`` (FastAPI runs them in its thread pool); a page's form
    comes from the ``FormDep`` dependency instead of ``await request.form()``."""
    found = {
        (method, path)
        for path, methods, route in iter_routes(app)
        if inspect.iscoroutinefunction(getattr(route, "endpoint", None))
        for method in methods
    }
    assert found == ASYNC_ROUTES


def test_database_work_on_the_event_loop_is_refused(sqlite_database: Database) -> None:
    async def on_the_loop() -> None:
        with sqlite_database.reader() as session:
            session.execute(text("SELECT 1"))

    async def in_a_thread() -> int:
        def read() -> int:
            with sqlite_database.reader() as session:
                return int(session.execute(text("SELECT 1")).scalar_one())

        return await asyncio.to_thread(read)

    with pytest.raises(BlockingOnEventLoop):
        asyncio.run(on_the_loop())
    assert asyncio.run(in_a_thread()) == 1


def test_a_log_output_nobody_reads_never_blocks_the_caller() -> None:
    """A pipe holds 64 KiB; 2 000 traceback-sized lines would block a plain handler for
    good. The background handler returns at once, drops what does not fit and says so
    once the pipe is read again."""
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w")
    handler = BackgroundStreamHandler(stream, capacity=50, flush_timeout=10)
    logger = logging.Logger("stall-test")
    logger.addHandler(handler)
    line = "Traceback (most recent call last): " + "x" * 5000
    started = time.monotonic()
    for _ in range(2000):
        logger.error(line)
    took = time.monotonic() - started
    assert took < 1.0, f"logging blocked the caller for {took:.2f} s"
    received = bytearray()

    def drain() -> None:
        while chunk := os.read(read_end, 1 << 16):
            received.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    handler.flush()  # the queued lines go out once the pipe is read
    logger.error("after")
    handler.flush()
    deadline = time.monotonic() + 5
    while not received.endswith(b"after\n") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert received.endswith(b"after\n")
    assert b"log lines dropped (the log output was not being read)" in received
    stream.close()
    reader.join(timeout=10)
    os.close(read_end)


# -- a real `nightbridge serve`, on both stores ------------------------------------------


def _server_env(database: Database, app_name: str) -> dict[str, str]:
    """The environment of the server: the test's PostgreSQL schema (its search_path)
    and an application_name to find its connections by."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    if not database.is_sqlite:
        with database.engine.connect() as conn:
            search_path = conn.execute(text("SHOW search_path")).scalar_one()
        query = urlencode({"options": f"-csearch_path={search_path}", "application_name": app_name})
        env["NIGHTBRIDGE_DATABASE_URL"] = f"{PG_URL}{'&' if '?' in PG_URL else '?'}{query}"
    return env


@pytest.fixture
def served(database: Database, tmp_path: Path) -> Iterator[tuple[str, Database, str]]:
    """``nightbridge serve`` (one worker) on ``database``, its output into a pipe nobody
    reads; yields its base URL, the store and the PostgreSQL application_name."""
    create_account(
        database, FAST_AUTH, username="sam", password=PASSWORD, role="person", profile=ANSWERED
    )
    app_name = f"nbstall-{uuid.uuid4().hex[:8]}"
    home = Path(str(database.engine.url.database)).parent if database.is_sqlite else tmp_path
    port = free_port()
    command = [sys.executable, "-m", "nightbridge", "--home", str(home), "serve"]
    command += ["--port", str(port), "--workers", "1"]
    process = subprocess.Popen(
        command,
        env=_server_env(database, app_name),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/help-now", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nightbridge serve did not start") from None
                time.sleep(0.1)
        yield base, database, app_name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _log_in(base: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    response = client.post("/api/auth/login", json={"username": "sam", "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = f"{COOKIE_NAME}={response.cookies[COOKIE_NAME]}"
    return client, {"Cookie": cookie, "X-CSRF-Token": response.json()["csrf_token"]}


def _answers_at_once(base: str, path: str) -> float:
    started = time.monotonic()
    response = httpx.get(f"{base}{path}", timeout=ANSWER_WITHIN)
    assert response.status_code == 200, (path, response.status_code)
    return time.monotonic() - started


def _bad_sequence(client: httpx.Client, headers: dict[str, str]) -> list[int]:
    """The issue's sequence, as a form and as JSON: a lone surrogate in the note, an
    integer of 10**20, a day of year 1, then an id beyond 64 bits."""
    form = {**DIARY, "csrf_token": headers["X-CSRF-Token"]}
    cookie = {"Cookie": headers["Cookie"]}
    json_body = {**DIARY, "sol_min": 10}
    statuses = [
        client.post(
            "/diary",
            headers={**cookie, "content-type": "application/x-www-form-urlencoded"},
            content=str(httpx.QueryParams(form)).encode() + b"&note=%ED%A0%80",
        ).status_code,
        client.post("/diary", headers=cookie, data={**form, "nwak": str(10**20)}).status_code,
        client.post("/diary", headers=cookie, data={**form, "date": "0001-01-01"}).status_code,
        client.post(
            "/api/me/diary",
            headers={**headers, "content-type": "application/json"},
            content=json.dumps({**json_body, "note": "\ud800"}).encode(),
        ).status_code,
        client.post(
            "/api/me/diary", headers=headers, json={**json_body, "nwak": 10**20}
        ).status_code,
        client.post(
            "/api/me/diary", headers=headers, json={**json_body, "date": "0001-01-01"}
        ).status_code,
        client.get("/api/persons/99999999999999999999", headers=headers).status_code,
        client.get("/persons/99999999999999999999/diary", headers=cookie).status_code,
    ]
    return statuses


class _HeldLock:
    """Another writer holding what a diary save needs: on SQLite the write lock
    (``BEGIN IMMEDIATE``), on PostgreSQL the diary table (``EXCLUSIVE``: reads go on)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def __enter__(self) -> _HeldLock:
        if self.database.is_sqlite:
            path = str(self.database.engine.url.database)
            self.conn: object = sqlite3.connect(path, isolation_level=None, timeout=5)
            self.conn.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
        else:
            self.connection = self.database.engine.connect()
            self.tx = self.connection.begin()
            self.connection.execute(text("LOCK TABLE diary_entries IN EXCLUSIVE MODE"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database.is_sqlite:
            self.conn.execute("ROLLBACK")  # type: ignore[attr-defined]
            self.conn.close()  # type: ignore[attr-defined]
        else:
            self.tx.rollback()
            self.connection.close()


def _open_transactions(database: Database, app_name: str) -> int:
    """Transactions the server left open: on SQLite, whether the write lock can be
    taken at once; on PostgreSQL, its connections not idle."""
    if database.is_sqlite:
        conn = sqlite3.connect(str(database.engine.url.database), isolation_level=None, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return 0
        except sqlite3.OperationalError:
            return 1
        finally:
            conn.close()
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE application_name = :name AND state <> 'idle'"
                    ),
                    {"name": app_name},
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_bad_requests_and_a_held_lock_never_stall_the_server(
    served: tuple[str, Database, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, database, app_name = served
    client, headers = _log_in(base)
    waits: list[float] = []
    for _ in range(3):
        statuses = _bad_sequence(client, headers)
        assert statuses == [303, 422, 422, 422, 422, 422, 404, 404], statuses
        waits.append(_answers_at_once(base, "/login"))
        waits.append(_answers_at_once(base, "/help-now"))
    assert _open_transactions(database, app_name) == 0

    saved: list[int] = []
    with _HeldLock(database):
        writer = threading.Thread(
            target=lambda: saved.append(
                client.post(
                    "/diary",
                    headers={"Cookie": headers["Cookie"]},
                    data={**DIARY, "csrf_token": headers["X-CSRF-Token"]},
                ).status_code
            )
        )
        writer.start()
        time.sleep(0.5)  # the save is now waiting for the lock
        assert writer.is_alive() and not saved, saved
        held = [_answers_at_once(base, "/help-now")]
        if not database.is_sqlite:  # on SQLite a new login session waits for the lock too
            held.append(_answers_at_once(base, "/login"))
            held.append(_answers_at_once(base, "/api/openapi.json"))
    writer.join(timeout=30)
    assert saved == [303]
    assert _open_transactions(database, app_name) == 0
    client.close()
    with capsys.disabled():
        print(
            f"\n{database.dialect}: after the bad requests the slowest answer took "
            f"{max(waits) * 1000:.0f} ms; while a save waited on a held lock "
            f"{max(held) * 1000:.0f} ms"
        )
