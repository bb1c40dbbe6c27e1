"""Tapers (docs/definitions.md section 5): next = max(0, a - max(a*p/100, m)), rounded
half up to 0.1; never up; ends at 0; p > 25 refused without a clinician's override."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import IntakeEvent
from nightbridge.core.taper import END_WARNING, Hold, build_taper, compare_intake, next_amount

START = dt.date(2026, 1, 1)


def amounts(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(s.amount) for s in plan.steps]


def test_a_worked_schedule_of_8_g_by_10_percent_weekly() -> None:
    # By hand: m = 0.4; 8.0 -> 8 - max(0.8, 0.4) = 7.2 -> 7.2 - 0.72 = 6.48 -> 6.5 -> ...
    plan = build_taper(start_amount=8, unit="g", start=START, step_pct=10, every_days=7)
    assert amounts(plan)[:5] == ["8.0", "7.2", "6.5", "5.9", "5.3"]
    assert amounts(plan)[-4:] == ["1.1", "0.7", "0.3", "0.0"]
    assert [s.date for s in plan.steps[:3]] == [START, dt.date(2026, 1, 8), dt.date(2026, 1, 15)]


@pytest.mark.parametrize(
    ("a", "p", "m", "expected"),
    [
        ("2.5", "10", "0.1", "2.3"),  # 2.5 - 0.25 = 2.25 -> half up 2.3 (not banker's 2.2)
        ("6.5", "10", "0.4", "5.9"),  # 6.5 - 0.65 = 5.85 -> 5.9
        ("1.0", "10", "0.4", "0.6"),  # the smallest step wins: 1.0 - 0.4
        ("0.3", "10", "0.4", "0.0"),  # never below 0
        ("0.1", "10", "0.05", "0.0"),  # 0.05 would round back up to 0.1: step down by 0.1
    ],
)
def test_each_step_follows_the_formula_rounded_half_up(
    a: str, p: str, m: str, expected: str
) -> None:
    assert str(next_amount(Decimal(a), Decimal(p), Decimal(m))) == expected


@given(
    start=st.decimals(min_value="0.1", max_value="500", places=2),
    pct=st.decimals(min_value="0", max_value="25", places=1),
    every=st.integers(1, 30),
)
def test_a_schedule_never_steps_up_and_ends_at_0(start: Decimal, pct: Decimal, every: int) -> None:
    plan = build_taper(start_amount=start, unit="mg", start=START, step_pct=pct, every_days=every)
    values = [s.amount for s in plan.steps]
    assert all(b < a for a, b in itertools.pairwise(values))
    assert values[-1] == 0
    assert values[0] == Decimal(start).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    dates = [s.date for s in plan.steps]
    assert all((b - a).days == every for a, b in itertools.pairwise(dates))


def test_it_refuses_a_step_over_25_percent_without_an_override() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_taper(start_amount=10, unit="g", start=START, step_pct="25.1", every_days=7)
    assert caught.value.problems[0].field == "step_pct"
    plan = build_taper(start_amount=10, unit="g", start=START, step_pct=25, every_days=7)
    assert amounts(plan)[1] == "7.5"


def test_a_clinician_can_override_the_25_percent_limit_explicitly() -> None:
    plan = build_taper(
        start_amount=10, unit="g", start=START, step_pct=50, every_days=7, clinician_override=True
    )
    assert amounts(plan)[:3] == ["10.0", "5.0", "2.5"]
    assert plan.large_steps()[0][1] == Decimal("50.0")


def test_it_reports_every_refused_setting() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_taper(start_amount="x", unit="g", start=START, step_pct=-1, every_days=0, min_step=0)
    assert {p.field for p in caught.value.problems} == {
        "start_amount",
        "step_pct",
        "every_days",
        "min_step",
    }


def test_a_hold_keeps_a_step_longer_and_moves_the_rest() -> None:
    plain = build_taper(start_amount=8, unit="g", start=START, step_pct=10, every_days=7)
    held = build_taper(
        start_amount=8, unit="g", start=START, step_pct=10, every_days=7, holds=[Hold(2, 7)]
    )
    assert amounts(held) == amounts(plain)
    assert held.steps[1].days == 14
    assert held.steps[2].date == plain.steps[2].date + dt.timedelta(days=7)


def test_a_hold_on_a_step_that_does_not_exist_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_taper(
            start_amount=8, unit="g", start=START, step_pct=10, every_days=7, holds=[Hold(99, 7)]
        )
    assert caught.value.problems[0].field == "hold"


def test_the_end_of_a_taper_warns_about_lost_tolerance() -> None:
    plan = build_taper(start_amount=8, unit="g", start=START, step_pct=10, every_days=7)
    assert "overdose" in plan.end_warning and plan.end_warning == END_WARNING
    assert plan.to_dict()["end_warning"] == END_WARNING


def test_logged_intake_is_compared_with_each_step() -> None:
    plan = build_taper(
        start_amount=8, unit="g", start=START, step_pct=10, every_days=7, substance="kratom"
    )

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 1, day, hour, tzinfo=dt.UTC)

    logged = [
        IntakeEvent("kratom", "kratom", 4, "g", at(2, 9)),
        IntakeEvent("kratom", "kratom", 4.5, "g", at(2, 20)),  # 8.5 g that day: over 8.0
        IntakeEvent("kratom", "kratom", 7, "g", at(3, 9)),
        IntakeEvent("kratom", "kratom", 7.0, "g", at(9, 9)),  # step 2 (7.2): under
        IntakeEvent("beer", "alcohol", 3, "drinks", at(9, 20)),  # not the taper's substance
    ]
    steps = compare_intake(plan, logged, tz="UTC", today=dt.date(2026, 1, 10))
    assert [(s.number, s.days_elapsed, s.days_logged, s.days_over) for s in steps] == [
        (1, 7, 2, 1),
        (2, 3, 1, 0),
    ]
    assert steps[0].max_logged == 8.5


def test_a_change_is_a_raise_only_when_the_target_from_today_goes_up() -> None:
    from nightbridge.core.taper_changes import same_schedule, target_raise

    def plan(amount: str, start: dt.date, **kw: object):  # type: ignore[no-untyped-def]
        settings = {"unit": "g", "step_pct": 10, "every_days": 7, "substance": "kratom", **kw}
        return build_taper(start_amount=amount, start=start, **settings)  # type: ignore[arg-type]

    in_force = plan("12", START)  # 12, 10.8, 9.7, 8.7, 7.8, 7.0 on day 35
    today = START + dt.timedelta(days=35)
    assert same_schedule(in_force, plan("12", START, min_step="0.6"))  # the same dates, amounts
    assert not same_schedule(None, in_force)
    restart = target_raise(in_force, plan("12", today), today)
    assert restart is not None and (restart.before, restart.after) == (Decimal("7.0"), 12)
    assert target_raise(in_force, plan("7", today, step_pct=5), today) is None  # slower: fine
    assert target_raise(in_force, plan("7.5", today + dt.timedelta(days=7)), today) is not None
    assert target_raise(in_force, plan("7000", today, unit="mg"), today) is not None
    assert (
        "cannot be checked" in target_raise(in_force, plan("7", today, unit="mg"), today).message()
    )  # type: ignore[union-attr]
    assert target_raise(in_force, plan("20", today, substance="tramadol"), today) is None
    assert target_raise(None, in_force, today) is None
