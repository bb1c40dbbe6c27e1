"""Triage order and trend: tables of worked cases (rule: services/clinic/triage.py docstring)."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.alerts import Alert
from nightbridge.services.clinic.triage import Trend, TriageRow, assess_trend, order_triage

TODAY = dt.date(2026, 4, 20)


def alert(level: str) -> Alert:
    return Alert(level, f"test_{level}", f"a {level} alert", TODAY)


def row(
    pid: int, name: str, levels: tuple[str, ...] = (), trend: str = "steady", last: int | None = 0
) -> TriageRow:
    return TriageRow(
        person_id=pid,
        name=name,
        alerts=tuple(alert(level) for level in levels),
        trend=Trend(trend),
        last_entry=None if last is None else TODAY - dt.timedelta(days=last),
        today=TODAY,
    )


# (case, rows in any order, expected names in triage order)
ORDER_CASES = [
    (
        "the most urgent alert wins over everything else",
        [
            row(1, "Ada", ("advise",), "worsening", 9),
            row(2, "Bo", ("crisis",)),
            row(3, "Cy", ("emergency", "advise")),
        ],
        ["Cy", "Bo", "Ada"],
    ),
    (
        "anyone with an alert comes before everyone without one",
        [row(1, "Ada", (), "worsening", None), row(2, "Bo", ("advise",), "improving", 0)],
        ["Bo", "Ada"],
    ),
    (
        "at the same level, worsening comes first",
        [row(1, "Ada", ("urgent",), "steady", 5), row(2, "Bo", ("urgent",), "worsening", 0)],
        ["Bo", "Ada"],
    ),
    (
        "at the same level and trend, the stalest data comes first",
        [
            row(1, "Ada", (), "steady", 1),
            row(2, "Bo", (), "steady", 6),
            row(3, "Cy", (), "steady", 3),
        ],
        ["Bo", "Cy", "Ada"],
    ),
    (
        "a person who never entered anything is the stalest of all",
        [row(1, "Ada", (), "unknown", 30), row(2, "Bo", (), "unknown", None)],
        ["Bo", "Ada"],
    ),
    (
        "full ties fall back to the name, case-blind",
        [row(2, "bo"), row(1, "Ada")],
        ["Ada", "bo"],
    ),
]


@pytest.mark.parametrize(("case", "rows", "expected"), ORDER_CASES, ids=[c[0] for c in ORDER_CASES])
def test_it_orders_the_list_by_alert_then_trend_then_staleness(
    case: str, rows: list[TriageRow], expected: list[str]
) -> None:
    assert [r.name for r in order_triage(rows)] == expected
    assert [r.name for r in order_triage(reversed(rows))] == expected


def test_a_row_reports_its_most_urgent_level_and_days_since_entry() -> None:
    r = row(1, "Ada", ("advise", "urgent", "advise"), last=4)
    assert r.top_level == "urgent"
    assert r.days_since_entry == 4
    doc = r.to_dict()
    assert doc["top_level"] == "urgent"
    assert [a["level"] for a in doc["alerts"]] == ["urgent", "advise", "advise"]  # type: ignore[index]
    assert doc["last_entry"] == "2026-04-16"
    assert row(2, "Bo", last=None).to_dict()["days_since_entry"] is None


def days(*pairs: tuple[int, float]) -> list[tuple[dt.date, float]]:
    """(days ago, value) pairs."""
    return [(TODAY - dt.timedelta(days=ago), value) for ago, value in pairs]


# (case, symptom scores, TST minutes, expected direction)
TREND_CASES = [
    (
        "symptoms up 3 points is worsening",
        days((10, 10), (8, 12), (3, 14), (1, 14)),
        [],
        "worsening",
    ),
    ("symptoms up 2 points is steady", days((10, 10), (8, 12), (3, 13), (1, 13)), [], "steady"),
    (
        "symptoms down 5 points is improving",
        days((10, 20), (8, 18), (3, 14), (1, 14)),
        [],
        "improving",
    ),
    (
        "sleep 30 min shorter is worsening even when symptoms improve",
        days((10, 20), (8, 18), (3, 10), (1, 10)),
        days((9, 400), (8, 400), (2, 370), (0, 370)),
        "worsening",
    ),
    (
        "sleep 45 min longer is improving",
        [],
        days((9, 360), (8, 360), (2, 400), (0, 410)),
        "improving",
    ),
    ("one value in a half is not enough to judge", days((10, 10), (3, 30), (1, 30)), [], "unknown"),
    (
        "values older than 14 days are ignored",
        days((20, 0), (15, 0), (3, 30), (1, 30)),
        [],
        "unknown",
    ),
]


@pytest.mark.parametrize(
    ("case", "symptoms", "tst", "expected"), TREND_CASES, ids=[c[0] for c in TREND_CASES]
)
def test_it_judges_the_trend_from_two_seven_day_halves(
    case: str,
    symptoms: list[tuple[dt.date, float]],
    tst: list[tuple[dt.date, float]],
    expected: str,
) -> None:
    trend = assess_trend(symptoms, tst, TODAY)
    assert trend.direction == expected
    if expected in ("worsening", "improving"):
        assert trend.reasons
