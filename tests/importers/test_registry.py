"""The importer registry (importers/__init__.py) matches the CLI contract."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nightbridge.cli.commands.imports import KINDS
from nightbridge.core.errors import InvalidInput
from nightbridge.importers import READERS, get_format


def test_every_cli_kind_has_a_reader_and_nothing_more() -> None:
    assert sorted(READERS) == sorted(KINDS)
    assert sorted(KINDS) == sorted(
        [
            "apple-health",
            "fitbit",
            "oura",
            "health-connect",
            "samsung",
            "whoop",
            "garmin",
            "google-fit",
            "withings",
        ]
    )


@pytest.mark.parametrize("kind", sorted(READERS))
def test_every_reader_loads_by_its_dotted_path(kind: str) -> None:
    assert callable(READERS[kind].load())


@pytest.mark.parametrize(
    ("kind", "name", "accepted"),
    [
        ("apple-health", "apple_health_export/export.xml", True),
        ("apple-health", "apple_health_export/Exportar.xml", True),
        ("apple-health", "apple_health_export/export_cda.xml", False),
        ("fitbit", "Takeout/Fitbit/Global Export Data/sleep-2026-03-06.json", True),
        ("fitbit", "Takeout/Fitbit/Global Export Data/heart_rate-2026-03-06.json", False),
        ("oura", "oura_data/sleepmodel.csv", True),
        ("health-connect", "health_connect_export.db", True),
        ("health-connect", "health_connect_export.db-journal", False),
        ("samsung", "x/com.samsung.shealth.sleep.20260401120000.csv", True),
        ("samsung", "x/com.samsung.health.sleep_stage.20260401120000.csv", True),
        ("samsung", "x/com.samsung.shealth.tracker.heart_rate.20260401120000.csv", False),
        ("whoop", "my_whoop_data_2026_04_01/sleeps.csv", True),
        ("whoop", "sleeps (1).csv", True),
        ("whoop", "my_whoop_data_2026_04_01/physiological_cycles.csv", False),
        ("garmin", "DI_CONNECT/DI-Connect-Wellness/2026-02-01_2026-05-11_1_sleepData.json", True),
        ("garmin", "sleepData (1).json", True),
        ("garmin", "GARMIN/Sleep/S3SC0805.FIT", True),
        ("garmin", "DI_CONNECT/DI-Connect-Aggregator/UDSFile_2026-03-01_2026-06-09.json", False),
        ("google-fit", "Takeout/Fit/All Sessions/2026-03-28T23_30_00+01_00_SLEEP.json", True),
        ("google-fit", "Takeout/Fit/Все сеансы/2026-03-28T23_30_00.000+01_00_SLEEP (1).json", True),
        ("google-fit", "Takeout/Fit/All Sessions/2026-03-31T10_00_00+02_00_WALKING.json", False),
        ("google-fit", "Takeout/Fit/All data/raw_com.google.sleep.segment_com.huami.json", True),
        ("google-fit", "Takeout/Fit/All data/derived_com.google.sleep.segment_x.json", False),
        ("google-fit", "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv", False),
        ("withings", "data_DAN_1764979200/sleep.csv", True),
        ("withings", "sleep (1).csv", True),
        ("withings", "data_DAN_1764979200/raw_bed_sleep-state.csv", False),
        ("withings", "data_DAN_1764979200/sleeps.csv", False),
    ],
)
def test_each_format_recognises_its_members(kind: str, name: str, accepted: bool) -> None:
    assert READERS[kind].accepts(name) is accepted


def test_an_unknown_kind_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as refused:
        get_format("polar")
    known = "apple-health, fitbit, garmin, google-fit, health-connect, oura, samsung, whoop, "
    known += "withings"
    assert known in str(refused.value)


def test_importing_the_registry_loads_no_reader() -> None:
    code = (
        "import sys, nightbridge.importers as r; "
        "print(sorted(m for m in sys.modules if m.startswith('nightbridge.importers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
