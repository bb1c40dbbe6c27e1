"""A damaged SQLite store is found and named, never read as if it were whole.

``quick_check`` runs SQLite's ``PRAGMA quick_check`` (sqlite.org/pragma.html#pragma_quick_check:
the b-tree structure, page use and record formats, in O(N) time, without the index
cross-check of ``integrity_check``). ``serve`` and each of its workers run it before
starting, ``migrate``, ``backup`` and ``restore`` before they copy or change anything,
and every CLI command at start on a store up to ``CLI_CHECK_MAX_BYTES``. Between those checks,
SQLite itself stops at a damaged page ("database disk image is malformed"); ``damage``
turns that error into the same plain sentence wherever it surfaces (the CLI's error
handler). PostgreSQL keeps its own checksums and WAL; nothing is run there.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from nightbridge.storage.schema import StoreRefused

if TYPE_CHECKING:
    from nightbridge.storage.database import Database

#: Every CLI command checks a store up to this size at start (quick_check reads every
#: page, about 5 ms per MB: a person's own store is checked for a few ms); a larger one
#: (a clinic's, years of device samples) is checked by ``serve``, ``migrate`` and
#: ``backup``, and SQLite still stops at any damaged page it reads.
CLI_CHECK_MAX_BYTES = 16 * 1024 * 1024

#: What SQLite says when the file is damaged or not a database at all.
_DAMAGE_WORDS = ("malformed", "not a database", "disk image", "database corrupt")


class DamagedStore(StoreRefused):
    """The SQLite file is damaged; the message says so and what to do."""


def damaged_sentence(where: str) -> str:
    return (
        f"{where} is damaged (SQLite found broken pages in it), so Nightbridge will not "
        "read it as if it were whole. Nothing was changed. Restore your latest backup into "
        "a fresh folder (nightbridge --home NEW restore FILE), and keep the damaged file "
        "for recovery (docs/deploy.md, 'Backups and restore drills')."
    )


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` (or the DB-API error it wraps) is SQLite reporting damage."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.DatabaseError) and not isinstance(
            current, sqlite3.OperationalError | sqlite3.IntegrityError
        ):
            text = str(current).lower()
            if any(word in text for word in _DAMAGE_WORDS):
                return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def quick_check_file(path: str) -> list[str]:
    """SQLite's findings on the file at ``path`` (empty: whole), read-only."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        connection.close()
    findings = [str(row[0]) for row in rows]
    return [] if findings == ["ok"] else findings


def quick_check(database: Database, *, max_bytes: int | None = None) -> None:
    """Refuse a damaged SQLite store with ``DamagedStore`` (nothing on PostgreSQL).
    ``max_bytes``: check only a store no larger than that (``CLI_CHECK_MAX_BYTES``)."""
    if not database.is_sqlite:
        return
    path = database.engine.url.database
    if not path or path == ":memory:":
        return
    from pathlib import Path

    file = Path(path)
    if not file.exists():
        return
    if max_bytes is not None:
        wal = file.with_name(file.name + "-wal")
        size = file.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        if size > max_bytes:
            return
    if quick_check_file(path):
        raise DamagedStore(damaged_sentence(f"the store {path}"))
