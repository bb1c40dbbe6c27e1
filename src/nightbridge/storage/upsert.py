"""One row per key however many writers race: ``INSERT .. ON CONFLICT`` on both dialects.

A read-then-insert ("is there a row for this date? no: add one") is safe on SQLite,
where a write transaction holds the whole store (``BEGIN IMMEDIATE``), but on PostgreSQL
two transactions can both read "no row" and both insert: the second fails on the unique
key and its save answers 500 (issue 12 item 7). ``INSERT .. ON CONFLICT`` decides in the
database, under the unique index: PostgreSQL makes the second insert wait for the first
to commit, then updates (``upsert``) or leaves (``insert_missing``) the row it finds.
SQLite has the same statement since 3.24. The values are checked by the storage guard
first, as a flush would check them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.changes import EVERYONE, SOURCES, mark_changed
from nightbridge.storage.guard import values_problems

#: Rows per statement (SQLite allows 32 766 parameters in one statement).
CHUNK = 500


def dialect_insert(dialect: str) -> Any:
    """The ``insert`` of ``dialect`` (the one with ``on_conflict_do_*``), imported when
    first wanted: the PostgreSQL dialect package is large, and a SQLite command never
    needs it (``bench/bench_cli_start.py``)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def insert_for(session: Session, table: Any) -> Any:
    """The dialect's Core ``INSERT`` (the one with ``on_conflict_do_*``) for ``table``
    (a mapped class or a Table; the Table is used, so that the statement runs as Core,
    not as an ORM bulk insert whose rowcount means something else)."""
    table = getattr(table, "__table__", table)
    return dialect_insert(session.get_bind().dialect.name)(table)


def upsert(
    session: Session,
    table: Any,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    touch: Mapping[str, Any] | None = None,
) -> None:
    """Insert each row, or update the row already stored under the same ``keys`` with
    the row's other values (the last writer wins, whole). ``touch``: columns set on
    update only (``updated_at``; an ORM ``onupdate`` does not run here)."""
    if not rows:
        return
    _guard(table, rows)
    _notice(session, table, rows)
    columns = [name for name in rows[0] if name not in keys]
    if not touch:
        # one statement per table and shape, built and compiled once (executemany)
        dialect = session.get_bind().dialect.name
        target = getattr(table, "__table__", table)
        stmt = _upsert_statement(dialect, target, tuple(keys), tuple(rows[0]))
        session.connection().execute(stmt, [dict(r) for r in rows])
        return
    for start in range(0, len(rows), CHUNK):
        stmt = insert_for(session, table).values([dict(r) for r in rows[start : start + CHUNK]])
        changes = {name: stmt.excluded[name] for name in columns} | dict(touch or {})
        session.connection().execute(
            stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
        )


@lru_cache(maxsize=256)
def _upsert_statement(
    dialect: str, table: Any, keys: tuple[str, ...], names: tuple[str, ...]
) -> Any:
    """``INSERT (names) .. ON CONFLICT (keys) DO UPDATE`` the other names, for rows
    given as parameters: the same object each time, so SQLAlchemy compiles it once."""
    stmt = dialect_insert(dialect)(table)
    changes = {name: stmt.excluded[name] for name in names if name not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)


def insert_missing(
    session: Session, table: Any, row: Mapping[str, Any], keys: Sequence[str]
) -> bool:
    """Insert ``row`` unless one is stored under the same ``keys`` (then nothing changes,
    after waiting for a racing insert to commit). True if this call inserted it."""
    _guard(table, [row])
    _notice(session, table, [row])
    stmt = insert_for(session, table).values(dict(row))
    key = next(iter(getattr(table, "__table__", table).primary_key.columns))
    stmt = stmt.on_conflict_do_nothing(index_elements=list(keys)).returning(key)
    return session.connection().execute(stmt).first() is not None


def _notice(session: Session, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """These statements run on the connection, past the session's events: tell the unit
    of work whose summaries they change (``storage.changes``)."""
    name = getattr(table, "__tablename__", None) or getattr(table, "name", "")
    if name in SOURCES:
        persons = {row.get("person_id") for row in rows}
        mark_changed(session, [EVERYONE] if None in persons else persons)  # type: ignore[list-item]


def _guard(table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """The storage guard's check (``storage.guard``), for values no flush sees."""
    problems = [p for row in rows for p in values_problems(table, row)]
    if problems:
        raise InvalidInput(problems)


def forget_rows(session: Session, table: Any) -> None:
    """Expire the session's loaded rows of ``table``: a Core write changed them behind
    the ORM's back, and a later read in this transaction must see the store."""
    for row in list(session.identity_map.values()):
        if isinstance(row, table):
            session.expire(row)
