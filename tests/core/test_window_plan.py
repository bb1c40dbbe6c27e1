"""core.window_plan: the rise time and window in force (definitions.md section 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.window_plan import WindowPlan, describe_history, make_plan

DAY = dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    ("rise", "window", "bedtime"),
    [
        (dt.time(6, 0), 330, dt.time(0, 30)),  # 5 h 30 before 06:00
        (dt.time(6, 0), 345, dt.time(0, 15)),  # after one weekly step of 15 min
        (dt.time(7, 0), 480, dt.time(23, 0)),  # across midnight
        (dt.time(0, 30), 300, dt.time(19, 30)),  # a night-shift rise time
    ],
)
def test_bedtime_is_the_rise_time_minus_the_window(
    rise: dt.time, window: int, bedtime: dt.time
) -> None:
    plan = make_plan(rise=rise, window_min=window, set_on=DAY, set_by="person")
    assert plan.bedtime == bedtime


@given(
    rise=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    window=st.integers(min_value=300, max_value=1440),
)
def test_bedtime_plus_the_window_always_comes_back_to_the_rise_time(
    rise: dt.time, window: int
) -> None:
    plan = make_plan(rise=rise, window_min=window, set_on=DAY, set_by="clinician")
    assert plan.bedtime is not None
    back = dt.datetime.combine(DAY, plan.bedtime) + dt.timedelta(minutes=window)
    assert back.time() == rise


def test_the_weekly_step_is_due_a_week_after_the_plan_was_set() -> None:
    plan = make_plan(rise=dt.time(6, 0), window_min=330, set_on=DAY, set_by="person")
    assert plan.review_on == dt.date(2026, 11, 10)
    assert not plan.due_for_review(dt.date(2026, 11, 9))
    assert plan.due_for_review(dt.date(2026, 11, 10))


def test_a_window_below_the_floor_an_unknown_setter_and_action_are_all_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_plan(
            rise=dt.time(6, 0),
            window_min=285,
            set_on=DAY,
            set_by="nurse",
            action="guess",
            floor_min=300,
        )
    assert [p.field for p in caught.value.problems] == ["by", "action", "window_min"]
    assert "300" in caught.value.problems[2].reason


def test_a_rise_time_alone_has_no_bedtime() -> None:
    plan = make_plan(rise=dt.time(6, 30), window_min=None, set_on=DAY, set_by="person")
    assert plan.bedtime is None
    assert plan.to_dict()["bedtime"] is None


def test_the_history_reads_as_the_report_says_it() -> None:
    plans = [
        WindowPlan(dt.time(6, 0), 330, DAY, "person", "start"),
        WindowPlan(dt.time(6, 0), 345, dt.date(2026, 11, 10), "clinician", "increase"),
    ]
    assert describe_history(plans) == [
        "window 5 h 30 (00:30 to 06:00) from 2026-11-03, set by the person (a first window)",
        "window 5 h 45 (00:15 to 06:00) from 2026-11-10, set by a clinician (lengthen by one step)",
    ]
