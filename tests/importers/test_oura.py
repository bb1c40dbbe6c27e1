"""Oura sleep periods, CSV and JSON (docs/importers/oura.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.importers.oura import read_oura_csv, read_oura_export, read_oura_json
from tests.importers.device_files import MemoryFiles

OURA = Path(__file__).parents[1] / "data" / "oura"


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
def test_it_refuses_a_bad_period_naming_row_and_field(fields: dict, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        list(
            read_oura_json(
                io.BytesIO(json.dumps([period(), period(**fields)]).encode()), name="s.json"
            )
        )
    assert reason in str(refused.value)
    assert refused.value.problems[0].row == 2
