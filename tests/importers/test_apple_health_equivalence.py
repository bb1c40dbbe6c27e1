"""The fast path and the XML-parser reference yield the same samples and the same nights.

``read_apple_health`` parses only the elements it needs; ``read_apple_health_reference``
parses everything with expat. They must agree on every sample file, at every chunk size
(elements split across chunk boundaries), on generated exports, and on random documents
(hypothesis), down to each instant's UTC offset.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.device_nights import build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.importers.apple_health import SLEEP_VALUES, read_apple_health
from nightbridge.importers.apple_health_reference import read_apple_health_reference
from nightbridge.importers.archive import open_member

DATA = Path(__file__).resolve().parents[1] / "data" / "apple_health"
BENCH = Path(__file__).resolve().parents[2] / "bench" / "generate_apple_export.py"
FILES = sorted(DATA.glob("*.xml"))
Item = SleepSample | DailyActivity


def exact(items: list[Item]) -> list[str]:
    """repr keeps each datetime's own offset (== on aware datetimes compares instants)."""
    return [repr(item) for item in items]


def both(data: bytes, chunk: int) -> tuple[list[Item], list[Item]]:
    fast = list(read_apple_health(io.BytesIO(data), chunk_bytes=chunk))
    reference = list(read_apple_health_reference(io.BytesIO(data), chunk_bytes=chunk))
    return fast, reference


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize("chunk", [1, 13, 500, 4096, 16 << 20])
def test_the_fast_path_equals_the_reference_on_every_sample_file(path: Path, chunk: int) -> None:
    fast, reference = both(path.read_bytes(), chunk)
    assert fast
    assert exact(fast) == exact(reference)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_both_paths_build_the_same_nights(path: Path) -> None:
    fast, reference = both(path.read_bytes(), 997)
    nights = build_nights(i for i in fast if isinstance(i, SleepSample))
    assert nights
    assert nights == build_nights(i for i in reference if isinstance(i, SleepSample))


def test_the_nights_of_the_three_source_sample_are_as_counted_by_hand() -> None:
    fast, _ = both((DATA / "export_three_sources.xml").read_bytes(), 4096)
    nights = build_nights(i for i in fast if isinstance(i, SleepSample))
    watch = {(n.date, n.is_nap): n for n in nights if n.source == "Dana’s Apple Watch"}
    november = watch[dt.date(2026, 11, 1), False]
    # Asleep 23:52 EDT -> 06:41 EST: 98 + 40 + 70 + 134 + 52 + 64 min; awake 02:20-02:31.
    # The Watch wrote no in-bed record, so time in bed is the iPhone's InBed, 23:40 EDT ->
    # 06:48 EST (8 h 08 min across the clock change), and it took 12 min to fall asleep
    # (docs/device-nights.md, rule 7).
    assert (november.tst_min, november.tib_min, november.sol_min, november.waso_min) == (
        458,
        488,
        12,
        11,
    )
    assert november.in_bed_source == "Dana’s iPhone"
    assert november.stages == {"light": 366, "deep": 40, "rem": 52}
    assert november.chosen  # the source with stages speaks for the night
    march = watch[dt.date(2026, 3, 8), False]
    # The iPhone's (23:05-07:12) and AutoSleep's (23:09-07:04) in-bed records both cover the
    # whole night, a tie broken by name: AutoSleep's 23:09 EST -> 07:04 EDT is 6 h 55 min, and
    # the first asleep sample at 23:31 is 22 min after it.
    assert march.chosen and (march.tib_min, march.sol_min) == (415, 22)
    assert march.in_bed_source == "AutoSleep"
    assert watch[dt.date(2026, 3, 8), True].is_nap
    chosen = {n.date: n.source for n in nights if n.chosen}
    assert chosen == {
        dt.date(2026, 3, 8): "Dana’s Apple Watch",
        dt.date(2026, 11, 1): ("Dana’s Apple Watch"),
    }


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_apple_export", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_both_paths_agree_on_a_generated_three_year_export(tmp_path: Path) -> None:
    generator = load_generator()
    path = tmp_path / "export.zip"
    size = generator.write_export(path, 6_000_000, seed=3, report=lambda done: None)
    assert size > 5_000_000
    header = lambda info, head: b"<!DOCTYPE HealthData" in head  # noqa: E731
    with open_member(path, predicate=header) as stream:
        fast = list(read_apple_health(stream, chunk_bytes=1 << 20))
    with open_member(path, predicate=header) as stream:
        reference = list(read_apple_health_reference(stream))
    assert len(fast) > 3 * 365 * 20
    assert exact(fast) == exact(reference)
    samples = [i for i in fast if isinstance(i, SleepSample)]
    nights = build_nights(samples)
    assert nights == build_nights(i for i in reference if isinstance(i, SleepSample))
    assert len({n.date for n in nights if n.chosen}) >= 3 * 365 - 2
    with zipfile.ZipFile(path) as archive:
        assert "apple_health_export/export_cda.xml" in archive.namelist()


# -- random documents --------------------------------------------------------------------

names = st.text(
    st.characters(
        blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufffe\uffff", min_codepoint=32
    ),
    min_size=1,
    max_size=12,
)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15)


@st.composite
def records(draw: st.DrawFn) -> str:
    start = draw(st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2030, 1, 1)))
    length = draw(st.integers(min_value=0, max_value=600))
    zone_a = dt.timezone(dt.timedelta(minutes=draw(offsets)))
    zone_b = dt.timezone(dt.timedelta(minutes=draw(offsets)))
    begin = start.replace(microsecond=0, tzinfo=zone_a)
    end = (begin + dt.timedelta(minutes=length)).astimezone(zone_b)
    kind = draw(
        st.sampled_from(
            ["HKCategoryTypeIdentifierSleepAnalysis"] * 4
            + ["HKQuantityTypeIdentifierHeartRate", "HKCategoryTypeIdentifierMindfulSession"]
        )
    )
    value = draw(st.sampled_from([*SLEEP_VALUES, "61", "HKCategoryValueSleepAnalysisOther"]))
    attributes = [
        f"type={quoteattr(kind)}",
        f"sourceName={quoteattr(draw(names))}",
        f'startDate="{begin.strftime("%Y-%m-%d %H:%M:%S %z")}"',
        f'endDate="{end.strftime("%Y-%m-%d %H:%M:%S %z")}"',
        f"value={quoteattr(value)}",
    ]
    order = draw(st.permutations(attributes))
    spacing = draw(st.sampled_from([" ", "\n  ", "\t"]))
    children = draw(st.sampled_from(["", '<MetadataEntry key="HKTimeZone" value="Etc/UTC"/>']))
    body = spacing.join(order)
    return f"<Record {body}>{children}</Record>" if children else f"<Record {body}/>"


@st.composite
def summaries(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)))
    minutes = draw(st.integers(min_value=0, max_value=300))
    return f'<ActivitySummary dateComponents="{day}" appleExerciseTime="{minutes}"/>'


@settings(max_examples=150, deadline=None)
@given(
    elements=st.lists(st.one_of(records(), summaries()), max_size=25),
    chunk=st.integers(min_value=1, max_value=400),
    filler=st.sampled_from(["\n ", "", "\n<!-- note -->\n "]),
)
def test_both_paths_agree_on_random_documents(elements: list[str], chunk: int, filler: str) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        '<!ELEMENT HealthData ANY>\n]>\n<HealthData locale="en_US">'
        + filler.join(elements)
        + "</HealthData>\n"
    ).encode()
    fast, reference = both(xml, chunk)
    assert exact(fast) == exact(reference)


# -- the canonical-record shortcut against the general attribute parser ------------------

CANONICAL = (
    '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" '
    'sourceVersion="10.3" device="{device}" creationDate="2026-01-02 07:00:00 +0000" '
    'startDate="2026-01-02 02:00:00 +0000" endDate="2026-01-02 03:00:00 +0000" '
    'value="{value}"/>'
)


@pytest.mark.parametrize(
    ("source", "device", "value"),
    [
        ("Dana’s Apple Watch", "&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch&gt;", "AsleepREM"),
        ("Watch", "name:&#65;pple &#x57;atch", "AsleepCore"),
        ("Sleep &amp; Co", "", "InBed"),
        ("Tab\tName", "", "Awake"),
        ("Watch", "", "Napping"),
    ],
)
def test_the_shortcut_and_the_general_parser_give_the_same_sample(
    source: str, device: str, value: str
) -> None:
    record = CANONICAL.format(
        source=source, device=device, value="HKCategoryValueSleepAnalysis" + value
    )
    xml = f"<HealthData>{record}</HealthData>".encode()
    fast, reference = both(xml, 1 << 20)
    assert exact(fast) == exact(reference)
    # The same record with its attributes in another order takes the general path.
    general = record.replace(' sourceVersion="10.3"', "").replace(
        "<Record ", '<Record sourceVersion="10.3" '
    )
    fast_general, _ = both(f"<HealthData>{general}</HealthData>".encode(), 1 << 20)
    assert exact(fast_general) == exact(fast)


@pytest.mark.parametrize(
    "device", [b"&foo;", b"\xff\xfe", b"&#0;", b"x\x01y"], ids=["entity", "utf8", "nul-ref", "ctl"]
)
def test_both_paths_refuse_a_bad_attribute_the_sample_does_not_use(device: bytes) -> None:
    record = CANONICAL.format(
        source="W", device="DEVICE", value="HKCategoryValueSleepAnalysisAwake"
    )
    xml = f"<HealthData>{record}</HealthData>".encode().replace(b"DEVICE", device)
    with pytest.raises(InvalidInput):
        list(read_apple_health(io.BytesIO(xml)))
    with pytest.raises(InvalidInput):
        list(read_apple_health_reference(io.BytesIO(xml)))
