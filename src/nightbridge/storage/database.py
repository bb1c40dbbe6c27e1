"""The database handle: engine, transactions, migrations (``storage.schema``).

Nothing is created at import time: build a ``Database`` in the app factory or the CLI
and pass it down (tests build one per test, in parallel).

Durability: SQLite runs in WAL mode with ``synchronous=FULL`` (WAL survives process
crashes whatever ``synchronous`` is; FULL also survives power loss; sqlite.org/wal.html)
and ``foreign_keys=ON``. Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so
two writers never fail when both try to upgrade a read lock. PostgreSQL keeps its
durable defaults (fsync, synchronous_commit on).

Waiting for SQLite's write lock: within a process, write transactions take turns on a
lock of the process (a waiting write is woken when the lock is free, no polling), so
SQLite's own busy wait (which polls) only ever has the other processes' writers to wait
for. A write that does not get its
turn within ``write_wait`` (the ``write_wait`` setting), in the process or then in the
store, raises ``StoreBusy`` with nothing written: the web answers 503 with Retry-After,
the CLI says the store is busy, never a crash.

Derived data: before a write transaction commits, the per-person summaries of every
person it wrote (``storage.changes``) are recomputed in it (``refresh_changed``), so the
clinician's list never lags the data.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from nightbridge.core.errors import NightbridgeError
from nightbridge.storage.changes import changed_persons
from nightbridge.storage.deferred import queued
from nightbridge.storage.guard import GuardedSession

SQLITE_FILENAME = "nightbridge.sqlite3"

BEGIN_MODE = "nightbridge_begin"


def url_for_home(home: Path) -> str:
    """The SQLite URL of the store kept in ``home``."""
    return f"sqlite:///{(home / SQLITE_FILENAME).resolve()}"


def resolve_url(home: Path, database_url: str | None = None) -> str:
    """The ``database_url`` setting when set (PostgreSQL), else the SQLite store in
    ``home``."""
    return database_url or url_for_home(home)


class BlockingOnEventLoop(RuntimeError):
    """Database work was started on a thread that runs an asyncio event loop."""


def refuse_event_loop() -> None:
    """Raise ``BlockingOnEventLoop`` when called on a thread running an event loop.

    Database calls block (a SQLite write waits up to ``busy_timeout`` for the lock, a
    PostgreSQL one for a row lock): on the server's event loop that wait would stall
    every request, ``/login`` and "Need help now" included (issue 12 item 1). Routes,
    dependencies and error handlers that touch the store are plain ``def`` (FastAPI
    runs them in its thread pool); this check makes a slip fail loudly in the tests
    instead of stalling a server.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise BlockingOnEventLoop(
        "database work on the event loop: run it in the thread pool (a plain def route)"
    )


class StoreBusy(NightbridgeError):
    """A write did not get the store's write lock within its wait; nothing was written
    (the CLI prints this sentence, exit 1; the web answers 503 with Retry-After)."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(
            "The store is busy with other saves. Nothing was saved; please try again in a moment."
        )
        self.waited_s = waited_s


#: How long a write waits for SQLite's write lock by default (the ``write_wait`` setting).
DEFAULT_WRITE_WAIT_S = 30.0


def _is_lock_timeout(exc: OperationalError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


class Database:
    """One store. ``transaction()`` for writes, ``reader()`` for reads; neither may
    be opened on an event loop's thread (``refuse_event_loop``). ``write_wait_s``: how
    long a SQLite write waits for its turn, in this process and then in the store."""

    def __init__(
        self,
        url: str,
        *,
        engine_options: dict[str, Any] | None = None,
        write_wait_s: float = DEFAULT_WRITE_WAIT_S,
    ) -> None:
        self.url = url
        self.write_wait_s = write_wait_s
        self.write_turn = threading.RLock()
        options: dict[str, Any] = dict(engine_options or {})
        # SQL parameters never appear in error messages or logs: they are health data
        # (nightbridge.logsafe; ASVS 5.0 16.2.5).
        options.setdefault("hide_parameters", True)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            if url in ("sqlite://", "sqlite:///:memory:"):
                options.setdefault("poolclass", StaticPool)
            options.setdefault(
                "connect_args", {"check_same_thread": False, "timeout": write_wait_s}
            )
        else:
            # No ping before each checkout (a round trip per transaction): a connection
            # the server dropped fails its first statement, SQLAlchemy then discards the
            # whole pool, and connections idle longer than ``pool_recycle`` are replaced.
            options.setdefault("pool_pre_ping", False)
            options.setdefault("pool_recycle", 1800)
        self.engine: Engine = create_engine(url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine, write_wait_s)
        #: (key, callback): called after a write transaction that set ``key`` in its
        #: connection's ``info`` has committed (``on_commit``).
        self._commit_hooks: list[tuple[str, Callable[[], None]]] = []

    def on_commit(self, key: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` after each write transaction that marked its connection
        with ``key`` (``session.connection().info[key] = True``) has COMMITTED: never for
        one rolled back, never before its rows are visible to other connections (an
        engine's ``commit`` event comes before the commit). Returns the remover."""
        hook = (key, callback)
        self._commit_hooks.append(hook)

        def remove() -> None:
            if hook in self._commit_hooks:
                self._commit_hooks.remove(hook)

        return remove

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error."""
        refuse_event_loop()
        with self._turn(), self.engine.connect() as conn:
            conn.info[BEGIN_MODE] = "BEGIN IMMEDIATE"
            hooks = list(self._commit_hooks)
            for key, _ in hooks:  # a mark left by a transaction that rolled back
                conn.info.pop(key, None)
            waiting = queued()
            taken = list(waiting)
            with conn.begin(), GuardedSession(bind=conn, expire_on_commit=False) as session:
                yield session
                if taken:
                    # the request's audit rows commit with its data (storage.deferred)
                    from nightbridge.storage.repositories.audit import AuditRepository

                    for row in taken:
                        AuditRepository(session).append(**row)
                session.flush()
                if changed_persons(session):
                    # the one place summaries are kept up to date: before every commit
                    from nightbridge.storage.repositories.summaries import refresh_changed

                    refresh_changed(session)
            if taken:
                waiting[:] = [row for row in waiting if all(row is not t for t in taken)]
            for key, callback in hooks:
                if conn.info.pop(key, False):
                    callback()

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This write's turn at SQLite's write lock (nothing to wait for on PostgreSQL,
        whose writers wait on the rows they touch): the process's lock, then the store's;
        ``StoreBusy`` when either is not had within ``write_wait_s``."""
        if not self.is_sqlite:
            yield
            return
        started = time.monotonic()
        if not self.write_turn.acquire(timeout=self.write_wait_s):
            raise StoreBusy(time.monotonic() - started)
        try:
            yield
        except OperationalError as exc:
            if _is_lock_timeout(exc):
                raise StoreBusy(time.monotonic() - started) from None
            raise
        finally:
            self.write_turn.release()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only unit of work (one consistent snapshot); nothing is committed."""
        refuse_event_loop()
        with self.engine.connect() as conn:
            conn.info[BEGIN_MODE] = "BEGIN"
            with conn.begin() as tx, GuardedSession(bind=conn, expire_on_commit=False) as session:
                yield session
                tx.rollback()

    def migrate(self, *, totp_sealer: Callable[[int, str], str] | None = None) -> None:
        """Bring the schema to the newest revision under the migration lock (safe to
        repeat, and from several processes at once; ``storage.schema``)."""
        from nightbridge.storage.schema import migrate

        migrate(self, totp_sealer=totp_sealer)

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine, write_wait_s: float) -> None:
    busy_ms = max(1, round(write_wait_s * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (pysqlite's implicit transactions are not atomic for DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.info.get(BEGIN_MODE, "BEGIN"))
