"""The sleep window (docs/definitions.md section 2): every action and its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.metrics import NightMetrics, round_half_up
from nightbridge.core.profile import RESTRICTION_CONTRAINDICATIONS, Profile, WindowSettings
from nightbridge.core.window import (
    COMPRESS_FLOOR_MIN,
    WindowAdvice,
    WithdrawalContext,
    recommend_window,
)

REF = dt.date(2026, 4, 20)
RISE = dt.time(6, 30)


def nights(
    count: int, tst: int, tib: int, *, end: dt.date = REF, gap_days: int = 1
) -> list[NightMetrics]:
    """``count`` nights ending on ``end`` (every ``gap_days``), each tst/tib minutes."""
    out = []
    for i in range(count):
        day = end - dt.timedelta(days=i * gap_days)
        out.append(
            NightMetrics(
                day,
                tib,
                tst,
                15,
                20,
                2,
                tib - tst - 35,
                tib - tst,
                round_half_up(100 * tst / tib, 1),
                3,
            )
        )
    return sorted(out, key=lambda n: n.date)


def advise(ns: list[NightMetrics], **kwargs: object) -> WindowAdvice:
    options: dict[str, object] = {"reference_date": REF, "rise": RISE, "profile": Profile()}
    options.update(kwargs)
    return recommend_window(ns, **options)  # type: ignore[arg-type]


def test_it_starts_with_the_mean_sleep_rounded_down_to_15_minutes() -> None:
    a = advise(nights(10, 389, 480))
    assert (a.action, a.window_min) == ("start", 375)
    assert a.bedtime == dt.time(0, 15)  # 06:30 - 6 h 15
    assert a.nights_used == 10 and a.mean_tst_min == 389.0 and a.pooled_se_pct == 81.0


def test_the_start_uses_only_the_last_14_mornings() -> None:
    old = nights(10, 200, 480, end=REF - dt.timedelta(days=20))
    a = advise(old + nights(7, 420, 480))
    assert (a.action, a.window_min, a.nights_used) == ("start", 420, 7)


def test_the_window_never_starts_below_the_floor() -> None:
    a = advise(nights(8, 250, 480))
    assert a.window_min == 300
    assert "floor of 300 min" in a.reasons[0]
    b = advise(nights(8, 250, 480), profile=Profile(window=WindowSettings(floor_min=330)))
    assert b.window_min == 330


def test_it_asks_for_more_diary_with_fewer_than_7_of_14_mornings() -> None:
    a = advise(nights(6, 400, 480, gap_days=2))
    assert (a.action, a.nights_needed, a.window_min) == ("collect", 1, None)
    doc = a.to_dict()
    assert doc["nights_needed"] == 1 and "window_min" not in doc and "bedtime" not in doc
    assert "1 more night" in doc["reasons"][0]


# Titration from the pooled SE of the last 7 mornings: >= 90 increase, < 85 decrease.
@pytest.mark.parametrize(
    ("tst", "tib", "action", "window"),
    [
        (360, 400, "increase", 405),  # 90.0 % exactly
        (405, 420, "increase", 405),
        (359, 400, "keep", 390),  # 89.75 -> 89.8 %
        (340, 400, "keep", 390),  # 85.0 % exactly
        (339, 400, "decrease", 375),  # 84.75 -> 84.8 %
        (300, 420, "decrease", 375),
    ],
)
def test_weekly_titration_follows_the_pooled_efficiency(
    tst: int, tib: int, action: str, window: int
) -> None:
    a = advise(nights(7, tst, tib), current_window_min=390)
    assert (a.action, a.window_min) == (action, window)
    assert a.nights_used == 7


def test_titration_ignores_nights_before_the_last_7_mornings() -> None:
    bad_old = nights(7, 200, 480, end=REF - dt.timedelta(days=7))
    a = advise(bad_old + nights(5, 380, 400), current_window_min=390)
    assert (a.action, a.nights_used) == ("increase", 5)


def test_a_decrease_never_goes_below_the_floor() -> None:
    a = advise(nights(7, 200, 400), current_window_min=310)
    assert (a.action, a.window_min) == ("decrease", 300)
    assert "never goes below 300" in a.reasons[0]


def test_titration_needs_5_of_the_last_7_mornings() -> None:
    a = advise(nights(4, 380, 400), current_window_min=390)
    assert (a.action, a.nights_needed) == ("collect", 1)


def test_the_clinicians_settings_change_the_thresholds() -> None:
    settings = WindowSettings(raise_at_pct=85.0, lower_at_pct=80.0, step_min=30)
    a = advise(nights(7, 344, 400), current_window_min=390, profile=Profile(window=settings))
    assert (a.action, a.window_min) == ("increase", 420)


def test_every_restriction_answer_carries_the_warnings() -> None:
    for a in (advise(nights(10, 389, 480)), advise(nights(7, 360, 400), current_window_min=390)):
        text = " ".join(a.reasons)
        assert "sleepier in the daytime" in text
        assert "Do not drive or operate machinery" in text


def test_bedtime_is_rise_minus_window_across_midnight() -> None:
    a = advise(nights(7, 420, 480), rise=dt.time(5, 0))
    assert a.window_min == 420
    assert a.to_dict()["bedtime"] == "22:00" and a.to_dict()["rise"] == "05:00"


def test_window_json_has_the_contract_keys() -> None:
    doc = advise(nights(10, 389, 480)).to_dict()
    assert list(doc) == [
        "action",
        "window_min",
        "bedtime",
        "rise",
        "nights_used",
        "mean_tst_min",
        "pooled_se_pct",
        "reasons",
    ]


# Compression (contraindication): time in bed down by 1/5 of the baseline gap per week.
def test_it_compresses_instead_of_restricting_when_contraindicated() -> None:
    profile = Profile(conditions=frozenset({"bipolar"}))
    a = advise(nights(10, 380, 480), profile=profile)
    # baseline gap 480 - 380 = 100; one fifth = 20; 480 - 20 = 460
    assert (a.action, a.window_min) == ("compress", 460)
    assert a.bedtime == dt.time(22, 50)
    assert "sleep compression" in a.reasons[0]


def test_a_safety_critical_job_also_means_compression() -> None:
    a = advise(nights(10, 380, 480), profile=Profile(safety_critical_job=True))
    assert a.action == "compress"


def test_compression_steps_from_the_current_window_by_the_baseline_gap() -> None:
    baseline = nights(14, 360, 480, end=REF - dt.timedelta(days=21))  # gap 120 -> 24 -> 25
    this_week = nights(7, 370, 455)
    a = advise(
        baseline + this_week,
        profile=Profile(conditions=frozenset({"pregnancy"})),
        current_window_min=455,
    )
    assert (a.action, a.window_min) == ("compress", 430)


def test_compression_holds_once_time_in_bed_is_close_to_sleep() -> None:
    profile = Profile(conditions=frozenset({"seizures"}))
    baseline = nights(14, 360, 480, end=REF - dt.timedelta(days=21))
    a = advise(baseline + nights(7, 380, 400), profile=profile, current_window_min=395)
    assert (a.action, a.window_min) == ("compress", 395)  # 395 - 380 = 15: hold
    b = advise(baseline + nights(7, 350, 400), profile=profile, current_window_min=420)
    assert (b.action, b.window_min) == ("compress", 420)  # SE 87.5 >= 85: hold


@pytest.mark.parametrize(("floor", "expected"), [(240, 390), (300, 390), (390, 390), (420, 420)])
def test_compression_never_goes_below_six_and_a_half_hours_whatever_the_floor(
    floor: int, expected: int
) -> None:
    profile = Profile(conditions=frozenset({"bipolar"}), window=WindowSettings(floor_min=floor))
    baseline = nights(14, 300, 480, end=REF - dt.timedelta(days=21))  # gap 180 -> 36/week
    a = advise(baseline + nights(7, 330, 420), profile=profile, current_window_min=400)
    assert (a.action, a.window_min) == ("compress", expected)  # 400 - 36 -> 365 is too short
    assert "compression never goes shorter" in " ".join(a.reasons)
    assert a.window_min is not None and a.window_min >= COMPRESS_FLOOR_MIN


def test_compression_from_a_short_time_in_bed_allows_six_and_a_half_hours() -> None:
    profile = Profile(conditions=frozenset({"fall_risk"}))
    a = advise(nights(10, 200, 320), profile=profile)
    assert (a.action, a.window_min) == ("compress", 390)
    assert "6 h 30" in " ".join(a.reasons)


@settings(max_examples=60, deadline=None)
@given(
    tst=st.integers(120, 600),
    gap=st.integers(0, 400),
    floor=st.integers(240, 480),
    current=st.none() | st.integers(60, 900),
    condition=st.sampled_from(sorted(RESTRICTION_CONTRAINDICATIONS)),
)
def test_compression_is_never_below_390_minutes_for_any_diary(
    tst: int, gap: int, floor: int, current: int | None, condition: str
) -> None:
    profile = Profile(conditions=frozenset({condition}), window=WindowSettings(floor_min=floor))
    a = advise(nights(14, tst, tst + gap + 1), profile=profile, current_window_min=current)
    assert a.action == "compress"
    assert a.window_min is not None and a.window_min >= max(390, floor)


# Thresholds compare the unrounded efficiency (definitions.md section 1).
def _week(tsts: list[int], tib: int = 400) -> list[NightMetrics]:
    week = nights(len(tsts), 0, tib)
    return [
        NightMetrics(n.date, tib, t, 15, 20, 2, 0, tib - t, round_half_up(100 * t / tib, 1), 3)
        for n, t in zip(week, tsts, strict=True)
    ]


def test_an_efficiency_of_89_95_keeps_the_window_and_says_so_unrounded() -> None:
    a = advise(_week([360, 360, 360, 360, 359]), current_window_min=390)  # 1799/2000
    assert (a.action, a.window_min) == ("keep", 390)
    assert "89.95 %" in a.reasons[0]
    assert a.pooled_se_pct == 90.0  # the rounded figure is only for display


def test_an_efficiency_of_84_95_decreases_the_window() -> None:
    a = advise(_week([340, 340, 340, 340, 339]), current_window_min=390)  # 1699/2000
    assert (a.action, a.window_min) == ("decrease", 375)
    assert "84.95 %" in a.reasons[0]


def test_at_the_floor_the_action_is_keep_never_a_decrease_of_0() -> None:
    a = advise(nights(7, 200, 400), current_window_min=300)
    assert (a.action, a.window_min) == ("keep", 300)
    assert "already at the shortest allowed (300 min)" in a.reasons[0]
    assert "take away 0" not in " ".join(a.reasons)


def test_a_window_below_a_raised_floor_goes_up_to_it() -> None:
    profile = Profile(window=WindowSettings(floor_min=330))
    a = advise(nights(7, 200, 400), current_window_min=300, profile=profile)
    assert (a.action, a.window_min) == ("increase", 330)


@settings(max_examples=80, deadline=None)
@given(
    tst=st.integers(100, 600),
    extra=st.integers(0, 300),
    current=st.integers(240, 600),
    floor=st.integers(240, 480),
)
def test_restriction_never_goes_below_the_floor_nor_decreases_by_nothing(
    tst: int, extra: int, current: int, floor: int
) -> None:
    profile = Profile(window=WindowSettings(floor_min=floor))
    a = advise(nights(7, tst, tst + extra + 1), current_window_min=current, profile=profile)
    assert a.window_min is not None and a.window_min >= floor
    if a.action == "decrease":
        assert a.window_min < current
    if a.action == "keep":
        assert a.window_min == current


# Deferral (Nightbridge's own rule): < 7 days since the last dose, or a moderate-or-worse
# withdrawal score on any of the last 3 days.
@pytest.mark.parametrize(
    ("withdrawal", "deferred"),
    [
        (WithdrawalContext(last_dose_date=REF - dt.timedelta(days=6)), True),
        (WithdrawalContext(last_dose_date=REF), True),
        (WithdrawalContext(last_dose_date=REF - dt.timedelta(days=7)), False),
        (WithdrawalContext(moderate_or_worse_dates=frozenset({REF - dt.timedelta(days=2)})), True),
        (WithdrawalContext(moderate_or_worse_dates=frozenset({REF - dt.timedelta(days=3)})), False),
        (WithdrawalContext(), False),
        (None, False),
    ],
)
def test_it_defers_the_window_in_early_withdrawal(
    withdrawal: WithdrawalContext | None, deferred: bool
) -> None:
    a = advise(nights(10, 389, 480), withdrawal=withdrawal)
    assert (a.action == "defer") is deferred
    if deferred:
        assert a.window_min is None and a.to_dict()["bedtime"] is None
        text = " ".join(a.reasons)
        assert "Nightbridge's own rule" in text and "Stimulus control" in text
        assert a.nights_used == 10 and a.mean_tst_min == 389.0


def test_deferral_comes_before_compression_and_collecting() -> None:
    w = WithdrawalContext(last_dose_date=REF - dt.timedelta(days=1))
    assert advise(nights(2, 389, 480), withdrawal=w).action == "defer"
    profile = Profile(conditions=frozenset({"bipolar"}))
    assert advise(nights(10, 389, 480), withdrawal=w, profile=profile).action == "defer"
