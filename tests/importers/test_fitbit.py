"""Fitbit / Google Takeout sleep logs (docs/importers/fitbit.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, Skipped, SleepSample
from nightbridge.importers.fitbit import read_fitbit_export, read_fitbit_sleep, subtract
from tests.importers.device_files import MemoryFiles

TAKEOUT = (
    Path(__file__).parents[1] / "data" / "fitbit" / "Takeout" / "Fitbit" / "Global Export Data"
)
API = Path(__file__).parents[1] / "data" / "fitbit_api"
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
        (b'{"not": "a list"}', "must be a JSON array of sleep logs"),
        (b'[{"startTime": ', "is not valid JSON"),
        (b"\xff\xfe[]", "is not valid UTF-8"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_naming_the_file_and_reason(
    payload: bytes, reason: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        list(read_fitbit_sleep(io.BytesIO(payload), tz=NY, name="sleep-2026-01-09.json"))
    assert reason in str(refused.value)
    assert "sleep-2026-01-09.json" in str(refused.value)


GOOD_LOG = (
    b'{"startTime": "2026-01-09T23:00:00", "endTime": "2026-01-10T07:00:00", "levels": '
    b'{"data": [{"dateTime": "2026-01-09T23:00:00", "level": "light", "seconds": 28800}]}}'
)


@pytest.mark.parametrize(
    ("bad_log", "reason"),
    [
        (
            b'{"startTime": "yesterday", "endTime": "2026-01-10T07:00:00", "levels": {}}',
            "is not a date-time",
        ),
        (
            b'{"startTime": "2026-01-10T07:00:00", "endTime": "2026-01-09T23:00:00", "levels": {}}',
            "is before startTime",
        ),
        (
            b'{"startTime": "2026-01-08T23:00:00", "endTime": "2026-01-09T07:00:00", "levels": '
            b'{"data": [{"dateTime": "2026-01-08T23:00:00", "level": "dozing", "seconds": 60}]}}',
            "unknown sleep level 'dozing'",
        ),
        (
            b'{"startTime": "2026-01-08T23:00:00", "endTime": "2026-01-09T07:00:00", "levels": '
            b'{"data": [{"dateTime": "2026-01-08T23:00:00", "level": "light", "seconds": "x"}]}}',
            "each run needs dateTime, level and seconds",
        ),
    ],
)
def test_a_bad_log_or_run_is_skipped_and_reported_and_the_rest_read(
    bad_log: bytes, reason: str
) -> None:
    payload = b"[" + bad_log + b", " + GOOD_LOG + b"]"
    records = list(read_fitbit_sleep(io.BytesIO(payload), tz=NY, name="sleep-2026-01-09.json"))
    notices = [r for r in records if isinstance(r, Skipped)]
    assert len(notices) == 1 and reason in notices[0].reason
    assert notices[0].file == "sleep-2026-01-09.json"
    nights = build_nights(r for r in records if isinstance(r, SleepSample))
    assert [(n.date.isoformat(), n.tst_min) for n in nights if not n.is_nap][-1] == (
        "2026-01-10",
        480,
    )


def test_an_api_answer_in_a_renamed_file_is_read_and_unknown_runs_left_out() -> None:
    """Fitbit Web API v1.2 ``{"sleep": [...], "summary": {...}}`` saved as
    ``sleep-2015-06-16 (1).json`` (tests/data/fitbit/api/README.md has the arithmetic)."""
    path = API / "sleep-2015-06-16 (1).json"
    files = MemoryFiles({f"downloads/{path.name}": path.read_bytes()})
    records = list(read_fitbit_export(files, tz=NY))
    notices = [r for r in records if isinstance(r, Skipped)]
    assert sorted(n.where for n in notices) == ["log of 2015-06-14", "log of 2015-06-16"]
    assert any("'unknown'" in n.reason for n in notices)
    (night,) = list(build_nights(r for r in records if isinstance(r, SleepSample)))
    assert (night.date.isoformat(), night.tib_min, night.tst_min) == ("2015-06-16", 450, 418)
    assert (night.sol_min, night.waso_min, night.se_pct) == (10, 22, 92.9)


def test_a_broken_file_among_good_ones_is_left_out_and_reported() -> None:
    good = (TAKEOUT / "sleep-2026-03-06.json").read_bytes()
    files = MemoryFiles(
        {"Takeout/sleep-2026-03-06.json": good, "Takeout/sleep-2026-04-05.json": good[:500]}
    )
    records = list(read_fitbit_export(files, tz=NY))
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert notice.file == "sleep-2026-04-05.json" and "is not valid JSON" in notice.reason
    assert sum(isinstance(r, SleepSample) for r in records) == 46
    with pytest.raises(InvalidInput, match="is not valid JSON"):
        list(read_fitbit_export(MemoryFiles({"sleep-2026-04-05.json": good[:500]}), tz=NY))


def test_subtract_cuts_holes_out_of_an_interval() -> None:
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    m = dt.timedelta(minutes=1)
    assert subtract(t, t + 60 * m, [(t + 10 * m, t + 20 * m), (t + 50 * m, t + 70 * m)]) == [
        (t, t + 10 * m),
        (t + 20 * m, t + 50 * m),
    ]
    assert subtract(t, t + 10 * m, [(t - m, t + 11 * m)]) == []
