"""Sleep Regularity Index, clock-time spread and social jet lag on worked examples.

SRI formula: Phillips et al., Sci Rep 2017;7:3216 (1-min epochs, naps counted; Fischer,
Klerman & Phillips, Sleep 2021;44(10):zsab103). Social jet lag: Wittmann et al.,
Chronobiol Int 2006;23:497-509. The hand-computed values are worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.regularity import (
    EPOCHS_PER_DAY,
    SleepDay,
    assess_regularity,
    clock_sd_minutes,
    compute_sri,
    epoch_states,
    sleep_day_from_diary,
    sleep_day_from_intervals,
    sleep_regularity_index,
    social_jet_lag,
)

UTC = "UTC"
MONDAY = dt.date(2026, 3, 2)


def at(date: dt.date, hh: int, mm: int = 0, tz: str = UTC) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hh, mm), tzinfo=ZoneInfo(tz))


def night(
    morning: dt.date, onset: tuple[int, int], wake: tuple[int, int], tz: str = UTC
) -> SleepDay:
    """Asleep from onset (the evening before when at/after 12:00) to wake on the morning."""
    onset_day = morning - dt.timedelta(days=1) if onset[0] >= 12 else morning
    start = at(onset_day, *onset, tz=tz)
    end = at(morning, *wake, tz=tz)
    return SleepDay(morning, ((start, end),), start, end, end)


def days_from(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def test_a_perfectly_regular_schedule_has_sri_100() -> None:
    result = sleep_regularity_index([night(d, (23, 0), (7, 0)) for d in days_from(MONDAY, 14)], UTC)
    assert result.sri == pytest.approx(100.0)
    assert (result.pairs, result.days) == (13, 14)


def test_sleeping_in_opposite_halves_on_alternate_days_has_sri_minus_100() -> None:
    # Even days asleep 00:00-12:00 (second half of the noon-to-noon day), odd days asleep
    # 12:00-24:00 the day before (first half): every epoch differs from the next day's.
    days = []
    for i, d in enumerate(days_from(MONDAY, 10)):
        if i % 2 == 0:
            days.append(night(d, (0, 0), (12, 0)))
        else:
            start, end = at(d - dt.timedelta(days=1), 12), at(d, 0)
            days.append(SleepDay(d, ((start, end),), start, end, end))
    assert sleep_regularity_index(days, UTC).sri == pytest.approx(-100.0)


def test_a_hand_computed_three_day_example() -> None:
    # Days 1 and 2: asleep 23:00-07:00. Day 3: asleep 00:00-07:00.
    # Pair 1: 1440 of 1440 epochs match. Pair 2: the 60 epochs of 23:00-24:00 differ -> 1380.
    # SRI = -100 + 200 * (1440 + 1380) / (1440 * 2) = 95.8333...
    days = [
        night(MONDAY, (23, 0), (7, 0)),
        night(MONDAY + dt.timedelta(1), (23, 0), (7, 0)),
        night(MONDAY + dt.timedelta(2), (0, 0), (7, 0)),
    ]
    result = sleep_regularity_index(days, UTC, min_pairs=1)
    assert result.sri == pytest.approx(-100 + 200 * (1440 + 1380) / (1440 * 2))
    assert result.sri == pytest.approx(95.8333, abs=1e-4)


def test_only_pairs_of_consecutive_days_both_present_are_compared() -> None:
    awake = [False] * EPOCHS_PER_DAY
    asleep_half = [i >= EPOCHS_PER_DAY // 2 for i in range(EPOCHS_PER_DAY)]
    states = {
        MONDAY: awake,
        MONDAY + dt.timedelta(1): awake,  # pair 1: 1440 matches
        # the 3rd day is missing: neither (2nd, 4th) nor anything with the 3rd counts
        MONDAY + dt.timedelta(3): asleep_half,
        MONDAY + dt.timedelta(4): awake,  # pair 2: 720 matches
    }
    result = compute_sri(states, min_pairs=1)
    assert result.pairs == 2
    assert result.sri == pytest.approx(-100 + 200 * (1440 + 720) / (1440 * 2))


def test_it_gives_no_sri_below_five_pairs() -> None:
    result = sleep_regularity_index([night(d, (23, 0), (7, 0)) for d in days_from(MONDAY, 5)], UTC)
    assert result.sri is None and result.pairs == 4


def test_the_same_clock_schedule_across_a_daylight_saving_change_stays_at_100() -> None:
    zone = "Europe/Berlin"  # clocks go forward on 2026-03-29
    days = [night(d, (23, 0), (7, 0), tz=zone) for d in days_from(dt.date(2026, 3, 23), 14)]
    assert sleep_regularity_index(days, zone).sri == pytest.approx(100.0)


def test_epochs_are_sampled_at_their_midpoints_from_noon_the_day_before() -> None:
    states = epoch_states(night(MONDAY, (23, 0), (7, 0)), UTC)
    asleep = [i for i, s in enumerate(states) if s]
    assert EPOCHS_PER_DAY == 1440  # 1-minute epochs
    assert asleep[0] == 660 and asleep[-1] == 1139  # 23:00 is epoch 660, 06:59 is 1139
    assert len(asleep) == 480


def test_naps_count_in_the_sri() -> None:
    # 23:00-07:00 every night; on every other day also a nap 14:00-15:00, which belongs
    # to the sleep day of the NEXT morning (noon to noon). Each pair then differs in
    # the 60 nap epochs: SRI = -100 + 200 * 1380 / 1440 = 91.67 (without naps: 100).
    days = []
    for i, d in enumerate(days_from(MONDAY, 14)):
        main = night(d, (23, 0), (7, 0))
        prev = d - dt.timedelta(days=1)
        naps = [(at(prev, 14), at(prev, 15))] if i % 2 else []
        day = sleep_day_from_intervals(d, main.asleep, naps)
        assert day is not None
        days.append(day)
    assert sleep_regularity_index(days, UTC).sri == pytest.approx(-100 + 200 * 1380 / 1440)
    assert days[1].onset == at(MONDAY, 23) and days[1].wake == at(MONDAY + dt.timedelta(1), 7)
    diary = sleep_day_from_diary(
        MONDAY,
        at(MONDAY - dt.timedelta(1), 23),
        0,
        at(MONDAY, 7),
        at(MONDAY, 7),
        naps=days[1].asleep[:1],
    )
    assert len(diary.asleep) == 2 and diary.onset == at(MONDAY - dt.timedelta(1), 23)


@given(
    st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    st.integers(0, 1439),
    st.integers(1, 900),
)
@settings(max_examples=60, deadline=None)
def test_the_fast_epoch_fill_matches_sampling_every_epoch(
    tz: str, date: dt.date, start_min: int, length: int
) -> None:
    zone = ZoneInfo(tz)
    noon = dt.datetime.combine(date - dt.timedelta(days=1), dt.time(12, 0)).replace(tzinfo=zone)
    start = (noon.astimezone(dt.UTC) + dt.timedelta(minutes=start_min, seconds=17)).astimezone(zone)
    end = start + dt.timedelta(minutes=length)
    day = SleepDay(date, ((start, end),), start, end, end)
    states = epoch_states(day, tz)
    naive = dt.datetime.combine(date - dt.timedelta(days=1), dt.time(12, 0))
    for k in range(EPOCHS_PER_DAY):
        instant = (naive + dt.timedelta(minutes=k, seconds=30)).replace(tzinfo=zone, fold=0)
        assert bool(states[k]) == (start <= instant < end), k


@given(st.lists(st.tuples(st.integers(18, 27), st.integers(4, 11)), min_size=6, max_size=20))
@settings(max_examples=50, deadline=None)
def test_sri_always_lies_between_minus_100_and_100(schedule: list[tuple[int, int]]) -> None:
    days = []
    for d, (onset_h, wake_h) in zip(days_from(MONDAY, len(schedule)), schedule, strict=False):
        onset = at(d - dt.timedelta(1), onset_h) if onset_h < 24 else at(d, onset_h - 24)
        wake = at(d, wake_h)
        days.append(SleepDay(d, ((onset, wake),), onset, wake, wake))
    result = sleep_regularity_index(days, UTC)
    assert result.sri is not None and -100.0 <= result.sri <= 100.0


def test_the_diary_night_is_asleep_from_lights_out_plus_sol_to_the_final_wake() -> None:
    day = sleep_day_from_diary(
        MONDAY, at(MONDAY - dt.timedelta(1), 23), 30, at(MONDAY, 7), at(MONDAY, 7, 20)
    )
    assert day.asleep == ((at(MONDAY - dt.timedelta(1), 23, 30), at(MONDAY, 7)),)
    assert day.rise == at(MONDAY, 7, 20)
    assert day.mid_sleep == at(MONDAY, 3, 15)


def test_a_device_night_spans_its_asleep_samples() -> None:
    samples = [
        (at(MONDAY, 2), at(MONDAY, 6)),
        (at(MONDAY - dt.timedelta(1), 23), at(MONDAY, 1, 30)),
    ]
    day = sleep_day_from_intervals(MONDAY, samples)
    assert day is not None
    assert (day.onset, day.wake) == (at(MONDAY - dt.timedelta(1), 23), at(MONDAY, 6))
    assert sleep_day_from_intervals(MONDAY, []) is None


def test_clock_time_spread_is_circular_safe_around_midnight() -> None:
    # 23:50 and 00:10: deviations -10 and +10 from the mean 00:00 -> sample SD 14.14 min.
    assert clock_sd_minutes([23 * 60 + 50, 10]) == pytest.approx(14.142, abs=1e-3)
    assert clock_sd_minutes([7 * 60, 7 * 60 + 30, 8 * 60]) == pytest.approx(30.0)
    assert clock_sd_minutes([420]) is None


def test_social_jet_lag_is_the_gap_between_free_and_work_mid_sleep() -> None:
    # Work mornings (Mon-Fri): 23:00-07:00, mid-sleep 03:00. Free mornings: 01:00-09:00, 05:00.
    days = [
        night(d, (23, 0), (7, 0)) if d.isoweekday() <= 5 else night(d, (1, 0), (9, 0))
        for d in days_from(MONDAY, 14)
    ]
    lag = social_jet_lag(days, UTC)
    assert lag.minutes == pytest.approx(120.0)
    assert (lag.work_nights, lag.free_nights) == (10, 4)
    assert lag.msw_min == pytest.approx(180.0) and lag.msf_min == pytest.approx(300.0)


def test_social_jet_lag_across_midnight_and_with_other_work_days() -> None:
    # Work mid-sleep 23:30 (20:00-03:00), free mid-sleep 00:30 (21:00-04:00) -> 60 min.
    days = [
        night(d, (20, 0), (3, 0))
        if d.isoweekday() in {2, 3, 4, 5, 6}
        else night(d, (21, 0), (4, 0))
        for d in days_from(MONDAY, 14)
    ]
    lag = social_jet_lag(days, UTC, work_days=frozenset({2, 3, 4, 5, 6}))
    assert lag.minutes == pytest.approx(60.0)


def test_assess_regularity_reports_every_figure() -> None:
    days = [night(d, (23, 0), (7, 0)) for d in days_from(MONDAY, 14)]
    doc = assess_regularity(days, UTC).to_dict()
    assert doc["sri"] == 100.0
    assert doc["rise_sd_min"] == 0.0 and doc["mid_sleep_sd_min"] == 0.0
    assert doc["social_jet_lag_min"] == 0.0
