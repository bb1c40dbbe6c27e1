"""Samsung Health sleep CSVs (docs/importers/samsung.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped
from nightbridge.importers.samsung import read_samsung_export, read_samsung_sessions
from tests.importers.device_files import MemoryFiles

EXPORT = Path(__file__).parents[1] / "data" / "samsung" / "samsunghealth_demo_20260401120000"
SESSION_HEADER = (
    "com.samsung.shealth.sleep,6313007,13\n"
    "com.samsung.health.sleep.start_time,com.samsung.health.sleep.end_time,"
    "com.samsung.health.sleep.time_offset,com.samsung.health.sleep.datauuid,\n"
)


def sessions(rows: str) -> list:  # type: ignore[type-arg]
    return list(read_samsung_sessions(io.BytesIO((SESSION_HEADER + rows).encode()), {}))


def test_times_are_utc_shown_in_the_rows_offset() -> None:
    (bed, asleep) = sessions("2026-03-26 22:00:00.000,2026-03-27 05:30:00.000,UTC+0100,u1,\n")
    assert bed.start.isoformat() == "2026-03-26T23:00:00+01:00"
    assert bed.end.isoformat() == "2026-03-27T06:30:00+01:00"
    assert (bed.state, asleep.state, asleep.stage, asleep.minutes) == (
        "in_bed",
        "asleep",
        None,
        450,
    )


def test_placeholder_rows_are_skipped() -> None:
    assert sessions(",,,,\n,,UTC+0100,,\n") == []


def test_stages_join_on_sleep_id_and_map_their_codes() -> None:
    files = MemoryFiles({f"x/{p.name}": p.read_bytes() for p in EXPORT.iterdir()})
    samples = list(read_samsung_export(files, tz="Europe/Berlin"))
    first_night = [s for s in samples if s.start < dt.datetime(2026, 3, 27, 6, tzinfo=dt.UTC)]
    by_stage: dict = {}
    for s in first_night:
        if s.state != "in_bed":
            by_stage[(s.state, s.stage)] = by_stage.get((s.state, s.stage), 0) + s.minutes
    assert by_stage == {
        ("awake", None): 50,
        ("asleep", "light"): 240,
        ("asleep", "deep"): 60,
        ("asleep", "rem"): 100,
    }
    assert len(samples) == 24


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2026-03-26 22:00:00.000,2026-03-27 05:30:00.000,CET,u1,\n", "is not like UTC+0100"),
        ("2026-03-26 22:00:00.000,2026-03-27 05:30:00.000,UTC+1900,u1,\n", "beyond UTC±14:00"),
        ("26/03/2026 22:00,2026-03-27 05:30:00.000,UTC+0100,u1,\n", "is not a time"),
        ("2026-03-27 05:30:00.000,2026-03-26 22:00:00.000,UTC+0100,u1,\n", "is before start_time"),
    ],
)
def test_it_refuses_a_bad_row_naming_the_line(row: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        sessions(row)
    assert reason in str(refused.value)
    assert refused.value.problems[0].row == 3


def test_an_export_without_the_sleep_file_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"no com\.samsung\.shealth\.sleep"):
        list(read_samsung_export(MemoryFiles({"a.csv": b""}), tz="UTC"))


def test_a_stageless_session_uses_samsungs_efficiency_for_asleep_and_awake() -> None:
    header = SESSION_HEADER.replace("datauuid,\n", "datauuid,efficiency,\n")
    rows = "2026-03-30 21:00:00.000,2026-03-31 05:00:00.000,UTC+0200,u6,87.5,\n"
    got = list(read_samsung_sessions(io.BytesIO((header + rows).encode()), {}))
    assert [(s.state, s.start.strftime("%H:%M"), s.minutes) for s in got] == [
        ("in_bed", "23:00", 480),
        ("asleep", "23:00", 210),
        ("awake", "02:30", 60),
        ("asleep", "03:30", 210),
    ]


@pytest.mark.parametrize("efficiency", ["", "0", "140", "n/a"])
def test_without_a_usable_efficiency_the_session_is_the_sleep(efficiency: str) -> None:
    header = SESSION_HEADER.replace("datauuid,\n", "datauuid,efficiency,\n")
    rows = f"2026-03-30 21:00:00.000,2026-03-31 05:00:00.000,UTC+0200,u6,{efficiency},\n"
    got = list(read_samsung_sessions(io.BytesIO((header + rows).encode()), {}))
    samples = [s for s in got if not isinstance(s, Skipped)]
    assert [(s.state, s.minutes) for s in samples] == [("in_bed", 480), ("asleep", 480)]
    notices = [s for s in got if isinstance(s, Skipped)]
    assert len(notices) == (1 if efficiency else 0)
    if notices:
        assert "not a percentage" in notices[0].reason
