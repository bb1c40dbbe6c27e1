"""Sleep-hygiene nudges from the person's own log, and symptom plans from the check-in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.content import load_json
from nightbridge.core.nudges import (
    EveningLog,
    compute_nudges,
    place_evening_time,
    select_symptom_plans,
)

TZ = "America/Chicago"
ZONE = ZoneInfo(TZ)
TEXTS = load_json("hygiene.json")["nudges"]
TODAY = dt.date(2026, 3, 14)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZONE)


def night(morning: dt.date, **items: object) -> EveningLog:
    """A plain night: in bed 23:00 the evening before, up at 07:00."""
    evening = morning - dt.timedelta(days=1)
    base: dict[str, object] = {
        "bedtime": at(evening, 23),
        "out_of_bed": at(morning, 7),
        "caffeine": (at(evening, 9),),
    }
    base.update(items)
    return EveningLog(date=morning, **base)  # type: ignore[arg-type]


def mornings(n: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=i) for i in range(n - 1, -1, -1)]


def codes(logs: list[EveningLog], **kw: object) -> list[str]:
    return [n.code for n in compute_nudges(logs, TZ, TODAY, TEXTS, **kw)]  # type: ignore[arg-type]


def test_a_clean_log_raises_no_nudge() -> None:
    assert codes([night(d) for d in mornings(14)]) == []


def test_late_caffeine_names_the_nights_it_saw_and_its_source() -> None:
    days = mornings(10)
    late = {days[2], days[6]}
    logs = [
        night(d, caffeine=(at(d - dt.timedelta(days=1), 15, 30),)) if d in late else night(d)
        for d in days
    ]
    (nudge,) = compute_nudges(logs, TZ, TODAY, TEXTS)
    assert nudge.code == "late_caffeine"
    assert nudge.nights == tuple(sorted(late))
    assert nudge.evidence[days[2].isoformat()] == {"last": "15:30"}
    assert any("Drake" in s for s in nudge.sources)


def test_one_late_coffee_is_not_a_pattern() -> None:
    days = mornings(7)
    logs = [night(d) for d in days]
    logs[3] = night(days[3], caffeine=(at(days[3] - dt.timedelta(days=1), 14),))
    assert codes(logs) == []


def test_caffeine_at_noon_counts_and_before_noon_does_not() -> None:
    days = mornings(2)
    noon = [night(d, caffeine=(at(d - dt.timedelta(days=1), 12, 0),)) for d in days]
    morning = [night(d, caffeine=(at(d - dt.timedelta(days=1), 11, 59),)) for d in days]
    assert codes(noon) == ["late_caffeine"]
    assert codes(morning) == []


def test_caffeine_after_midnight_before_a_late_bedtime_counts() -> None:
    days = mornings(2)
    logs = [night(d, bedtime=at(d, 1, 30), caffeine=(at(d, 0, 30),)) for d in days]
    assert codes(logs) == ["late_caffeine"]


# minutes between the last drink and bed -> nudge?
ALCOHOL = [(30, True), (180, True), (181, False), (-10, False)]


@pytest.mark.parametrize(("before_bed", "raised"), ALCOHOL)
def test_alcohol_counts_within_three_hours_before_bed(before_bed: int, raised: bool) -> None:
    days = mornings(2)
    logs = [
        night(d, alcohol=(at(d - dt.timedelta(days=1), 23) - dt.timedelta(minutes=before_bed),))
        for d in days
    ]
    assert codes(logs) == (["late_alcohol"] if raised else [])


def test_screens_in_the_last_hour_raise_a_nudge_and_unknown_does_not() -> None:
    days = mornings(3)
    assert codes([night(d, screens_last_hour=True) for d in days]) == ["late_screens"]
    assert codes([night(d, screens_last_hour=None) for d in days]) == []


def test_a_rise_time_more_than_an_hour_from_usual_is_drift() -> None:
    days = mornings(7)
    logs = [night(d) for d in days]
    logs[1] = night(days[1], out_of_bed=at(days[1], 9, 30))  # weekend lie-in
    logs[5] = night(days[5], out_of_bed=at(days[5], 8, 1))  # 61 min
    logs[6] = night(days[6], out_of_bed=at(days[6], 8, 0))  # exactly 60: not drift
    (nudge,) = compute_nudges(logs, TZ, TODAY, TEXTS)
    assert nudge.code == "rise_drift"
    assert nudge.nights == (days[1], days[5])
    assert nudge.evidence[days[1].isoformat()] == {"rise": "09:30", "off_by_min": 150}


def test_long_naps_and_late_naps_both_count() -> None:
    days = mornings(3)
    logs = [
        night(days[0], naps_min=45),
        night(days[1], naps_min=20, nap_starts=(at(days[1] - dt.timedelta(days=1), 17),)),
        night(days[2], naps_min=30),
    ]
    (nudge,) = compute_nudges(logs, TZ, TODAY, TEXTS)
    assert nudge.code == "long_naps" and nudge.nights == (days[0], days[1])


def test_a_warm_bedroom_counts_only_when_a_temperature_was_logged() -> None:
    days = mornings(3)
    assert codes([night(d, bedroom_temp_c=26.5) for d in days]) == ["warm_bedroom"]
    assert codes([night(d, bedroom_temp_c=24.0) for d in days]) == []
    assert codes([night(d) for d in days]) == []


def test_nights_older_than_fourteen_mornings_are_not_counted() -> None:
    old = [TODAY - dt.timedelta(days=14), TODAY - dt.timedelta(days=20)]
    logs = [night(d, caffeine=(at(d - dt.timedelta(days=1), 16),)) for d in old]
    assert codes(logs) == []


def test_a_dismissed_nudge_returns_only_when_the_habit_is_seen_again() -> None:
    days = mornings(6)
    late = [night(d, caffeine=(at(d - dt.timedelta(days=1), 16),)) for d in days[:3]]
    clean = [night(d) for d in days[3:]]
    dismissed = {"late_caffeine": days[3]}
    assert codes(late + clean, dismissed=dismissed) == []
    again = late + clean[:-1] + [night(days[5], caffeine=(at(days[4], 16),))]
    assert codes(again, dismissed=dismissed) == ["late_caffeine"]


def test_an_evening_clock_time_lands_on_the_evening_before_or_after_midnight() -> None:
    morning = dt.date(2026, 3, 8)  # US DST starts 2026-03-08 02:00
    assert place_evening_time(morning, dt.time(15, 0), TZ) == at(dt.date(2026, 3, 7), 15)
    assert place_evening_time(morning, dt.time(0, 30), TZ) == at(morning, 0, 30)


@given(
    hour=st.integers(min_value=0, max_value=23),
    lag=st.integers(min_value=0, max_value=600),
)
def test_a_nudge_only_ever_names_nights_inside_the_look_back(hour: int, lag: int) -> None:
    days = [TODAY - dt.timedelta(days=i) for i in range(0, 30, 2)]
    logs = [
        night(
            d,
            caffeine=(at(d - dt.timedelta(days=1), hour),),
            alcohol=(at(d - dt.timedelta(days=1), 23) - dt.timedelta(minutes=lag),),
        )
        for d in days
    ]
    for nudge in compute_nudges(logs, TZ, TODAY, TEXTS):
        assert all(TODAY - dt.timedelta(days=13) <= n <= TODAY for n in nudge.nights)
        assert len(nudge.nights) >= 2
        assert nudge.sources


PLANS = load_json("symptom_plans.json")


def test_symptom_plans_show_at_moderate_or_worse() -> None:
    plans = select_symptom_plans(
        {"anxiety": 1, "restless_legs": 3, "headache": 2, "insomnia": 4}, PLANS
    )
    assert [p.symptom for p in plans] == ["restless_legs", "headache"]
    assert all(p.sources for p in plans)


def test_sweats_and_flashes_share_one_plan_at_the_higher_rating() -> None:
    plans = select_symptom_plans({"sweating": 2, "flashes": 4}, PLANS)
    assert [(p.symptom, p.rating) for p in plans] == [("sweating", 4)]


def test_no_symptom_plans_when_every_rating_is_mild() -> None:
    assert select_symptom_plans({"anxiety": 1, "aches": 0}, PLANS) == []


@given(
    day=st.dates(min_value=dt.date(2000, 1, 2), max_value=dt.date(2099, 12, 30)),
    clock=st.times(),
)
def test_an_evening_time_placed_for_a_night_belongs_to_that_night(
    day: dt.date, clock: dt.time
) -> None:
    from nightbridge.core.nudges import night_of

    # (a wall time skipped by the 02:00 spring-forward change lands at 03:xx: still the
    # same night)
    assert night_of(place_evening_time(day, clock, TZ), TZ) == day
