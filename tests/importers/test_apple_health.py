"""The Apple Health reader: what it yields from self-made exports, by hand-checked values.

Samples (tests/data/apple_health/): ``export_three_sources.xml`` (Apple Watch with stages
and HKTimeZone, the iPhone's InBed, AutoSleep's pre-iOS-16 ``Asleep``, a third-party app
with ``&amp;`` in its name; the US daylight-saving changes of 2026-03-08 and 2026-11-01
inside records; naps; heart rate, HRV, steps, a blood-pressure correlation, a workout with
a route); ``Exportar.xml`` (es_ES, Europe/Madrid, DST 2026-03-29); ``export_v12_broken_dtd
.xml`` (the unterminated VisionPrescription ATTLIST of export version 12, reported in
fedecalendino/apple-health#1 and jameno/Simple-Apple-Health-XML-to-CSV#3, and stray
``\\x0b``). Value names: Apple Developer Documentation, HKCategoryValueSleepAnalysis.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.importers.apple_health import (
    ACTIVITY_SOURCE,
    AppleHealthStats,
    read_apple_health,
)
from nightbridge.importers.apple_health_reference import read_apple_health_reference
from nightbridge.importers.archive import open_member

DATA = Path(__file__).resolve().parents[1] / "data" / "apple_health"
THREE = DATA / "export_three_sources.xml"
EST = dt.timezone(dt.timedelta(hours=-5))
EDT = dt.timezone(dt.timedelta(hours=-4))
WATCH = "Dana’s Apple Watch"


def read(path: Path, **kwargs: object) -> list[SleepSample | DailyActivity]:
    with path.open("rb") as handle:
        return list(read_apple_health(handle, **kwargs))  # type: ignore[arg-type]


def sleep(items: list[SleepSample | DailyActivity]) -> list[SleepSample]:
    return [i for i in items if isinstance(i, SleepSample)]


def test_it_reads_every_sleep_record_of_three_overlapping_sources() -> None:
    stats = AppleHealthStats()
    samples = sleep(read(THREE, stats=stats))
    counts = Counter((s.source, s.state, s.stage) for s in samples)
    assert counts == {
        ("Dana’s iPhone", "in_bed", None): 2,
        (WATCH, "asleep", "light"): 9,
        (WATCH, "asleep", "deep"): 2,
        (WATCH, "asleep", "rem"): 3,
        (WATCH, "awake", None): 3,
        ("AutoSleep", "in_bed", None): 1,
        ("AutoSleep", "asleep", "unspecified"): 4,
        ("Sleep & Recovery Lab", "asleep", "unspecified"): 1,
    }
    assert stats.sleep_records == 25
    assert stats.skipped == {"activity summary without appleExerciseTime": 1}


def test_it_keeps_each_instants_own_offset_across_the_spring_dst_change() -> None:
    # 2026-03-08 02:00 EST -> 03:00 EDT: 01:40 -0500 to 03:25 -0400 is 45 real minutes.
    (core,) = [
        s for s in sleep(read(THREE)) if s.start == dt.datetime(2026, 3, 8, 1, 40, tzinfo=EST)
    ]
    assert core.end == dt.datetime(2026, 3, 8, 3, 25, tzinfo=EDT)
    assert core.start.utcoffset() == dt.timedelta(hours=-5)
    assert core.end.utcoffset() == dt.timedelta(hours=-4)
    assert core.minutes == 45
    assert (core.state, core.stage) == ("asleep", "light")


def test_it_keeps_a_record_whose_end_reads_earlier_on_the_clock_after_fall_back() -> None:
    # 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 -0400 to 01:10 -0500 is 40 real minutes.
    (deep,) = [
        s for s in sleep(read(THREE)) if s.start == dt.datetime(2026, 11, 1, 1, 30, tzinfo=EDT)
    ]
    assert deep.end.isoformat() == "2026-11-01T01:10:00-05:00"
    assert deep.minutes == 40
    assert deep.stage == "deep"


def test_it_reads_activity_summaries_as_exercise_minutes_per_local_date() -> None:
    activity = [i for i in read(THREE) if isinstance(i, DailyActivity)]
    assert activity == [
        DailyActivity(ACTIVITY_SOURCE, dt.date(2026, 3, 7), 22.0),
        DailyActivity(ACTIVITY_SOURCE, dt.date(2026, 3, 8), 36.0),
        DailyActivity(ACTIVITY_SOURCE, dt.date(2026, 10, 31), 0.0),
        DailyActivity(ACTIVITY_SOURCE, dt.date(2026, 11, 1), 17.5),
    ]


def test_it_reads_nothing_from_heart_rate_workouts_goals_or_mindful_sessions() -> None:
    sources = {s.source for s in sleep(read(THREE))}
    assert "Omron Connect" not in sources
    # HKDataTypeSleepDurationGoal and the mindful session are iPhone records that are
    # not sleep: the iPhone contributes its two InBed records only.
    assert [s.state for s in sleep(read(THREE)) if s.source == "Dana’s iPhone"] == [
        "in_bed",
        "in_bed",
    ]


def test_it_finds_a_localised_export_inside_a_zip_by_its_header(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.write(DATA / "Exportar.xml", "apple_health_export/Exportar.xml")
        archive.writestr("apple_health_export/workout-routes/route_1.gpx", "<gpx/>")
    seen: list[int] = []
    with open_member(path, predicate=lambda info, head: b"<!DOCTYPE HealthData" in head) as s:
        items = list(read_apple_health(s, progress=seen.append, chunk_bytes=1000))
    samples = sleep(items)
    assert {s.source for s in samples} == {"iPhone de Lucía", "Reloj de Lucía"}
    deep = next(s for s in samples if s.stage == "deep")
    # Europe/Madrid 2026-03-29 02:00 CET -> 03:00 CEST: 01:35 +0100 to 03:20 +0200.
    assert deep.minutes == 45
    assert seen == sorted(seen)
    assert seen[-1] == (DATA / "Exportar.xml").stat().st_size


def test_it_reads_a_version_12_export_whose_dtd_breaks_an_xml_parser() -> None:
    with pytest.raises(ET.ParseError):
        ET.parse(DATA / "export_v12_broken_dtd.xml")
    samples = sleep(read(DATA / "export_v12_broken_dtd.xml"))
    assert len(samples) == 7
    # The stray \x0b in the first record's sourceName is dropped, as by the reference.
    assert {s.source for s in samples} == {"Sam’s Apple Watch", "Sleep Cycle"}


def test_it_reads_attributes_in_any_order_quoting_layout_and_escaping() -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
        b"<Record value='HKCategoryValueSleepAnalysisAsleepDeep'\n"
        b"   endDate='2026-01-02 03:00:00 +0100'\tstartDate=\"2026-01-02 02:00:00 +0100\"\n"
        b'   sourceName="Ana&#x2019;s\tWatch &lt;2&gt; &quot;new&quot;"\n'
        b'   type="HKCategoryTypeIdentifierSleepAnalysis" />\n'
        b"</HealthData>\n"
    )
    fast = list(read_apple_health(io.BytesIO(xml)))
    assert fast == list(read_apple_health_reference(io.BytesIO(xml)))
    (sample,) = sleep(fast)
    assert sample.source == 'Ana’s Watch <2> "new"'
    assert sample.minutes == 60


def test_it_skips_and_counts_unknown_values_and_records_that_end_before_they_start() -> None:
    record = (
        '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
        'startDate="{}" endDate="{}" value="{}"/>'
    )
    xml = (
        "<HealthData>"
        + record.format("2026-01-02 02:00:00 +0000", "2026-01-02 03:00:00 +0000", "Dozing")
        + record.format(
            "2026-01-02 04:00:00 +0000",
            "2026-01-02 03:00:00 +0000",
            "HKCategoryValueSleepAnalysisAsleepCore",
        )
        + record.format(
            "2026-01-02 04:00:00 +0000",
            "2026-01-02 05:00:00 +0000",
            "HKCategoryValueSleepAnalysisAwake",
        )
        + "</HealthData>"
    ).encode()
    stats = AppleHealthStats()
    items = list(read_apple_health(io.BytesIO(xml), stats=stats))
    assert [(i.state, i.minutes) for i in sleep(items)] == [("awake", 60.0)]
    assert stats.skipped == {
        "unknown sleep value 'Dozing'": 1,
        "sleep record ends before it starts": 1,
    }


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("2026-01-02T02:00:00+0000", "is not a YYYY-MM-DD HH:MM:SS +HHMM date"),
        ("2026-02-30 02:00:00 +0000", "is not a real date"),
        ("2026-01-02 02:00:00", "is not a YYYY-MM-DD HH:MM:SS +HHMM date"),
    ],
)
def test_it_refuses_a_bad_date_naming_the_attribute(start: str, reason: str) -> None:
    xml = (
        '<HealthData><Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="W" '
        f'startDate="{start}" endDate="2026-01-02 03:00:00 +0000" '
        'value="HKCategoryValueSleepAnalysisAwake"/></HealthData>'
    ).encode()
    with pytest.raises(InvalidInput) as excinfo:
        list(read_apple_health(io.BytesIO(xml)))
    (problem,) = excinfo.value.problems
    assert problem.field == "startDate"
    assert reason in problem.reason
    with pytest.raises(InvalidInput):
        list(read_apple_health_reference(io.BytesIO(xml)))


def test_it_skips_records_inside_comments_and_cdata_like_an_xml_parser() -> None:
    fake = (
        '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Fake" '
        'startDate="2026-01-02 02:00:00 +0000" endDate="2026-01-02 03:00:00 +0000" '
        'value="HKCategoryValueSleepAnalysisInBed"/>'
    )
    xml = f"<HealthData><!-- {fake} --><?pi {fake} ?><![CDATA[{fake}]]>{fake}</HealthData>"
    for chunk in (7, 64, 1 << 20):
        fast = list(read_apple_health(io.BytesIO(xml.encode()), chunk_bytes=chunk))
        assert len(fast) == 1
        assert fast == list(read_apple_health_reference(io.BytesIO(xml.encode())))


def test_it_reports_progress_in_bytes_up_to_the_file_size() -> None:
    heart = (
        '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="W" unit="count/min" '
        'startDate="2026-01-02 02:00:00 +0000" endDate="2026-01-02 02:00:00 +0000" value="61"/>\n'
    )
    xml = THREE.read_bytes().replace(b"</HealthData>", heart.encode() * 30_000 + b"</HealthData>")
    seen: list[int] = []
    items = list(read_apple_health(io.BytesIO(xml), progress=seen.append, chunk_bytes=65536))
    assert len(sleep(items)) == 25
    assert seen == sorted(seen)
    assert seen[-1] == len(xml)
    assert len(seen) >= len(xml) // 65536 - 16


def test_it_refuses_an_export_cut_short_like_the_reference_does() -> None:
    whole = THREE.read_bytes()
    cut = whole[: whole.index(b"<ActivitySummary")]
    with pytest.raises(InvalidInput) as excinfo:
        list(read_apple_health(io.BytesIO(cut)))
    assert "ends before </HealthData>: the export is incomplete" in str(excinfo.value)
    with pytest.raises(InvalidInput):
        list(read_apple_health_reference(io.BytesIO(cut)))
