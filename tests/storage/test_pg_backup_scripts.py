"""scripts/pg-backup and scripts/pg-restore (issue 11 item 7): a PostgreSQL store dumped
while another connection writes, restored into a new database, equals the dump row for
row in every table; a database that already holds tables is refused."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nightbridge.services.demo.demo import load_demo
from nightbridge.services.recovery.relapse import log_craving
from nightbridge.storage.database import Database
from nightbridge.storage.schema import head
from nightbridge.storage.tables import Base
from tests.conftest import PG_REQUIRED, PG_URL, postgres_problem
from tests.storage.test_backup_restore import FAST, TODAY, _fill_empty_tables
from tests.web.conftest import test_keys

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture
def two_new_databases() -> Iterator[tuple[str, str]]:
    problem = postgres_problem()
    if problem:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required here but not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail("pg_dump and pg_restore are needed (apt-get install postgresql-client)")
    names = [f"nbbk_{uuid.uuid4().hex[:10]}", f"nbrs_{uuid.uuid4().hex[:10]}"]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(PG_URL)
    try:
        yield tuple(base.set(database=n).render_as_string(hide_password=False) for n in names)  # type: ignore[misc]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _rows(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{t}"')))
                for t in [*(t.name for t in Base.metadata.sorted_tables), "alembic_version"]
            }
    finally:
        engine.dispose()


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    return subprocess.run(
        [str(SCRIPTS / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_pg_backup_while_writing_restores_row_for_row(
    two_new_databases: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = two_new_databases
    db = Database(source_url)
    db.migrate()
    load_demo(db, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    _fill_empty_tables(db)
    with db.reader() as session:
        person_id = session.execute(text("SELECT min(id) FROM persons")).scalar()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        while not stop.is_set():
            log_craving(db, person_id, 3, "test", "tea", at=at + dt.timedelta(minutes=len(written)))
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 10 and thread.is_alive():
            stop.wait(0.01)
        assert thread.is_alive(), "the writer stopped"
        dump = tmp_path / "store.dump"
        backed = _script("pg-backup", source_url, str(dump))
        during = len(written)
        stop.wait(0.3)
    finally:
        stop.set()
        thread.join()
        db.dispose()
    assert backed.returncode == 0, backed.stderr
    assert len(written) > during

    restored = _script("pg-restore", str(dump), target_url)
    assert restored.returncode == 0, restored.stderr
    assert f"schema {head()}" in restored.stdout
    source, target = _rows(source_url), _rows(target_url)
    for table, rows in target.items():
        assert rows, f"{table} is empty: the test must fill every table"
        if table == "toolkit_cravings":  # the table being written: a consistent part
            assert set(rows) < set(source[table])
        else:
            assert rows == source[table], table

    # A second restore into it is refused and changes nothing.
    again = _script("pg-restore", str(dump), target_url)
    assert again.returncode == 1 and "already holds" in again.stderr
    assert _rows(target_url) == target
    assert _script("pg-backup", source_url, str(dump)).returncode == 1  # never overwritten
