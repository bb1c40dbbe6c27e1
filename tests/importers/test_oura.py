"""Oura sleep periods, CSV and JSON (docs/importers/oura.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers.oura import read_oura_csv, read_oura_export, read_oura_json
from tests.importers.device_files import MemoryFiles

OURA = Path(__file__).parents[1] / "data" / "oura"
V1 = OURA.parent / "oura_variants" / "oura_v1_sleep_after_readiness.json"
TRENDS = OURA.parent / "oura_variants" / "oura_trends.csv"


def period(**fields: str) -> dict[str, str]:
    return {
        "type": "long_sleep",
        "bedtime_start": "2026-03-27T23:00:00+01:00",
        "bedtime_end": "2026-03-27T23:30:00+01:00",
        "sleep_phase_5_min": "442213",
    } | fields


def test_each_run_of_equal_phases_is_one_sample_from_bedtime_start() -> None:
    samples = list(read_oura_json(io.BytesIO(json.dumps([period()]).encode())))
    assert [(s.state, s.stage, s.start.strftime("%H:%M"), s.minutes) for s in samples] == [
        ("in_bed", None, "23:00", 30.0),
        ("awake", None, "23:00", 10.0),
        ("asleep", "light", "23:10", 10.0),
        ("asleep", "deep", "23:20", 5.0),
        ("asleep", "rem", "23:25", 5.0),
    ]
    assert samples[0].start.utcoffset().total_seconds() == 3600


def test_phases_past_bedtime_end_are_clipped() -> None:
    doc = period(bedtime_end="2026-03-27T23:07:00+01:00", sleep_phase_5_min="22")
    samples = list(read_oura_json(io.BytesIO(json.dumps({"data": [doc]}).encode())))
    assert [s.minutes for s in samples] == [7.0, 7.0]


def test_rest_periods_are_skipped_and_naps_kept() -> None:
    docs = [period(type="rest"), period(type="late_nap"), period(type="deleted")]
    samples = list(read_oura_json(io.BytesIO(json.dumps({"sleep": docs}).encode())))
    assert len([s for s in samples if s.state == "in_bed"]) == 1


def test_the_semicolon_csv_reads_like_the_json() -> None:
    csv_samples = list(read_oura_csv((OURA / "sleepmodel.csv").open("rb")))
    assert len([s for s in csv_samples if s.state == "in_bed"]) == 5  # 6 rows, one "rest"
    header = "bedtime_start;bedtime_end;type;sleep_phase_5_min\n"
    row = "2026-03-27T23:00:00+01:00;2026-03-27T23:30:00+01:00;long_sleep;442213\n"
    from_csv = list(read_oura_csv(io.BytesIO((header + row).encode())))
    from_json = list(read_oura_json(io.BytesIO(json.dumps([period()]).encode())))
    assert from_csv == from_json


def test_the_export_skips_files_without_sleep_periods() -> None:
    files = MemoryFiles({f"oura/{p.name}": p.read_bytes() for p in OURA.iterdir()})
    assert len(list(read_oura_export(files, tz="UTC"))) == 33
    with pytest.raises(InvalidInput, match="no Oura sleep data"):
        list(read_oura_export(MemoryFiles({"dailyactivity.csv": b"day;score\n"}), tz="UTC"))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"bedtime_start": "2026-03-27T23:00:00"}, "is not a date-time with an offset"),
        ({"bedtime_end": "2026-03-27T22:00:00+01:00"}, "is before bedtime_start"),
        ({"bedtime_end": "2026-03-29T23:00:00+01:00"}, "more than 24 h"),
        ({"sleep_phase_5_min": "4429"}, "unknown phase '9'"),
    ],
)
def test_a_bad_period_is_skipped_and_reported_and_the_rest_read(fields: dict, reason: str) -> None:
    records = list(
        read_oura_json(
            io.BytesIO(json.dumps([period(), period(day="2026-03-28", **fields)]).encode()),
            name="s.json",
        )
    )
    (notice,) = [r for r in records if isinstance(r, Skipped)]
    assert reason in notice.reason and notice.where == "period of 2026-03-28"
    assert len([r for r in records if isinstance(r, SleepSample)]) == 5


def test_a_v1_document_after_other_data_is_found_and_read() -> None:
    """Oura Cloud / API v1: ``hypnogram_5min`` (tests/data/oura/README.md), its sleep
    list after 70 KiB of other data (more than any sniff of the file's start)."""
    records = list(read_oura_export(MemoryFiles({"oura_v1.json": V1.read_bytes()}), tz="UTC"))
    nights = list(build_nights(r for r in records if isinstance(r, SleepSample)))
    assert [(n.date.isoformat(), n.tib_min, n.tst_min, n.sol_min) for n in nights] == [
        ("2017-11-06", 360, 320, 10)
    ]
    assert V1.read_bytes().index(b"bedtime_start") > 65536


@pytest.mark.parametrize(
    "wrap", [lambda d: {"sleep": {"data": d}}, lambda d: {"data": d, "next_token": None}]
)
def test_nested_sleep_lists_are_read(wrap) -> None:  # type: ignore[no-untyped-def]
    records = list(read_oura_json(io.BytesIO(json.dumps(wrap([period()])).encode())))
    assert len(records) == 5


def test_thirty_second_phases_are_preferred_when_present() -> None:
    doc = period(sleep_phase_30_sec="4" * 3 + "2" * 57, sleep_phase_5_min="422222")
    samples = list(read_oura_json(io.BytesIO(json.dumps([doc]).encode())))
    assert [(s.state, s.minutes) for s in samples[1:]] == [("awake", 1.5), ("asleep", 28.5)]


def test_the_trends_csv_is_refused_saying_what_it_is() -> None:
    head = TRENDS.read_bytes()
    with pytest.raises(InvalidInput) as refused:
        list(read_oura_export(MemoryFiles({"oura_trends.csv": head}), tz="UTC"))
    assert "Trends" in str(refused.value) and "export the sleep data instead" in str(refused.value)
