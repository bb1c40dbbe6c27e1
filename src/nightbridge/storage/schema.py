"""The schema version: what the code expects, what the store holds, and migrating under
a lock.

Every command and every server process checks the store's version with one small query
(``ensure_ready``) instead of running Alembic on each start (importing Alembic alone
costs more than a ``diary list``). The rule (docs/deploy.md, "Upgrades"):

- an **empty** store (a new SQLite file, a new PostgreSQL database or schema) is set up
  at once, under the lock, so ``make run`` and first use need no extra step;
- a store at the code's **newest** revision is used as it is;
- an **older** store is refused with "run nightbridge migrate" (an upgrade is a step
  the operator takes once, after a backup, not something each worker races to do);
- a store **newer** than the code, or holding tables but no Nightbridge version, is
  refused with a plain sentence and left untouched.

The lock: on PostgreSQL a transaction-level advisory lock (``pg_advisory_xact_lock``,
keyed by the schema, released at commit) around the whole migration, which PostgreSQL
runs in one transaction; on SQLite the migration runs inside one ``BEGIN IMMEDIATE``
transaction, which holds the file's write lock (others wait on ``busy_timeout``).
Whoever gets the lock second finds the store already at the newest revision and does
nothing.

The revisions are read from the migration files' ``revision``/``down_revision`` lines,
so this module never imports Alembic; Alembic is imported only to migrate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from nightbridge.core.errors import NightbridgeError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from nightbridge.storage.database import Database

VERSIONS = Path(__file__).with_name("migrations") / "versions"
VERSION_TABLE = "alembic_version"
#: First key of the PostgreSQL advisory lock (the second is the schema's hash).
LOCK_NAME = "nightbridge.migrate"

_REVISION = re.compile(r"^revision\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE)


class StoreRefused(NightbridgeError):
    """The store cannot be used by this version as it is (the message says why and
    what to do); nothing was changed."""


@cache
def revisions() -> tuple[str, ...]:
    """The code's migration revisions, oldest first (one linear chain)."""
    parent_of: dict[str, str | None] = {}
    for path in VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found, down = _REVISION.search(text), _DOWN.search(text)
        if found and down:
            parent_of[found.group(1)] = down.group(1)
    child_of = {parent: child for child, parent in parent_of.items()}
    if len(child_of) != len(parent_of):  # pragma: no cover - a test guards the chain
        raise RuntimeError("the migrations do not form one linear chain")
    chain: list[str] = []
    current = child_of.get(None)  # type: ignore[call-overload]
    while current is not None:
        chain.append(current)
        current = child_of.get(current)
    if len(chain) != len(parent_of):  # pragma: no cover
        raise RuntimeError("the migrations do not form one linear chain")
    return tuple(chain)


def head() -> str:
    """The newest revision this code knows."""
    return revisions()[-1]


@dataclass(frozen=True, slots=True)
class SchemaState:
    """What the store holds: its revision (None: none recorded) and whether it holds
    any table at all."""

    revision: str | None
    has_tables: bool

    @property
    def empty(self) -> bool:
        return self.revision is None and not self.has_tables

    @property
    def current(self) -> bool:
        return self.revision == head()

    @property
    def older(self) -> bool:
        return self.revision in revisions()[:-1]

    @property
    def newer(self) -> bool:
        """A revision this code does not know: written by a newer Nightbridge."""
        return self.revision is not None and self.revision not in revisions()


def read_state(connection: Connection) -> SchemaState:
    """The store's schema state, in ``connection``'s transaction (two small queries)."""
    if connection.dialect.name == "sqlite":
        names = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    else:
        names = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
    revision = None
    if VERSION_TABLE in names:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    others = {n for n in names if n != VERSION_TABLE and not n.startswith("sqlite_")}
    return SchemaState(revision=revision, has_tables=bool(others))


def describe(database: Database) -> str:
    """Where the store is, for messages (never the URL: it may hold a password)."""
    if database.is_sqlite:
        path = database.engine.url.database or ":memory:"
        return f"the store {path}"
    return "the PostgreSQL store"


def refusal(database: Database, state: SchemaState) -> str | None:
    """Why ``state`` cannot be used as it is (a sentence), or None."""
    where = describe(database)
    if state.newer:
        return (
            f"{where} was written by a newer version of Nightbridge (schema {state.revision}; "
            f"this version knows up to {head()}). Nothing was changed. Use the newer "
            "Nightbridge, or restore a backup made with this version."
        )
    if state.revision is None and state.has_tables:
        return (
            f"{where} holds tables but no Nightbridge schema version, so it is not a "
            "Nightbridge store. Nothing was changed. Point --home or "
            "NIGHTBRIDGE_DATABASE_URL at a Nightbridge store or an empty one."
        )
    return None


def state_of(database: Database) -> SchemaState:
    with database.engine.connect() as connection, _begin_mode(connection, "BEGIN"):
        state = read_state(connection)  # a read: never the write lock
        connection.rollback()
    return state


def ensure_ready(database: Database, *, create: bool = True) -> SchemaState:
    """Check the store's schema before use: set up an empty store (``create``), refuse
    an older, newer or foreign one with ``StoreRefused`` (a damaged SQLite file with
    ``integrity.DamagedStore``)."""
    try:
        state = state_of(database)
    except Exception as exc:
        from nightbridge.storage.integrity import DamagedStore, damaged_sentence, is_damage

        if is_damage(exc):
            raise DamagedStore(damaged_sentence(describe(database))) from None
        raise
    if state.current:
        return state
    if state.empty and create:
        return migrate(database, only_if_empty=True)[1]
    reason = refusal(database, state)
    if reason:
        raise StoreRefused(reason)
    if state.older:
        raise StoreRefused(
            f"{describe(database)} uses an older schema ({state.revision}); this version "
            f"needs {head()}. Back it up (nightbridge backup --out FILE), then run "
            "`nightbridge migrate` once, then start Nightbridge again."
        )
    raise StoreRefused(f"{describe(database)} has not been set up: run `nightbridge migrate`.")


@contextmanager
def _begin_mode(connection: Connection, mode: str) -> Iterator[None]:
    """``mode`` for the transactions begun on ``connection`` in the block (the setting
    lives on the pooled DB-API connection: put it back for its next user)."""
    from nightbridge.storage.database import BEGIN_MODE

    previous = connection.info.get(BEGIN_MODE)
    connection.info[BEGIN_MODE] = mode
    try:
        yield
    finally:
        if previous is None:
            connection.info.pop(BEGIN_MODE, None)
        else:
            connection.info[BEGIN_MODE] = previous


def migrate(
    database: Database,
    *,
    only_if_empty: bool = False,
    totp_sealer: Callable[[int, str], str] | None = None,
) -> tuple[SchemaState, SchemaState]:
    """Bring the store to the newest revision under the lock; the states before and
    after. ``only_if_empty``: set up an empty store, but leave an older one alone
    (``ensure_ready`` then refuses it). A newer or foreign store is refused.
    ``totp_sealer``: seals TOTP secrets still in the clear (``migrate.upgrade``)."""
    from sqlalchemy import text

    lock = text("SELECT pg_advisory_xact_lock(hashtext(:name), hashtext(current_schema()))")
    with (
        database.engine.connect() as connection,
        # SQLite: the file's write lock, held from BEGIN IMMEDIATE to COMMIT.
        _begin_mode(connection, "BEGIN IMMEDIATE"),
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(lock, {"name": LOCK_NAME})
        before = read_state(connection)  # fresh, under the lock
        reason = refusal(database, before)
        if reason:
            raise StoreRefused(reason)
        if before.current or (only_if_empty and not before.empty):
            return before, before
        from nightbridge.storage.migrate import upgrade

        upgrade(connection, totp_sealer=totp_sealer)
        after = read_state(connection)
    return before, after
