"""Garmin (docs/importers/garmin.md): the account export's sleep JSON and FIT sleep files,
and the service's re-import, bad-file and future-night guarantees on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers.garmin import read_garmin_export, read_garmin_fit, read_garmin_sleep_json
from nightbridge.services.devices.devices import device_row_counts, import_device
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from tests.importers.device_files import MemoryFiles
from tests.importers.fit_files import minutes, sleep_fit

DATA = Path(__file__).parents[1] / "data" / "garmin"
EXPORT = DATA / "export-berlin"
WELLNESS = EXPORT / "DI_CONNECT" / "DI-Connect-Wellness"
SLEEP_JSON = WELLNESS / "2026-02-01_2026-05-11_116034249_sleepData.json"
KEYS = ("tst_min", "tib_min", "sol_min", "waso_min", "se_pct")
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def nights(records: list) -> dict[str, tuple]:  # type: ignore[type-arg]
    out = {}
    for n in build_nights(r for r in records if isinstance(r, SleepSample)):
        doc = n.to_dict()
        out[f"{doc['date']} {n.source}"] = (
            *(doc[k] for k in KEYS),
            doc.get("light_min"),
            doc.get("deep_min"),
            doc.get("rem_min"),
        )
    return out


def test_the_account_exports_nights_older_and_newer_across_the_clock_change() -> None:
    records = list(read_garmin_sleep_json(io.BytesIO(SLEEP_JSON.read_bytes()), BERLIN))
    assert nights(records) == {
        # older watch, no REM: 22:10 -> 05:40 GMT = 450; 340 + 90 = 430 asleep, 20 awake
        "2026-03-27 Garmin": (430, 450, 0, 20, 95.6, 340, 90, 0),
        # spring forward: 23:30 CET -> 07:30 CEST = 420; 200 + 90 + 100 = 390; 30 awake
        "2026-03-29 Garmin": (390, 420, 0, 30, 92.9, 200, 90, 100),
        # newer "Z" times: 470 in the window, 230 + 80 + 110 = 420, 50 awake
        "2026-04-01 Garmin": (420, 470, 0, 50, 89.4, 230, 80, 110),
    }
    skipped = [(s.where, s.reason) for s in records if isinstance(s, Skipped)]
    assert skipped == [
        (
            "2026-03-30",
            "a sleep window without measured sleep (no deep, light or REM seconds)",
        ),
        ("2026-03-31", "the sleep end is not after its start"),
    ]
    spring = [s for s in records if isinstance(s, SleepSample) and s.state == "in_bed"][1]
    assert (spring.start.isoformat(), spring.end.isoformat()) == (
        "2026-03-28T23:30:00+01:00",
        "2026-03-29T07:30:00+02:00",
    )


def test_a_connect_api_answer_renamed_by_the_browser_across_the_autumn_change() -> None:
    files = MemoryFiles(
        {"sleepData (1).json": (DATA / "api-new-york" / "sleepData (1).json").read_bytes()}
    )
    records = list(read_garmin_export(files, tz="America/New_York"))
    # 23:00 EDT -> 07:00 EST = 540; 300 + 90 + 100 = 490 asleep, 50 awake; se 90.7
    assert nights(records) == {"2026-11-01 Garmin": (490, 540, 0, 50, 90.7, 300, 90, 100)}
    bed = next(s for s in records if isinstance(s, SleepSample))
    assert (bed.start.isoformat(), bed.end.isoformat()) == (
        "2026-10-31T23:00:00-04:00",
        "2026-11-01T07:00:00-05:00",
    )


def test_a_night_abroad_keeps_the_offset_its_local_time_gives() -> None:
    night = {
        "sleepStartTimestampGMT": "2026-06-02T03:00:00.0",
        "sleepStartTimestampLocal": "2026-06-01T23:00:00.0",
        "sleepEndTimestampGMT": "2026-06-02T10:00:00.0",
        "lightSleepSeconds": 25200,
    }
    data = json.dumps({"dailySleepDTO": night}).encode()
    (bed, *_) = read_garmin_sleep_json(io.BytesIO(data), BERLIN)
    assert isinstance(bed, SleepSample) and bed.start.isoformat() == "2026-06-01T23:00:00-04:00"


def test_a_fit_sleep_file_gives_its_levels_minute_by_minute() -> None:
    levels = minutes(
        dt.datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
        ("awake", 10),
        ("light", 120),
        ("deep", 60),
        ("awake", 5),
        ("rem", 60),
        ("light", 130),
        ("unmeasurable", 5),
        (7, 1),
        ("awake", 1),
    )
    records = list(read_garmin_fit(io.BytesIO(sleep_fit(levels)), BERLIN, name="sleep.fit"))
    # in bed 22:30 -> 05:02 GMT = 392 (the last level holds a minute); 10 awake first (SOL);
    # light 250, deep 60, REM 60 = 370; 5 awake inside; unmeasurable is no sample
    assert nights(records) == {"2026-03-29 Garmin (FIT)": (370, 392, 10, 5, 94.4, 250, 60, 60)}
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert (notice.reason, notice.where) == (
        "an unknown sleep level 7",
        "2026-03-29T05:00:00+00:00",
    )


def test_an_activity_fit_file_adds_nothing_and_says_so() -> None:
    files = MemoryFiles({"Running_2026-03-28.fit": sleep_fit([], file_type=4)})
    (notice,) = list(read_garmin_export(files, tz="Europe/Berlin"))
    assert isinstance(notice, Skipped) and "no sleep in these FIT files" in notice.reason


def test_a_broken_fit_file_is_refused_naming_it() -> None:
    good = sleep_fit(minutes(dt.datetime(2026, 3, 28, 22, 30, tzinfo=UTC), ("light", 3)))
    broken = good[:-3] + bytes([good[-3] ^ 0xFF]) + good[-2:]
    with pytest.raises(InvalidInput, match=r"sleep\.fit: is not a readable FIT file"):
        list(read_garmin_fit(io.BytesIO(broken), BERLIN, name="sleep.fit"))
    with pytest.raises(InvalidInput, match="is not a readable FIT file"):
        list(read_garmin_fit(io.BytesIO(b"not a fit file at all"), BERLIN, name="x.fit"))


@pytest.mark.parametrize(
    ("night", "reason"),
    [
        ({"sleepStartTimestampGMT": "yesterday"}, "is not a time"),
        (
            {
                "sleepStartTimestampGMT": "2026-01-01T22:00:00.0",
                "sleepEndTimestampGMT": "2026-01-03T06:00:00.0",
            },
            "longer than 24 hours",
        ),
        (
            {
                "sleepStartTimestampGMT": "2026-01-01T22:00:00.0",
                "sleepEndTimestampGMT": "2026-01-02T06:00:00.0",
                "deepSleepSeconds": "lots",
            },
            "is not a number of seconds",
        ),
        (
            {
                "sleepStartTimestampGMT": "2026-01-01T22:00:00.0",
                "sleepEndTimestampGMT": "2026-01-02T06:00:00.0",
                "lightSleepSeconds": 40000,
            },
            "more seconds asleep",
        ),
    ],
)
def test_a_bad_night_is_skipped_and_the_others_kept(night: dict, reason: str) -> None:  # type: ignore[type-arg]
    good = {
        "calendarDate": "2026-01-04",
        "sleepStartTimestampGMT": "2026-01-03T22:00:00.0",
        "sleepEndTimestampGMT": "2026-01-04T06:00:00.0",
        "lightSleepSeconds": 25200,
    }
    data = json.dumps([night, good]).encode()
    records = list(read_garmin_sleep_json(io.BytesIO(data), BERLIN))
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert reason in notice.reason and notice.where == "night 1"
    assert list(nights(records)) == ["2026-01-04 Garmin"]


def test_a_file_that_is_not_json_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput, match=r"sleepData\.json: is not a JSON document"):
        list(read_garmin_sleep_json(io.BytesIO(b"[{"), BERLIN))
    with pytest.raises(InvalidInput, match=r"is not a Garmin sleepData\.json"):
        list(read_garmin_sleep_json(io.BytesIO(b"[1, 2]"), BERLIN))


def test_reimport_adds_nothing_a_future_night_is_refused_and_a_bad_file_changes_no_row(
    database: Database, tmp_path: Path
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="Europe/Berlin"))
    first = import_device(database, pid, "garmin", EXPORT, tz="Europe/Berlin", now=NOW)
    assert first.added == 17 and first.nights == 3
    assert import_device(database, pid, "garmin", EXPORT, tz="Europe/Berlin", now=NOW).added == 0
    fit = tmp_path / "sleep_2027-01-10.fit"
    fit.write_bytes(sleep_fit(minutes(dt.datetime(2027, 1, 9, 23, 0, tzinfo=UTC), ("light", 30))))
    later = import_device(database, pid, "garmin", fit, tz="Europe/Berlin", now=NOW)
    assert later.added == 0 and later.skipped[0].reason.startswith("is dated after the moment")
    before = device_row_counts(database, pid)
    broken = tmp_path / "sleepData.json"
    broken.write_bytes(b'[{"calendarDate": "\xff\xfe"}]')
    with pytest.raises(InvalidInput):
        import_device(database, pid, "garmin", broken, tz="Europe/Berlin", now=NOW)
    assert device_row_counts(database, pid) == before


def test_the_cli_imports_the_export_folder(run_cli) -> None:
    done = run_cli("import", "garmin", str(EXPORT), "--tz", "Europe/Berlin")
    assert done.exit_code == 0, done.stderr
    assert "Garmin: 3 nights" in done.stdout
    assert "a sleep window without measured sleep" in done.stdout + done.stderr
