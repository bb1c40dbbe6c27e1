"""Google Fit in Google Takeout (docs/importers/google-fit.md): sessions and raw streams,
and the service's re-import, bad-file and future-night guarantees on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers.google_fit import read_google_fit_export
from nightbridge.services.devices.devices import device_row_counts, import_device
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from tests.importers.device_files import MemoryFiles

DATA = Path(__file__).parents[1] / "data" / "google_fit"
BERLIN = DATA / "takeout-berlin"
NEW_YORK = DATA / "takeout-new-york"
KEYS = ("tst_min", "tib_min", "sol_min", "waso_min", "se_pct")
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def folder_files(folder: Path) -> MemoryFiles:
    return MemoryFiles(
        {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
    )


def read(files: MemoryFiles, tz: str) -> list:  # type: ignore[type-arg]
    return list(read_google_fit_export(files, tz=tz))


def nights(records: list) -> dict[str, tuple]:  # type: ignore[type-arg]
    out = {}
    for n in build_nights(r for r in records if isinstance(r, SleepSample)):
        doc = n.to_dict()
        key = f"{doc['date']} {n.source}" + (" nap" if n.is_nap else "")
        out[key] = (*(doc[k] for k in KEYS), doc.get("light_min"), doc.get("deep_min"))
    return out


def test_the_sessions_of_a_takeout_with_stages_without_and_across_the_clock_change() -> None:
    records = read(folder_files(BERLIN), "Europe/Berlin")
    assert nights(records) == {
        # older app: sleep / sleep.awake only; 240 + 210 asleep of 480, 30 awake
        "2026-03-27 Google Fit": (450, 480, 0, 30, 93.8, None, None),
        # spring forward: 23:30 CET -> 07:30 CEST is 420 minutes; awake 20 first (SOL),
        # light 130 + 130, deep 60, REM 60 = 380, awake 10 inside; se 90.5. The
        # renamed copy "... (1).json" adds nothing (same samples).
        "2026-03-29 Google Fit": (380, 420, 20, 10, 90.5, 260, 60),
        # a session without segments at 14:00: a nap, asleep throughout (session only)
        "2026-03-30 Google Fit nap": (45, 45, 0, 0, 100.0, None, None),
        # the API's numbers 109-112 under "activityType": 72; 15 to sleep, 10 awake
        "2026-04-01 Google Fit": (450, 480, 15, 10, 93.8, 330, 60),
    }
    skipped = sorted((s.file, s.where, s.reason) for s in records if isinstance(s, Skipped))
    assert skipped == [
        ("2026-03-25T23_00_00+01_00_SLEEP.json", "session", "the end is not after the start"),
        ("2026-03-31T23_10_00.000+02_00_SLEEP.json", "segment 6", "an unknown sleep stage 999"),
    ]
    spring = next(
        s
        for s in records
        if isinstance(s, SleepSample) and s.start.day == 28 and s.state == "in_bed"
    )
    assert (spring.start.isoformat(), spring.end.isoformat()) == (
        "2026-03-28T23:30:00+01:00",
        "2026-03-29T07:30:00+02:00",
    )


def test_the_all_data_streams_each_app_its_own_source_across_the_autumn_change() -> None:
    records = read(folder_files(NEW_YORK), "America/New_York")
    assert nights(records) == {
        # 23:00 EDT -> 06:40 EST = 520 real minutes (out of bed after); light 180 + 200,
        # deep 60, REM 60 = 500; awake 20 inside; se 96.2
        "2026-11-01 Google Fit (com.huami.watch.h)": (500, 520, 0, 20, 96.2, 380, 60),
        # activity type 72 (written as the string "72") at 14:00: a nap; walking is not read
        "2026-11-01 Google Fit (com.google.android.apps.fitness) nap": (
            60,
            60,
            0,
            0,
            100.0,
            None,
            None,
        ),
    }
    (notice,) = [s for s in records if isinstance(s, Skipped)]
    assert (notice.where, notice.reason) == ("point 7", "an unknown sleep stage 0")
    watch = [s for s in records if isinstance(s, SleepSample) and "huami" in s.source]
    assert (watch[0].start.isoformat(), watch[-1].end.isoformat()) == (
        "2026-10-31T23:00:00-04:00",
        "2026-11-01T06:40:00-05:00",
    )


def test_a_localised_sessions_folder_and_segments_without_an_activity() -> None:
    # Все сеансы (Russian Takeout); segments without fitnessActivity are sleep; the gap
    # between them (10 min) is in bed, not asleep
    records = read(folder_files(DATA / "takeout-ru"), "Europe/Moscow")
    assert nights(records) == {"2026-03-07 Google Fit": (470, 480, 0, 10, 97.9, None, None)}


def test_a_session_file_that_is_not_json_or_not_a_session_is_refused_naming_it() -> None:
    name = "Takeout/Fit/All Sessions/2026-01-01T23_00_00+01_00_SLEEP.json"
    with pytest.raises(InvalidInput, match="is not a JSON document"):
        read(MemoryFiles({name: b'{"fitnessActivity": "sleep",'}), "Europe/Berlin")
    with pytest.raises(InvalidInput, match="is not a Google Fit sleep session"):
        read(MemoryFiles({name: b'{"Data Points": []}'}), "Europe/Berlin")


def test_only_daily_activity_metrics_is_refused_saying_what_to_export(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="Europe/Berlin"))
    metrics = tmp_path / "Daily activity metrics.csv"
    metrics.write_text("Date,Move Minutes count\n2026-03-29,41\n")
    refusal = r"has no Google Fit sleep files in it.*Daily activity metrics hold no sleep"
    with pytest.raises(InvalidInput, match=refusal):
        import_device(database, pid, "google-fit", metrics, tz="Europe/Berlin")


def test_reimport_adds_nothing_a_future_night_is_refused_and_a_bad_file_changes_no_row(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="Europe/Berlin"))
    first = import_device(database, pid, "google-fit", BERLIN, tz="Europe/Berlin", now=NOW)
    assert first.added == 20 and first.nights == 3
    again = import_device(database, pid, "google-fit", BERLIN, tz="Europe/Berlin", now=NOW)
    assert again.added == 0
    future = tmp_path / "Fit" / "All Sessions"
    future.mkdir(parents=True)
    session_doc = {
        "fitnessActivity": "sleep",
        "startTime": "2027-01-09T22:00:00Z",
        "endTime": "2027-01-10T06:00:00Z",
        "segment": [],
    }
    (future / "2027-01-09T23_00_00+01_00_SLEEP.json").write_text(json.dumps(session_doc))
    later = import_device(
        database, pid, "google-fit", tmp_path / "Fit", tz="Europe/Berlin", now=NOW
    )
    assert later.added == 0 and later.skipped[0].reason.startswith("is dated after the moment")
    before = device_row_counts(database, pid)
    (future / "2026-03-01T23_00_00+01_00_SLEEP.json").write_bytes(b'{"startTime": "\xff\xfe"}')
    with pytest.raises(InvalidInput):
        import_device(database, pid, "google-fit", tmp_path / "Fit", tz="Europe/Berlin", now=NOW)
    assert device_row_counts(database, pid) == before


def test_the_cli_imports_a_takeout_folder(run_cli) -> None:
    done = run_cli("import", "google-fit", str(BERLIN), "--tz", "Europe/Berlin")
    assert done.exit_code == 0, done.stderr
    assert "Google Fit: 3 nights" in done.stdout
    assert "an unknown sleep stage 999" in done.stdout + done.stderr
