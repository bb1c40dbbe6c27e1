"""Android Health Connect's SQLite export (docs/importers/health-connect.md)."""

from __future__ import annotations

import io
import sqlite3
import tempfile
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.importers.health_connect import read_health_connect, read_health_connect_db

SQL = Path(__file__).parents[1] / "data" / "health_connect" / "health_connect_export.sql"
LA = "America/Los_Angeles"


@pytest.fixture
def export_db(tmp_path: Path) -> Path:
    path = tmp_path / "health_connect_export.db"
    con = sqlite3.connect(path)
    con.executescript(SQL.read_text())
    con.commit()
    con.close()
    return path


def test_each_app_is_its_own_source_and_stages_map_to_states(export_db: Path) -> None:
    samples = list(read_health_connect_db(export_db, tz=LA))
    assert {s.source for s in samples} == {"Samsung Health", "Sleep as Android"}
    first = [s for s in samples if s.source == "Samsung Health"][:9]
    assert [(s.state, s.stage, s.minutes) for s in first] == [
        ("in_bed", None, 480),
        ("awake", None, 20),
        ("asleep", "light", 120),
        ("asleep", "deep", 60),
        ("asleep", "rem", 40),
        ("awake", None, 10),
        ("asleep", "light", 120),
        ("asleep", "rem", 80),
        ("awake", None, 30),
    ]


def test_a_session_without_stages_is_asleep_throughout(export_db: Path) -> None:
    other = [s for s in read_health_connect_db(export_db, tz=LA) if s.source == "Sleep as Android"]
    assert [(s.state, s.minutes) for s in other] == [("in_bed", 435), ("asleep", 435)]


def test_stages_after_the_dst_change_carry_the_new_offset(export_db: Path) -> None:
    samples = list(read_health_connect_db(export_db, tz=LA))
    rem = next(s for s in samples if s.stage == "rem" and s.start.day == 8)
    assert rem.start.isoformat() == "2026-03-08T03:30:00-07:00"


def test_unknown_stages_are_skipped(export_db: Path) -> None:
    samples = list(read_health_connect_db(export_db, tz=LA))
    assert not [s for s in samples if s.minutes == 0]  # the stage-0 row is not a sample


def test_the_stream_is_copied_to_a_temporary_file_that_is_deleted(export_db: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("nightbridge-hc-*"))
    samples = list(read_health_connect(io.BytesIO(export_db.read_bytes()), tz=LA))
    assert len(samples) == 29
    assert set(Path(tempfile.gettempdir()).glob("nightbridge-hc-*")) == before


def test_it_refuses_a_file_that_is_not_sqlite() -> None:
    with pytest.raises(InvalidInput, match="is not a SQLite database"):
        list(read_health_connect(io.BytesIO(b"PK\x03\x04 not a database"), tz=LA))


def test_it_refuses_a_database_without_sleep_sessions(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE steps_record_table (row_id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(InvalidInput, match="has no sleep_session_record_table"):
        list(read_health_connect_db(path, tz=LA))


def test_it_refuses_a_damaged_database(export_db: Path, tmp_path: Path) -> None:
    data = bytearray(export_db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    with pytest.raises(InvalidInput, match="is not a readable Health Connect export"):
        list(read_health_connect(io.BytesIO(bytes(data)), tz=LA))
