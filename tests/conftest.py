"""Shared fixtures.

``database`` runs each storage test twice: on SQLite (a fresh file per test) and on
PostgreSQL (``NIGHTBRIDGE_TEST_DATABASE_URL``, default the local server; each xdist
worker gets its own schema, emptied between tests). Without a reachable PostgreSQL the
PostgreSQL half is skipped and the run says so plainly at the end, unless
``NIGHTBRIDGE_TEST_POSTGRES_REQUIRED=1`` (CI), where it fails.

``run_cli`` runs the real ``nightbridge`` command in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from nightbridge.storage.database import Database
from nightbridge.storage.tables import Base
from tests.smtp import LocalSmtp

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("NIGHTBRIDGE_TEST_DATABASE_URL", DEFAULT_PG_URL)
PG_REQUIRED = os.environ.get("NIGHTBRIDGE_TEST_POSTGRES_REQUIRED") == "1"
_pg_state: dict[str, str | None] = {}


def postgres_problem() -> str | None:
    """None when PostgreSQL answers at PG_URL, else why not (checked once per process)."""
    if "problem" not in _pg_state:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_state["problem"] = None
        except Exception as exc:
            _pg_state["problem"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return _pg_state["problem"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    problem = postgres_problem()
    if problem:
        terminalreporter.write_line(
            f"NOTE: PostgreSQL storage tests were SKIPPED: no server at {PG_URL} ({problem}). "
            "Only SQLite was tested.",
            yellow=True,
        )


@pytest.fixture(scope="session", autouse=True)
def _private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``Settings()`` without a home means the platform's user data folder (the TOTP key
    file's default place among others): point it at a folder of this run's own."""
    path = tmp_path_factory.mktemp("data-home")
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(path)
    yield path
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once per worker)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[Database]:
    problem = postgres_problem()
    if problem:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required here but not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    schema = f"nbtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, engine_options={"connect_args": {"options": f"-csearch_path={schema}"}})
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _empty_postgres(db: Database) -> None:
    """TRUNCATE every table. The audit trail refuses TRUNCATE (a trigger, migration
    0012); only a superuser can turn triggers off for a transaction
    (``session_replication_role``), which the test server's ``postgres`` user is."""
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty store on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "nightbridge.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
    else:
        db = request.getfixturevalue("_postgres_database")
        _empty_postgres(db)
        yield db


@pytest.fixture
def sqlite_database(tmp_path: Path, _sqlite_template: Path) -> Iterator[Database]:
    """A migrated, empty SQLite store (for tests that are not about the engine)."""
    path = tmp_path / "nightbridge.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture
def smtp_server() -> Iterator[LocalSmtp]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives
    (tests/smtp.py); stopped after the test."""
    server = LocalSmtp()
    server.start()
    yield server
    server.stop()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def run_cli(cli_home: Path):  # type: ignore[no-untyped-def]
    """Run the real ``nightbridge`` command (a subprocess) with ``--home`` set to a temp store."""

    def run(
        *args: str,
        input: str | None = None,
        home: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> CliResult:
        full_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("NIGHTBRIDGE_") and k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")
        }
        # English messages unless a test asks for another language (docs/i18n.md)
        full_env.update({"TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "200", "LANG": "C.UTF-8"})
        full_env.update(env or {})
        cmd = [sys.executable, "-m", "nightbridge", "--home", str(home or cli_home), *args]
        proc = subprocess.run(
            cmd,
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run
