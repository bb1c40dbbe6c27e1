"""Backups and restore (issue 11 item 7) and damaged stores (issue 12 item 14).

A backup taken by the real ``nightbridge backup`` while another thread writes, restored
by ``nightbridge restore`` into a fresh home, equals the backup row for row in every
table (every table holds rows: the demo, plus one plain row in each table the demo
leaves empty). A deliberately damaged store is named in a sentence by every command and
by ``serve``, and is never backed up; a damaged backup is never restored.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    insert,
    text,
)
from sqlalchemy.types import TypeDecorator

from nightbridge.services.accounts.auth import AuthPolicy
from nightbridge.services.demo.demo import load_demo
from nightbridge.services.recovery.relapse import log_craving
from nightbridge.storage.database import Database
from nightbridge.storage.schema import head
from nightbridge.storage.tables import Base
from tests.web.conftest import test_keys

FAST = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
TODAY = dt.date(2026, 3, 31)


def _plain_value(column: Any, ids: dict[str, int]) -> Any:
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        return ids[fk.column.table.name]
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    if isinstance(kind, Date):
        return dt.date(2026, 3, 1)
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Float | Numeric):
        return 1.0
    if isinstance(kind, LargeBinary):
        return b"\x00"
    try:
        if kind.python_type in (dict, list):
            return {}
    except NotImplementedError:
        pass
    length = getattr(kind, "length", None) or 8
    return "x"[:length]


def _generated(column: Any) -> bool:
    """An integer primary key the store numbers itself."""
    table = column.table
    return bool(
        column.primary_key
        and not column.foreign_keys
        and len(table.primary_key.columns) == 1
        and isinstance(column.type, Integer)
        and column.autoincrement is not False
    )


def _fill_empty_tables(db: Database, person_id: int | None = None) -> None:
    """One row of plain values in each table the demo leaves empty (with ``person_id``:
    in each table that holds no row of that person)."""
    with db.engine.begin() as conn:
        ids: dict[str, int] = {}
        for table in Base.metadata.sorted_tables:
            key = next(iter(table.primary_key.columns))
            query = table.select().limit(1)
            if person_id is not None and "person_id" in table.c:
                query = query.where(table.c.person_id == person_id)
                ids["persons"] = person_id
            first = conn.execute(query).first()
            if first is None:
                values = {c.name: _plain_value(c, ids) for c in table.columns if not _generated(c)}
                conn.execute(insert(table).values(**values))
                first = conn.execute(query).first()
            assert first is not None
            value = first._mapping[key.name]
            if isinstance(value, int):
                ids[table.name] = value


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        names = [
            n
            for (n,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


@pytest.fixture
def full_home(tmp_path: Path, sqlite_database: Database) -> tuple[Path, Database]:
    """A home whose store holds rows in every table."""
    load_demo(sqlite_database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    _fill_empty_tables(sqlite_database)
    return tmp_path, sqlite_database


@pytest.mark.slow
def test_a_backup_taken_while_writing_restores_row_for_row(  # type: ignore[no-untyped-def]
    full_home: tuple[Path, Database], run_cli, tmp_path: Path
) -> None:
    home, db = full_home
    with db.reader() as session:
        person_id = session.execute(text("SELECT min(id) FROM persons")).scalar()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        while not stop.is_set():
            log_craving(
                db, person_id, 3, "test", "a walk", at=at + dt.timedelta(minutes=len(written))
            )
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():
            stop.wait(0.01)
        assert thread.is_alive(), "the writer stopped"
        out = tmp_path / "nightbridge-backup.sqlite3"
        backed = run_cli("backup", "--out", str(out), home=home)
        more = len(written)
        stop.wait(0.3)
    finally:
        stop.set()
        thread.join()
    assert backed.exit_code == 0, backed.stderr
    assert f"schema {head()}" in backed.stdout
    assert len(written) > more >= 20  # the writer went on during and after the backup

    fresh = tmp_path / "fresh"
    restored = run_cli("restore", str(out), home=fresh)
    assert restored.exit_code == 0, restored.stderr
    backup_rows = _rows(out)
    restored_rows = _rows(fresh / "nightbridge.sqlite3")
    source_rows = _rows(home / "nightbridge.sqlite3")
    expected = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    assert set(restored_rows) == set(backup_rows) == expected
    for table in expected:
        assert restored_rows[table] == backup_rows[table], table
        assert restored_rows[table], f"{table} is empty: the test must fill every table"
        assert set(backup_rows[table]) <= set(source_rows[table]), table
    cravings = len(backup_rows["toolkit_cravings"])
    assert cravings < len(source_rows["toolkit_cravings"])  # taken mid-way, consistent

    # The restored store is used as it is, and a second restore into it is refused.
    assert run_cli("diary", "list", home=fresh).exit_code == 0
    again = run_cli("restore", str(out), home=fresh)
    assert again.exit_code == 2 and "already holds a store" in again.stderr


def test_restore_refuses_what_is_not_a_backup(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    result = run_cli("restore", str(other), home=tmp_path / "fresh")
    assert result.exit_code == 2 and "not a Nightbridge backup" in result.stderr
    assert not (tmp_path / "fresh" / "nightbridge.sqlite3").exists()

    newer = tmp_path / "newer.sqlite3"
    assert run_cli("init", home=tmp_path / "src").exit_code == 0
    assert run_cli("backup", "--out", str(newer), home=tmp_path / "src").exit_code == 0
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    result = run_cli("restore", str(newer), home=tmp_path / "fresh")
    assert result.exit_code == 1 and "newer version of Nightbridge" in result.stderr
    assert not list((tmp_path / "fresh").glob("*nightbridge*"))


def _damage(path: Path) -> None:
    """Overwrite the first bytes of the diary table's root page (a broken b-tree page)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'diary_entries'"
        ).fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * 64)


@pytest.mark.slow
def test_a_damaged_store_is_named_and_never_read_as_whole(  # type: ignore[no-untyped-def]
    run_cli, cli_home: Path, tmp_path: Path
) -> None:
    assert (
        run_cli(
            "diary",
            "add",
            "--date",
            "2026-03-02",
            "--bedtime",
            "23:00",
            "--lights-off",
            "23:10",
            "--sol",
            "20",
            "--nwak",
            "1",
            "--waso",
            "15",
            "--final-wake",
            "06:30",
            "--out-of-bed",
            "06:45",
            "--quality",
            "3",
        ).exit_code
        == 0
    )
    backup = tmp_path / "good.sqlite3"
    assert run_cli("backup", "--out", str(backup)).exit_code == 0
    store = cli_home / "nightbridge.sqlite3"
    _damage(store)
    for command in (
        ["diary", "list"],
        ["backup", "--out", str(tmp_path / "b.sqlite3")],
        ["serve", "--port", "1"],
        ["migrate"],
    ):
        result = run_cli(*command)
        assert result.exit_code == 1, command
        assert "is damaged" in result.stderr and "restore" in result.stderr, command
        assert "Traceback" not in result.stderr and "No nights" not in result.stdout
    assert not (tmp_path / "b.sqlite3").exists()

    # A good backup restores into a fresh home; a damaged backup is never restored.
    assert run_cli("restore", str(backup), home=tmp_path / "fresh").exit_code == 0
    assert "2026-03-02" in run_cli("diary", "list", home=tmp_path / "fresh").stdout
    _damage(backup)
    result = run_cli("restore", str(backup), home=tmp_path / "fresh2")
    assert result.exit_code == 1 and "backup" in result.stderr and "damaged" in result.stderr
    assert not (tmp_path / "fresh2" / "nightbridge.sqlite3").exists()


def test_a_worker_refuses_a_damaged_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_database: Database
) -> None:
    from nightbridge.storage.integrity import DamagedStore
    from nightbridge.web.asgi import create_app_from_env

    sqlite_database.dispose()
    _damage(tmp_path / "nightbridge.sqlite3")
    monkeypatch.setenv("NIGHTBRIDGE_HOME", str(tmp_path))
    monkeypatch.delenv("NIGHTBRIDGE_DATABASE_URL", raising=False)
    with pytest.raises(DamagedStore, match="is damaged"):
        create_app_from_env()
