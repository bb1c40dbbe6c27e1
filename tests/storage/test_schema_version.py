"""Commands and servers check the schema version instead of migrating (issue 11, item 6):
an empty store is set up under the lock, an older one refused with "run nightbridge
migrate", a newer one refused with a plain sentence; several servers started at once on
one new PostgreSQL database all come up."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from nightbridge.storage.database import BEGIN_MODE, Database, url_for_home
from nightbridge.storage.migrate import alembic_config, upgrade
from nightbridge.storage.schema import head, revisions, state_of
from tests.browser import free_port
from tests.conftest import PG_REQUIRED, PG_URL, postgres_problem


def test_the_revisions_read_from_the_files_are_alembics_chain() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    walked = [rev.revision for rev in script.walk_revisions()]  # newest first
    assert list(revisions()) == walked[::-1]
    assert head() == script.get_current_head()
    assert all(len(rev) <= 32 for rev in revisions())


def _store_at(home: Path, revision: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    db = Database(url_for_home(home))
    with db.engine.connect() as conn:
        conn.info[BEGIN_MODE] = "BEGIN IMMEDIATE"
        with conn.begin():
            upgrade(conn, revision)
    db.dispose()


def test_an_older_store_is_refused_until_migrated(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "old"
    _store_at(home, revisions()[-3])
    refused = run_cli("diary", "list", home=home)
    assert refused.exit_code == 1
    assert "older schema" in refused.stderr and "nightbridge migrate" in refused.stderr
    assert "Traceback" not in refused.stderr
    migrated = run_cli("migrate", home=home)
    assert migrated.exit_code == 0, migrated.stderr
    assert f"migrated from schema {revisions()[-3]} to {head()}" in migrated.stdout
    again = run_cli("migrate", home=home)
    assert "is up to date" in again.stdout
    assert run_cli("diary", "list", home=home).exit_code == 0


def test_a_newer_store_is_refused_and_left_alone(run_cli, cli_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("init").exit_code == 0
    path = cli_home / "nightbridge.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    for command in (["diary", "list"], ["migrate"], ["serve", "--port", "1"]):
        result = run_cli(*command)
        assert result.exit_code == 1, command
        assert "newer version of Nightbridge" in result.stderr
        assert "Nothing was changed" in result.stderr
        assert "alembic" not in result.stderr.lower()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0099_from_the_future",)
        ]


def test_a_command_neither_imports_alembic_nor_migrates(cli_home: Path) -> None:
    code = (
        "import sys\n"
        "from nightbridge.cli.app import main\n"
        "try:\n"
        f"    main(['--home', {str(cli_home)!r}, 'diary', 'list'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('alembic' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    # The first use sets up the empty store (that imports Alembic, once) ...
    assert first.returncode == 0, first.stderr
    assert state_of(Database(url_for_home(cli_home))).current
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    # ... and after that a command only reads the version.
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines()[-1] == "False"


# -- several servers at once on one new PostgreSQL database ------------------------------


@pytest.fixture
def new_postgres_schema() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema (dropped afterwards)."""
    problem = postgres_problem()
    if problem:
        if PG_REQUIRED:
            pytest.fail(f"PostgreSQL is required here but not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {problem}")
    schema = f"nbserve_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("count", [2, 4])
def test_servers_started_together_on_a_new_database_all_come_up(
    count: int, new_postgres_schema: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    env["NIGHTBRIDGE_DATABASE_URL"] = new_postgres_schema
    ports = [free_port() for _ in range(count)]
    procs = []
    for i, port in enumerate(ports):
        log = (tmp_path / f"serve{i}.log").open("w")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nightbridge",
                    "--home",
                    str(tmp_path / f"h{i}"),
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    try:
        deadline = time.monotonic() + 90
        up: set[int] = set()
        while len(up) < count and time.monotonic() < deadline:
            for port, proc in zip(ports, procs, strict=True):
                if port not in up and proc.poll() is None and _answers(port):
                    up.add(port)
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.2)
        logs = "\n".join((tmp_path / f"serve{i}.log").read_text() for i in range(count))
        assert all(p.poll() is None for p in procs), logs
        assert len(up) == count, logs
        assert "Traceback" not in logs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    db = Database(new_postgres_schema)
    try:
        assert state_of(db).current
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        db.dispose()


@pytest.mark.slow
def test_commands_started_together_on_a_new_sqlite_store_all_succeed(tmp_path: Path) -> None:
    """Four ``init`` at once on a new home (each migrated it unlocked before: three of
    four failed with OperationalError)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTBRIDGE_")}
    home = tmp_path / "new"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "nightbridge", "--home", str(home), "init"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    db = Database(url_for_home(home))
    try:
        assert state_of(db).current
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM persons").scalar() == 1
    finally:
        db.dispose()
