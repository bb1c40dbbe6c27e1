"""Night metrics: the hand-computed worked cases, summaries and pooled efficiency."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from nightbridge.core.diary import parse_entry
from nightbridge.core.errors import InvalidInput
from nightbridge.core.metrics import (
    METRIC_KEYS,
    NightMetrics,
    compute_night,
    pooled_se,
    round_half_up,
    summarize,
)

CASES_FILE = Path(__file__).parents[1] / "data" / "diary" / "worked_cases.csv"


def load_cases() -> list[dict[str, str]]:
    """tests/data/diary/worked_cases.csv (computed by hand from definitions.md section 1)."""
    with CASES_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_it_computes_the_worked_cases_by_hand(case: dict[str, str]) -> None:
    entry = parse_entry(case, today=dt.date(2026, 11, 20), tz=case["tz"])
    night = compute_night(entry, case["tz"])
    assert night.tib_min == int(case["expect_tib_min"])
    assert night.tst_min == int(case["expect_tst_min"])
    assert night.terminal_wake_min == int(case["expect_terminal_wake_min"])
    assert night.twt_min == int(case["expect_twt_min"])
    assert night.se_pct == float(case["expect_se_pct"])
    assert (night.sol_min, night.waso_min, night.nwak, night.quality) == (
        int(case["sol_min"]),
        int(case["waso_min"]),
        int(case["nwak"]),
        int(case["quality"]),
    )


def test_the_worked_cases_include_both_dst_changes() -> None:
    names = {c["case"] for c in CASES}
    assert {"spring_forward_new_york", "fall_back_new_york"} <= names


def test_a_dst_night_differs_from_the_same_clock_times_in_utc() -> None:
    case = next(c for c in CASES if c["case"] == "spring_forward_new_york")
    entry = parse_entry(case, today=dt.date(2026, 11, 20))
    assert compute_night(entry, "UTC").tib_min == 490
    assert compute_night(entry, "America/New_York").tib_min == 430


def test_to_dict_has_exactly_the_cli_contract_keys_in_order() -> None:
    entry = parse_entry(CASES[0], today=dt.date(2026, 11, 20))
    doc = compute_night(entry, "UTC").to_dict()
    assert (
        tuple(doc)
        == METRIC_KEYS
        == (
            "date",
            "tib_min",
            "tst_min",
            "sol_min",
            "waso_min",
            "nwak",
            "terminal_wake_min",
            "twt_min",
            "se_pct",
            "quality",
        )
    )
    assert doc["date"] == "2026-03-02"


def test_compute_night_refuses_an_entry_invalid_in_the_zone() -> None:
    raw = {
        **CASES[0],
        "date": "2026-11-01",
        "bedtime": "2026-10-31T07:00",
        "lights_off": "2026-10-31T07:10",
        "final_wake": "2026-11-01T06:00",
        "out_of_bed": "2026-11-01T06:30",
    }
    # fine in UTC: 23 h 30 (over 16 h, so confirmed)
    entry = parse_entry(raw, today=dt.date(2026, 11, 20), confirmed=True)
    with pytest.raises(InvalidInput):
        compute_night(entry, "America/New_York")  # 24 h 30 between instants


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (95.25, 1, 95.3),
        (95.35, 1, 95.4),
        (77.55, 1, 77.6),
        (0.5, 0, 1.0),
        (419.5, 0, 420.0),
        (2.5, 0, 3.0),
        (83.333, 1, 83.3),
    ],
)
def test_rounding_is_half_up_not_half_even(value: float, places: int, expected: float) -> None:
    assert round_half_up(value, places) == expected


def night(
    day: int,
    tib: int,
    tst: int,
    *,
    sol: int = 10,
    waso: int = 10,
    terminal: int = 10,
    quality: int = 3,
) -> NightMetrics:
    return NightMetrics(
        date=dt.date(2026, 3, day),
        tib_min=tib,
        tst_min=tst,
        sol_min=sol,
        waso_min=waso,
        nwak=1,
        terminal_wake_min=terminal,
        twt_min=tib - tst,
        se_pct=round_half_up(100 * tst / tib, 1),
        quality=quality,
    )


def test_pooled_se_weights_nights_by_time_in_bed_unlike_the_mean_of_se() -> None:
    nights = [night(1, 600, 300), night(2, 300, 300)]
    assert pooled_se(nights) == 66.7  # 600 / 900
    assert summarize(nights).mean_se_pct == 75.0  # (50 + 100) / 2
    assert pooled_se([]) is None


def test_summaries_are_plain_means_over_the_nights() -> None:
    s = summarize(
        [night(3, 480, 400, quality=4), night(1, 420, 350, quality=2), night(2, 450, 390, sol=40)]
    )
    assert s.nights == 3
    assert (s.first, s.last) == (dt.date(2026, 3, 1), dt.date(2026, 3, 3))
    assert s.mean_tib_min == 450.0
    assert s.mean_tst_min == 380.0
    assert s.mean_sol_min == 20.0
    assert s.mean_quality == 3.0
    assert s.pooled_se_pct == round_half_up(100 * 1140 / 1350, 1)


def test_an_empty_summary_has_no_means() -> None:
    s = summarize([])
    assert s.nights == 0 and s.mean_tst_min is None and s.pooled_se_pct is None
