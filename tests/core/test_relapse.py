"""Relapse prevention: the plan, the craving log, the weekly check-in and its trend."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.relapse import (
    WeeklyCheckin,
    compute_trend,
    split_lines,
    validate_checkin,
    validate_craving,
    validate_plan,
    week_start,
)

NOW = dt.datetime(2026, 3, 4, 22, 15, tzinfo=dt.UTC)


def test_it_keeps_a_plan_in_the_persons_own_words() -> None:
    plan = validate_plan(
        {
            "triggers": split_lines("payday\n\n  evenings alone  \n"),
            "coping_steps": ["call Sam", "walk round the block"],
            "reasons": ["my kids"],
        },
        [("Sam", "+1 (555) 010-2030"), ("", "")],
        shared=True,
    )
    assert plan.triggers == ("payday", "evenings alone")
    assert plan.people[0].tel == "+15550102030"
    assert len(plan.people) == 1
    assert plan.shared and not plan.is_empty


def test_it_names_the_row_of_a_person_without_a_number() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_plan({}, [("Sam", "555 0102"), ("Alex", ""), ("", "555 9999")])
    found = {(p.field, p.row) for p in caught.value.problems}
    assert found == {("people.phone", 2), ("people.name", 3)}


def test_it_refuses_a_phone_number_with_letters() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_plan({}, [("Sam", "call me maybe")])
    assert caught.value.problems[0].field == "people.phone"


def test_it_refuses_an_overlong_plan_line_naming_the_line() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_plan({"reasons": ["ok", "x" * 301]}, [])
    assert (caught.value.problems[0].field, caught.value.problems[0].row) == ("reasons", 2)


@pytest.mark.parametrize("intensity", [-1, 11, "7.5", "", None, True])
def test_it_refuses_a_craving_outside_0_to_10(intensity: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_craving(NOW, intensity)
    assert caught.value.problems[0].field == "intensity"


def test_it_keeps_a_craving_with_its_trigger_and_what_helped() -> None:
    craving = validate_craving(NOW, "7", " payday ", "called Sam")
    assert (craving.intensity, craving.trigger, craving.helped) == (7, "payday", "called Sam")


def test_it_refuses_a_craving_time_without_a_zone() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_craving(NOW.replace(tzinfo=None), 3)
    assert caught.value.problems[0].field == "at"


def test_a_weekly_check_in_belongs_to_the_monday_of_its_week() -> None:
    checkin = validate_checkin(
        dt.date(2026, 3, 8), {"confidence": "3", "support": 2, "cravings": 1, "stress": 0}
    )
    assert checkin.week_start == dt.date(2026, 3, 2)
    # (4-3) + (4-2) + 1 + 0
    assert checkin.risk_index == 4


def test_it_names_every_check_in_item_out_of_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_checkin(dt.date(2026, 3, 8), {"confidence": 5, "support": 2, "cravings": -1})
    assert {p.field for p in caught.value.problems} == {"confidence", "cravings", "stress"}


def _week(i: int, risk_items: tuple[int, int, int, int]) -> WeeklyCheckin:
    c, s, cr, st_ = risk_items
    return WeeklyCheckin(dt.date(2026, 1, 5) + dt.timedelta(weeks=i), c, s, cr, st_)


# (risk items per week as confidence, support, cravings, stress; expected direction)
TRENDS = [
    ([(4, 4, 0, 0)], "too_few"),
    ([(4, 4, 0, 0), (4, 4, 1, 1)], "steady"),
    ([(4, 4, 0, 0), (3, 3, 1, 1)], "rising"),  # 0 -> 4
    ([(1, 1, 3, 3), (3, 3, 1, 1)], "falling"),  # 12 -> 4
    ([(4, 4, 4, 4), (4, 4, 0, 0), (4, 4, 0, 0), (4, 4, 0, 0), (4, 4, 1, 2)], "rising"),
]


@pytest.mark.parametrize(("weeks", "direction"), TRENDS)
def test_the_trend_compares_the_latest_week_with_the_three_before(
    weeks: list[tuple[int, int, int, int]], direction: str
) -> None:
    trend = compute_trend([_week(i, w) for i, w in enumerate(weeks)])
    assert trend.direction == direction
    assert trend.to_dict()["validated"] is False


item = st.integers(min_value=0, max_value=4)


@given(st.tuples(item, item, item, item))
def test_the_risk_index_is_always_between_0_and_16(items: tuple[int, int, int, int]) -> None:
    assert 0 <= _week(0, items).risk_index <= 16


@given(st.dates())
def test_week_start_is_a_monday_at_most_six_days_earlier(day: dt.date) -> None:
    start = week_start(day)
    assert start.weekday() == 0 and 0 <= (day - start).days <= 6


@pytest.mark.parametrize(
    ("number", "tel"),
    [
        ("+1 (555) 010-2030", "+15550102030"),
        ("07700 900123", "07700900123"),
        ("988", "988"),
        ("116 123", "116123"),
        ("ask at the desk", ""),
    ],
)
def test_a_number_becomes_the_body_of_a_tel_link(number: str, tel: str) -> None:
    from nightbridge.core.relapse import tel_digits

    assert tel_digits(number) == tel
