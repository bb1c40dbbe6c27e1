"""Questionnaire scoring: totals, bands on both sides of every edge, refusals, alerts.

Band edges: tests/data/instrument_band_edges.json, typed from docs/definitions.md
section 3 (PHQ-9: Kroenke et al. 2001; GAD-7: Spitzer et al. 2006; COWS: Wesson & Ling
2003; ISI: Bastien et al. 2001; the withdrawal diary: Nightbridge's own).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.instruments import INSTRUMENTS, get_instrument, score

EDGES = json.loads(
    (Path(__file__).parents[1] / "data" / "instrument_band_edges.json").read_text("utf-8")
)["cases"]
DAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize("case", EDGES, ids=[f"{c['instrument']}-{c['total']}" for c in EDGES])
def test_it_gives_the_band_of_the_definitions_on_both_sides_of_every_edge(case: dict) -> None:
    result = score(case["instrument"], case["answers"], on=DAY)
    assert result.total == case["total"]
    assert result.band == case["band"]


def test_the_edge_table_covers_every_band_of_every_instrument() -> None:
    covered = {(c["instrument"], c["band"]) for c in EDGES}
    for name, instrument in INSTRUMENTS.items():
        for band in instrument.bands:
            assert (name, band.name) in covered


@pytest.mark.parametrize(
    ("name", "count"), [("phq9", 9), ("gad7", 7), ("cows", 11), ("withdrawal", 17), ("isi", 1)]
)
def test_it_refuses_a_wrong_item_count(name: str, count: int) -> None:
    for wrong in (count - 1, count + 1):
        with pytest.raises(InvalidInput) as caught:
            score(name, [0] * wrong)
        assert caught.value.problems[0].field == "answers"
        assert str(count) in caught.value.problems[0].reason or name == "isi"


COWS_REFUSED = [
    (1, 3),
    (2, 5),
    (3, 2),
    (3, 4),
    (4, 3),
    (4, 4),
    (5, 3),
    (6, 3),
    (7, 4),
    (8, 3),
    (9, 3),
    (10, 3),
    (11, 1),
    (11, 2),
    (11, 4),
]


@pytest.mark.parametrize(("item", "value"), COWS_REFUSED)
def test_it_refuses_a_cows_score_that_item_does_not_allow(item: int, value: int) -> None:
    answers = [0] * 11
    answers[item - 1] = value
    with pytest.raises(InvalidInput) as caught:
        score("cows", answers)
    assert [p.field for p in caught.value.problems] == [f"item {item}"]


def test_it_names_every_bad_item_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        score("phq9", [0, 4, 0, -1, 0, 0, 0, 0, 9])
    assert [p.field for p in caught.value.problems] == ["item 2", "item 4", "item 9"]


def test_the_isi_takes_only_a_total_from_0_to_28() -> None:
    assert score("isi", [28]).band == "severe"
    with pytest.raises(InvalidInput) as caught:
        score("isi", [29])
    assert caught.value.problems[0].field == "total"


def test_it_refuses_an_unknown_instrument() -> None:
    with pytest.raises(InvalidInput) as caught:
        get_instrument("psqi")
    assert caught.value.problems[0].field == "instrument"


@given(st.lists(st.integers(0, 3), min_size=8, max_size=8), st.integers(1, 3))
def test_phq9_item_9_above_0_always_raises_a_crisis_alert(first8: list[int], item9: int) -> None:
    result = score("phq9", [*first8, item9], on=DAY)
    assert "crisis" in [a.level for a in result.alerts]
    assert result.alerts[0].code == "phq9_item9"


@given(st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_phq9_item_9_at_0_never_raises_a_crisis_alert(first8: list[int]) -> None:
    result = score("phq9", [*first8, 0], on=DAY)
    assert "crisis" not in [a.level for a in result.alerts]


@pytest.mark.parametrize(
    ("name", "total", "expected"),
    [
        ("phq9", 9, []),
        ("phq9", 10, ["phq9_moderate"]),
        ("phq9", 19, ["phq9_moderate"]),
        ("phq9", 20, ["phq9_severe"]),
        ("gad7", 9, []),
        ("gad7", 10, ["gad7_moderate"]),
        ("gad7", 21, ["gad7_moderate"]),
    ],
)
def test_totals_raise_the_alerts_of_the_alert_table(
    name: str, total: int, expected: list[str]
) -> None:
    count = 9 if name == "phq9" else 7
    answers = [0] * count
    rest = total
    for i in range(count - (1 if name == "phq9" else 0)):
        answers[i] = min(3, rest)
        rest -= answers[i]
    assert rest == 0
    assert [a.code for a in score(name, answers, on=DAY).alerts] == expected


def test_the_withdrawal_diary_is_labelled_not_validated() -> None:
    assert get_instrument("withdrawal").validated is False
    assert load_json("instruments/withdrawal.json")["validated"] is False


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
def test_each_content_file_agrees_with_its_instrument(name: str) -> None:
    doc = load_json(f"instruments/{name}.json")
    instrument = INSTRUMENTS[name]
    assert doc["name"] == name
    assert [i["key"] for i in doc["items"]] == [i.key for i in instrument.items]
    assert [tuple(i["allowed"]) for i in doc["items"]] == [i.allowed for i in instrument.items]
    assert [(b["name"], b["low"], b["high"]) for b in doc["bands"]] == [
        (b.name, b.low, b.high) for b in instrument.bands
    ]
    assert doc["licence"] and doc["sources"]
    for item in doc["items"]:
        if item["anchors"]:  # every allowed score has our own short anchor, and only those
            assert sorted(int(k) for k in item["anchors"]) == item["allowed"]


def test_the_isi_file_ships_no_item_text() -> None:
    doc = load_json("instruments/isi.json")
    assert len(doc["items"]) == 1 and doc["items"][0]["key"] == "total"
