"""Fitbit / Google Takeout sleep logs (docs/importers/fitbit.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.importers.fitbit import read_fitbit_export, read_fitbit_sleep, subtract
from tests.importers.device_files import MemoryFiles

TAKEOUT = (
    Path(__file__).parents[1] / "data" / "fitbit" / "Takeout" / "Fitbit" / "Global Export Data"
)
NY = "America/New_York"


def read(logs: list[dict], tz: str = NY) -> list[SleepSample]:
    return list(
        read_fitbit_sleep(io.BytesIO(json.dumps(logs).encode()), tz=tz, name="sleep-x.json")
    )


def log(start: str, end: str, data: list[tuple[str, str, int]], short=(), kind="stages") -> dict:  # type: ignore[no-untyped-def]
    return {
        "logId": 1,
        "startTime": start,
        "endTime": end,
        "type": kind,
        "mainSleep": True,
        "levels": {
            "data": [{"dateTime": t, "level": lv, "seconds": s} for t, lv, s in data],
            "shortData": [{"dateTime": t, "level": lv, "seconds": s} for t, lv, s in short],
        },
    }


def test_the_log_is_in_bed_and_its_levels_are_asleep_or_awake() -> None:
    samples = read(
        [
            log(
                "2026-01-09T23:00:00.000",
                "2026-01-10T01:00:00.000",
                [
                    ("2026-01-09T23:00:00.000", "wake", 600),
                    ("2026-01-09T23:10:00.000", "light", 3000),
                    ("2026-01-10T00:00:00.000", "rem", 3600),
                ],
            )
        ]
    )
    assert [(s.state, s.stage, s.minutes) for s in samples] == [
        ("in_bed", None, 120.0),
        ("awake", None, 10.0),
        ("asleep", "light", 50.0),
        ("asleep", "rem", 60.0),
    ]
    assert samples[0].start.isoformat() == "2026-01-09T23:00:00-05:00"


def test_short_wakes_are_cut_out_of_the_asleep_runs_they_overlap() -> None:
    samples = read(
        [
            log(
                "2026-01-09T23:00:00.000",
                "2026-01-10T00:00:00.000",
                [("2026-01-09T23:00:00.000", "light", 3600)],
                short=[("2026-01-09T23:20:00.000", "wake", 120)],
            )
        ]
    )
    asleep = [
        (s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in samples if s.state == "asleep"
    ]
    assert asleep == [("23:00", "23:20"), ("23:22", "00:00")]
    assert sum(s.minutes for s in samples if s.state == "asleep") == 58


def test_classic_restless_minutes_are_awake() -> None:
    samples = read(
        [
            log(
                "2026-01-09T23:00:00.000",
                "2026-01-10T00:00:00.000",
                [
                    ("2026-01-09T23:00:00.000", "asleep", 1800),
                    ("2026-01-09T23:30:00.000", "restless", 300),
                    ("2026-01-09T23:35:00.000", "asleep", 1500),
                ],
                kind="classic",
            )
        ]
    )
    assert [(s.state, s.stage) for s in samples[1:]] == [
        ("awake", None),
        ("asleep", None),
        ("asleep", None),
    ]


def test_local_times_take_the_zone_and_its_daylight_saving_offset() -> None:
    samples = read([log("2026-03-07T23:30:00.000", "2026-03-08T07:30:00.000", [])])
    bed = samples[0]
    assert bed.start.utcoffset() == dt.timedelta(hours=-5)
    assert bed.end.utcoffset() == dt.timedelta(hours=-4)
    assert bed.minutes == 420  # 8 h on the clock, 7 h in fact


def test_a_run_through_the_repeated_autumn_hour_keeps_going_forward() -> None:
    # 2026-11-01 01:00-02:00 happens twice in New York; the second 01:20 follows 01:50
    samples = read(
        [
            log(
                "2026-11-01T00:50:00.000",
                "2026-11-01T02:00:00.000",
                [
                    ("2026-11-01T00:50:00.000", "light", 3600),  # 00:50 EDT -> 01:50 EDT
                    ("2026-11-01T01:50:00.000", "deep", 1800),  # 01:50 EDT -> 01:20 EST
                    ("2026-11-01T01:20:00.000", "light", 2400),  # the second 01:20 (EST)
                ],
            )
        ]
    )
    starts = [s.start for s in samples if s.state == "asleep"]
    assert starts == sorted(starts)
    assert starts[2].utcoffset() == dt.timedelta(hours=-5)


def test_the_takeout_folder_gives_samples_and_exercise_minutes() -> None:
    files = MemoryFiles(
        {
            f"Takeout/Fitbit/Global Export Data/{p.name}": p.read_bytes()
            for p in sorted(TAKEOUT.iterdir())
        }
    )
    records = list(read_fitbit_export(files, tz=NY))
    activity = [r for r in records if isinstance(r, DailyActivity)]
    # very + moderately active minutes per date (12+18, 0+30, 25+5, 7+0, 0+14)
    assert [(a.date.isoformat(), a.exercise_min) for a in activity] == [
        ("2026-03-06", 30.0),
        ("2026-03-07", 30.0),
        ("2026-03-08", 30.0),
        ("2026-03-09", 7.0),
        ("2026-03-10", 14.0),
    ]
    assert sum(isinstance(r, SleepSample) for r in records) == 46


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"not": "a list"}', "must be a JSON array"),
        (b'[{"startTime": ', "is not valid JSON"),
        (
            b'[{"startTime": "yesterday", "endTime": "2026-01-10T07:00:00", "levels": {}}]',
            "is not a date-time",
        ),
        (
            b'[{"startTime": "2026-01-10T07:00:00", "endTime": "2026-01-09T23:00:00",'
            b' "levels": {}}]',
            "is before startTime",
        ),
        (
            b'[{"startTime": "2026-01-09T23:00:00", "endTime": "2026-01-10T07:00:00", "levels": '
            b'{"data": [{"dateTime": "2026-01-09T23:00:00", "level": "dozing", "seconds": 60}]}}]',
            "unknown sleep level 'dozing'",
        ),
        (b"\xff\xfe[]", "is not valid UTF-8"),
    ],
)
def test_it_refuses_a_bad_file_naming_the_file_and_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        list(read_fitbit_sleep(io.BytesIO(payload), tz=NY, name="sleep-2026-01-09.json"))
    assert reason in str(refused.value)
    assert "sleep-2026-01-09.json" in str(refused.value)


def test_subtract_cuts_holes_out_of_an_interval() -> None:
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    m = dt.timedelta(minutes=1)
    assert subtract(t, t + 60 * m, [(t + 10 * m, t + 20 * m), (t + 50 * m, t + 70 * m)]) == [
        (t, t + 10 * m),
        (t + 20 * m, t + 50 * m),
    ]
    assert subtract(t, t + 10 * m, [(t - m, t + 11 * m)]) == []
