"""Withings sleep.csv (docs/importers/withings.md): reader, and the service's re-import,
bad-file and future-night guarantees on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers.withings import read_withings_export, read_withings_sleep
from nightbridge.services.devices.devices import device_row_counts, import_device
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from tests.importers.device_files import MemoryFiles

DATA = Path(__file__).parents[1] / "data" / "withings"
EXPORT = DATA / "data_DAN_1775001600"
KEYS = ("tst_min", "tib_min", "sol_min", "waso_min", "se_pct", "is_nap")
HEADER = (
    "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
    "Duration to wake up (s)\n"
)
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def read(data: bytes, tz: str = "Europe/Berlin") -> list:  # type: ignore[type-arg]
    return list(read_withings_sleep(io.BytesIO(data), tz=tz))


def nights(records: list) -> dict[str, tuple]:  # type: ignore[type-arg]
    built = build_nights(r for r in records if isinstance(r, SleepSample))
    out = {}
    for n in built:
        doc = n.to_dict()
        out[doc["date"] + (" nap" if n.is_nap else "")] = (
            *(doc[k] for k in KEYS),
            doc.get("deep_min"),
        )
    return out


def test_the_english_export_gives_withings_totals_and_latencies_across_the_clock_change() -> None:
    records = read((EXPORT / "sleep.csv").read_bytes())
    assert nights(records) == {
        # 23:10 -> 07:00 = 470; asleep 240 + 80 + 100 = 420; onset 23:25 (15 to sleep),
        # wake 06:50 (10 to get up): 445 - 420 = 25 awake inside; se 89.4
        "2026-03-27": (420, 470, 15, 25, 89.4, False, 80),
        # spring forward: 23:30 CET -> 07:30 CEST is 420 real minutes, not 480;
        # 200 + 90 + 100 = 390 asleep, 20 to sleep, 10 awake; se 92.9
        "2026-03-29": (390, 420, 20, 10, 92.9, False, 90),
        # the 14:00 nap: 40 in bed, 5 to sleep, 30 asleep, 5 awake
        "2026-03-29 nap": (30, 40, 5, 5, 75.0, True, 5),
        # 23:15 -> 07:05 = 470; 230 + 80 + 110 = 420; onset 23:25, wake 07:00; 35 awake
        "2026-04-01": (420, 470, 10, 35, 89.4, False, 80),
    }
    skipped = [(s.where, s.reason) for s in records if isinstance(s, Skipped)]
    assert skipped == [
        ("row 3", "the end is not after the start"),
        ("row 4", "'yesterday' is not a time like 2026-03-06T22:24:37+01:00"),
        ("row 5", "no light, deep or REM seconds (a night Withings did not score)"),
    ]
    spring = [s for s in records if isinstance(s, SleepSample) and s.state == "in_bed"][-2]
    assert (spring.start.isoformat(), spring.end.isoformat()) == (
        "2026-03-28T23:30:00+01:00",
        "2026-03-29T07:30:00+02:00",
    )


def test_the_german_export_with_a_byte_order_mark() -> None:
    # 22:24:37 -> 06:24:37 = 480; 260 + 90 + 90 = 440; 20 to sleep, 10 to get up: 10 awake
    records = read((DATA / "de" / "sleep.csv").read_bytes())
    assert nights(records) == {"2026-03-07": (440, 480, 20, 10, 91.7, False, 90)}


def test_the_spanish_export_across_the_autumn_change_without_rem() -> None:
    # 23:30 CEST -> 07:30 CET = 540 real minutes; 300 + 100 asleep (REM empty: 0);
    # onset 00:00 CEST (30 to sleep), wake 07:20 CET (10 to get up): 500 - 400 = 100 awake
    records = read((DATA / "es" / "sleep.csv").read_bytes(), tz="Europe/Madrid")
    assert nights(records) == {"2026-10-25": (400, 540, 30, 100, 74.1, False, 100)}
    bed = next(s for s in records if isinstance(s, SleepSample) and s.state == "in_bed")
    assert bed.end.isoformat() == "2026-10-25T07:30:00+01:00"


def test_the_newer_column_names_and_night_events() -> None:
    records = read((DATA / "newer" / "sleep.csv").read_bytes(), tz="America/New_York")
    got = nights(records)
    # 23:00 EDT -> 07:00 EST = 540; 270 + 90 + 100 = 460; 10 to sleep, 30 to get up: 40
    assert got["2026-11-01"] == (460, 540, 10, 40, 85.2, False, 90)
    assert "2027-01-10" in got  # dated after the import: the service refuses it


def test_french_headers_and_times_without_an_offset_in_the_profile_zone() -> None:
    data = (
        "de,à,léger (s),profond (s),rem (s),éveillé (s)\n"
        "2026-02-01 23:00:00,2026-02-02 07:00:00,14400,5400,6000,3000\n"
    ).encode()
    (bed, *_) = read(data, tz="Europe/Paris")
    assert bed.start.isoformat() == "2026-02-01T23:00:00+01:00"


def test_latencies_that_leave_no_room_for_the_sleep_are_trimmed_not_fatal() -> None:
    # 480 in bed, 460 asleep, but 30 + 30 latency: the onset moves to fit the sleep
    row = "2026-02-01T23:00:00+01:00,2026-02-02T07:00:00+01:00,18000,4800,4800,0,0,1800,1800\n"
    (night,) = build_nights(r for r in read((HEADER + row).encode()) if isinstance(r, SleepSample))
    assert (night.tst_min, night.tib_min, night.sol_min + night.waso_min) == (460, 480, 20)


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (
            "2026-02-01T23:00:00+01:00,2026-02-02T07:00:00+01:00,30000,9000,9000,0,0,0,0",
            "more seconds asleep than from start to end",
        ),
        (
            "2026-02-01T23:00:00+01:00,2026-02-03T07:00:00+01:00,14400,5400,6000,0,0,0,0",
            "longer than 24 hours",
        ),
        (
            "2026-02-01T23:00:00+01:00,2026-02-02T07:00:00+01:00,=1+1,5400,6000,0,0,0,0",
            "is not a number of seconds",
        ),
        (
            "2026-02-01T23:00:00+01:00,2026-02-02T07:00:00+01:00,1e9,5400,6000,0,0,0,0",
            "is not between 0 and 86400 seconds",
        ),
        (",2026-02-02T07:00:00+01:00,14400,5400,6000,0,0,0,0", "without its start or end"),
    ],
)
def test_a_bad_row_is_skipped_and_reported(cells: str, reason: str) -> None:
    good = "2026-02-02T23:00:00+01:00,2026-02-03T07:00:00+01:00,14400,5400,6000,0,0,600,0\n"
    records = read((HEADER + cells + "\n" + good).encode())
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert reason in notice.reason and notice.where == "row 2"
    assert len(nights(records)) == 1  # the good row


def test_a_file_that_is_not_withings_sleep_csv_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput, match=r"is not a Withings sleep\.csv"):
        read(b"date,steps\n2026-01-10,8000\n")


def test_a_renamed_download_is_read_and_other_files_are_not() -> None:
    files = MemoryFiles(
        {
            "data_DAN/raw_bed_sleep-state.csv": (EXPORT / "raw_bed_sleep-state.csv").read_bytes(),
            "sleep (1).csv": (DATA / "de" / "sleep.csv").read_bytes(),
        }
    )
    records = list(read_withings_export(files, tz="Europe/Berlin"))
    assert nights(records) == {"2026-03-07": (440, 480, 20, 10, 91.7, False, 90)}


def test_reimport_adds_nothing_a_future_night_is_refused_and_a_bad_file_changes_no_row(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="America/New_York"))
    newer = DATA / "newer" / "sleep.csv"
    first = import_device(database, pid, "withings", newer, tz="America/New_York", now=NOW)
    assert first.added == 6 and first.nights == 1  # the 2027 night is not stored
    assert next(s.reason for s in first.skipped).startswith("is dated after the moment")
    first = import_device(database, pid, "withings", EXPORT, tz="Europe/Berlin", now=NOW)
    assert first.added == 23 and first.nights == 3
    again = import_device(database, pid, "withings", EXPORT, tz="Europe/Berlin", now=NOW)
    assert again.added == 0 and again.duplicates == 23
    before = device_row_counts(database, pid)
    broken = tmp_path / "sleep.csv"
    broken.write_bytes(HEADER.encode() + b"2026-02-01T23:00:00+01:00,\xff\xfe bad bytes\n")
    with pytest.raises(InvalidInput):
        import_device(database, pid, "withings", broken, tz="Europe/Berlin", now=NOW)
    assert device_row_counts(database, pid) == before


def test_the_cli_imports_it_and_refuses_a_wrong_file(run_cli, tmp_path: Path) -> None:
    done = run_cli("import", "withings", str(EXPORT), "--tz", "Europe/Berlin")
    assert done.exit_code == 0, done.stderr
    assert "Withings: 3 nights" in done.stdout
    assert "a night Withings did not score" in done.stdout + done.stderr
    wrong = tmp_path / "sleep.csv"
    wrong.write_text("date,steps\n2026-01-10,8000\n")
    refused = run_cli("import", "withings", str(wrong), "--tz", "Europe/Berlin")
    assert refused.exit_code == 2
    assert "is not a Withings sleep.csv" in refused.stderr and "Traceback" not in refused.stderr
