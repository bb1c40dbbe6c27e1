"""Whoop sleeps.csv (docs/importers/whoop.md): reader, and the service's re-import and
bad-file guarantees on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers.whoop import read_whoop_sleeps
from nightbridge.services.devices.devices import device_row_counts, import_device
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

EXPORT = Path(__file__).parents[1] / "data" / "whoop" / "my_whoop_data_2026_04_01"
HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset,"
    "Asleep duration (min),In bed duration (min),Light sleep duration (min),"
    "Deep (SWS) duration (min),REM duration (min),Awake duration (min),"
    "Sleep efficiency %,Nap\n"
)


def read(text: str, tz: str = "Europe/Berlin") -> list:  # type: ignore[type-arg]
    return list(read_whoop_sleeps(io.BytesIO(text.encode()), tz=tz))


def test_the_sample_export_gives_whoops_totals_with_the_clock_change_counted() -> None:
    records = read((EXPORT / "sleeps.csv").read_text())
    nights = {
        n.date.isoformat(): n.to_dict()
        for n in build_nights(r for r in records if isinstance(r, SleepSample))
    }
    keys = ("tst_min", "tib_min", "sol_min", "waso_min", "se_pct", "is_nap")
    got = {d: (*(n[k] for k in keys), n.get("deep_min")) for d, n in nights.items()}
    assert got == {
        # no stage cells (older rows): asleep 400 of 23:00 -> 06:30 = 450; 50 awake
        "2026-03-27": (400, 450, 0, 50, 88.9, False, None),
        # spring forward: 23:30 CET -> 07:30 CEST is 420 real minutes, not 480;
        # light 200 + deep 90 + REM 100 = 390; awake 30; se 92.9
        "2026-03-29": (390, 420, 0, 30, 92.9, False, 90),
        # the 14:00 nap (40 min in bed, 30 asleep) is a nap, never a night
        "2026-03-30": (30, 40, 0, 10, 75.0, True, 5),
        # 23:15 -> 07:05 = 470; 230 + 80 + 110 = 420 asleep; se 89.4 (Whoop: 89)
        "2026-03-31": (420, 470, 0, 50, 89.4, False, 80),
    }
    skipped = [(s.where, s.reason) for s in records if isinstance(s, Skipped)]
    assert skipped == [
        ("row 2", "a cycle without a sleep (no sleep onset or wake onset)"),
        ("row 6", "the wake onset is not after the sleep onset"),
        ("row 8", "Light sleep duration (min) '1e9' is not between 0 and 1440 minutes"),
    ]


def test_the_awake_minutes_are_one_block_at_the_middle_of_the_sleep() -> None:
    row = "x,,UTC+01:00,2026-01-09 23:00:00,2026-01-10 07:00:00,420,480,240,60,120,60,87,false\n"
    samples = [s for s in read(HEADER + row) if isinstance(s, SleepSample)]
    awake = [
        (s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in samples if s.state == "awake"
    ]
    assert awake == [("02:30", "03:30")]  # after 210 of the 420 asleep minutes


def test_without_a_cycle_timezone_the_profile_zone_places_the_times() -> None:
    header = HEADER.replace("Cycle timezone,", "")
    row = "x,,2026-01-09 23:00:00,2026-01-10 07:00:00,420,480,240,60,120,60,87,false\n"
    (bed, *_) = read(header + row, tz="America/New_York")
    assert bed.start.isoformat() == "2026-01-09T23:00:00-05:00"


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("2026-01-09 23:00,2026-01-10 07:00,420,480,400,60,120,0,87", "more minutes asleep"),
        ("yesterday,2026-01-10 07:00,420,480,240,60,120,60,87", "is not a time"),
        ("2026-01-09 23:00,2026-01-10 07:00,=1+1,480,,,,60,87", "is not a number"),
        ("2026-01-09 23:00,2026-01-12 07:00,420,480,240,60,120,60,87", "longer than 24 hours"),
    ],
)
def test_a_bad_row_is_skipped_and_reported(cells: str, reason: str) -> None:
    good = "x,,UTC+01:00,2026-01-10 23:00:00,2026-01-11 07:00:00,420,480,240,60,120,60,87,false\n"
    records = read(HEADER + f"x,,UTC+01:00,{cells},false\n" + good)
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert reason in notice.reason and notice.where == "row 2"
    assert len([r for r in records if isinstance(r, SleepSample)]) == 6  # the good row


def test_a_file_that_is_not_sleeps_csv_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput, match=r"is not a Whoop sleeps\.csv"):
        read("Cycle start time,Recovery score %\n2026-01-10 07:00:00,66\n")


def test_reimport_adds_nothing_and_a_bad_file_changes_no_row(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="Europe/Berlin"))
    first = import_device(database, pid, "whoop", EXPORT, tz="Europe/Berlin")
    assert first.added == 21
    assert import_device(database, pid, "whoop", EXPORT, tz="Europe/Berlin").added == 0
    before = device_row_counts(database, pid)
    broken = tmp_path / "sleeps.csv"
    broken.write_bytes(HEADER.encode() + b"x,,UTC+01:00,\xff\xfe bad bytes\n")
    with pytest.raises(InvalidInput):
        import_device(database, pid, "whoop", broken, tz="Europe/Berlin")
    assert device_row_counts(database, pid) == before


def test_an_over_long_line_is_refused_without_reading_on() -> None:
    with pytest.raises(InvalidInput, match="line 2 is longer than"):
        read(HEADER + "x" * (2 * 1024 * 1024) + "\n")


def test_the_cli_imports_it_reports_what_it_left_out_and_refuses_a_wrong_file(
    run_cli, tmp_path: Path
) -> None:
    done = run_cli("import", "whoop", str(EXPORT), "--tz", "Europe/Berlin")
    assert done.exit_code == 0, done.stderr
    assert "Whoop: 3 nights" in done.stdout
    assert "the wake onset is not after the sleep onset" in done.stdout + done.stderr
    wrong = tmp_path / "sleeps.csv"
    wrong.write_text("Cycle start time,Recovery score %\n2026-01-10 07:00:00,66\n")
    refused = run_cli("import", "whoop", str(wrong), "--tz", "Europe/Berlin")
    assert refused.exit_code == 2
    assert "is not a Whoop sleeps.csv" in refused.stderr and "Traceback" not in refused.stderr
