"""Backups of a SQLite store, and restoring one into a fresh home (docs/deploy.md,
"Backups and restore drills").

``backup_sqlite`` copies the live store with SQLite's online backup API in one step: the
copy is one consistent snapshot (in WAL mode a reader holds its snapshot while writers
go on, so it is safe while ``serve`` runs; sqlite.org/backup.html, sqlite.org/wal.html).
The store is checked first (``PRAGMA quick_check``; a damaged store is refused, not
copied as if whole), the copy is checked again, turned into one self-contained file
(rollback journal, no ``-wal``) and only then moved to its name.

``restore_sqlite`` puts a backup into a home that holds no store yet: the file is
checked (whole, a Nightbridge store, a schema this version knows), copied, the copy's
rows counted against the backup's, table by table, and only then moved into place; an
older schema is then migrated. Anything else is refused and nothing is left behind.
Every table comes back, accounts, shares, notes, toolkit plans, cravings, reminders,
the audit trail and device nights and imports included, because the backup is the
whole store.

PostgreSQL is backed up with ``pg_dump``/``pg_restore`` (``scripts/pg-backup``,
``scripts/pg-restore``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.database import SQLITE_FILENAME
from nightbridge.storage.integrity import DamagedStore, quick_check_file
from nightbridge.storage.schema import StoreRefused, head, revisions

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class Copied:
    """What a backup or restore copied: rows per table, and the schema revision."""

    path: Path
    rows: dict[str, int]
    revision: str | None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is a file that starts with SQLite's header."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def table_rows(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows in each table of the store (SQLite's own tables left out)."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608 - names from sqlite_master
        for name in names
    }


def _revision(connection: sqlite3.Connection, rows: dict[str, int]) -> str | None:
    if "alembic_version" not in rows:
        return None
    found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(found[0]) if found else None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _sidecars(path: Path) -> tuple[Path, Path, Path]:
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def backup_sqlite(store: Path, out: Path) -> Copied:
    """Copy the SQLite store at ``store`` to the new file ``out`` (see the module)."""
    if out.exists():
        raise InvalidInput.one("out", f"{str(out)!r} already exists; give a new file name")
    if not out.parent.is_dir():
        raise InvalidInput.one("out", f"the folder {str(out.parent)!r} does not exist")
    if not store.exists():
        raise StoreRefused(f"there is no store at {store} to back up.")
    findings = quick_check_file(str(store))
    if findings:
        from nightbridge.storage.integrity import damaged_sentence

        raise DamagedStore(damaged_sentence(f"the store {store}"))
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    _remove(*_sidecars(partial))
    try:
        source = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
        try:
            target = sqlite3.connect(partial)
            try:
                # pages=-1: every page in one step, one consistent snapshot.
                source.backup(target, pages=-1)
                target.execute("PRAGMA journal_mode=DELETE")
                if target.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                    raise StoreRefused(
                        f"the copy of {store} did not pass SQLite's quick_check; "
                        "no backup was written. Try again, and check the disk."
                    )
                rows = table_rows(target)
                revision = _revision(target, rows)
            finally:
                target.close()
        finally:
            source.close()
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)
        _fsync_dir(out.parent)
    finally:
        _remove(*_sidecars(partial))
    return Copied(path=out, rows=rows, revision=revision)


def _check_backup(backup: Path) -> tuple[dict[str, int], str]:
    """The backup's rows per table and revision, or a refusal naming what is wrong."""
    if not backup.is_file():
        raise InvalidInput.one("file", f"{str(backup)!r} does not exist")
    if not is_sqlite_file(backup):
        raise InvalidInput.one(
            "file",
            f"{str(backup)!r} is not a Nightbridge backup (nor a CSV export folder or .zip)",
        )
    if quick_check_file(str(backup)):
        raise DamagedStore(
            f"the backup {backup} is damaged (SQLite's quick_check found errors). Nothing "
            "was restored. Restore an older backup."
        )
    connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        rows = table_rows(connection)
        revision = _revision(connection, rows)
    finally:
        connection.close()
    if revision is None:
        raise InvalidInput.one(
            "file", f"{str(backup)!r} is an SQLite file but not a Nightbridge backup"
        )
    if revision not in revisions():
        raise StoreRefused(
            f"the backup {backup} was written by a newer version of Nightbridge (schema "
            f"{revision}; this version knows up to {head()}). Nothing was restored. "
            "Restore it with the newer version."
        )
    return rows, revision


def _holds_a_store(path: Path) -> bool:
    if not path.exists():
        return False
    if path.stat().st_size == 0:
        return False
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(
                connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return True  # something is there; never overwrite it


def restore_sqlite(backup: Path, home: Path) -> Copied:
    """Restore ``backup`` as the store of ``home``, which must hold none yet."""
    rows, revision = _check_backup(backup)
    target = home / SQLITE_FILENAME
    if _holds_a_store(target):
        raise InvalidInput.one(
            "home",
            f"{str(home)!r} already holds a store; restore into a new, empty folder "
            "(nightbridge --home NEW restore FILE), or move that store away first",
        )
    home.mkdir(parents=True, exist_ok=True)
    partial = home / f".{SQLITE_FILENAME}.restoring-{os.getpid()}"
    _remove(*_sidecars(partial))
    try:
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=WAL")
                copied = table_rows(copy)
                whole = copy.execute("PRAGMA quick_check").fetchall() == [("ok",)]
                copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                copy.close()
        finally:
            source.close()
        if copied != rows or not whole:
            raise StoreRefused(
                f"the copy of {backup} did not match it table by table; nothing was restored."
            )
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        _remove(*_sidecars(target))
        os.replace(partial, target)
        _fsync_dir(home)
    finally:
        _remove(*_sidecars(partial))
    return Copied(path=target, rows=rows, revision=revision)
