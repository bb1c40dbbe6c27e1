"""Which nights count as exposed (docs/what-helps-me.md, core.exposures)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nightbridge.core.exposures import Dose, NightContext, build_observations

TZ = "America/New_York"
ZONE = ZoneInfo(TZ)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=ZONE)


def night(morning: dt.date, **items: object) -> NightContext:
    return NightContext(
        morning, {"sol_min": 20.0}, bedtime=at(morning - dt.timedelta(days=1), 23), **items
    )  # type: ignore[arg-type]


MON, TUE, WED, THU = (dt.date(2026, 3, d) for d in (2, 3, 4, 5))


def test_kratom_the_day_before_marks_the_next_morning_and_late_doses_are_within_6_h() -> None:
    doses = [
        Dose("kratom", 4.0, "g", at(MON, 8)),
        Dose("kratom", 3.0, "g", at(MON, 19)),  # 4 h before the 23:00 bedtime
        Dose("kratom", 2.0, "g", at(TUE, 9)),  # 14 h before bedtime
        Dose("kratom", 9.0, "g", at(WED, 9)),
    ]
    obs = {
        o.date: o.exposures
        for o in build_observations(
            [night(TUE), night(WED), night(THU), night(dt.date(2026, 3, 6))], doses, TZ
        )
    }
    assert obs[TUE]["kratom_any"] is True and obs[TUE]["kratom_late"] is True
    assert obs[WED]["kratom_late"] is False
    # Day totals 7, 2, 9 g: median 7, so only the 9 g day is "high"; 7 g is not above it.
    assert (obs[TUE]["kratom_high"], obs[WED]["kratom_high"], obs[THU]["kratom_high"]) == (
        False,
        False,
        True,
    )
    assert obs[dt.date(2026, 3, 6)]["kratom_any"] is False
    assert obs[dt.date(2026, 3, 6)]["kratom_high"] is None


def test_caffeine_after_noon_comes_from_the_diary_or_the_intake_log() -> None:
    nights = [
        night(TUE, last_caffeine=dt.time(15, 30), caffeine=2),
        night(WED, last_caffeine=dt.time(9, 0), caffeine=1),
        night(THU),
    ]
    doses = [Dose("caffeine", 1, "cups", at(WED, 13))]
    obs = {o.date: o.exposures for o in build_observations(nights, doses, TZ)}
    assert obs[TUE]["caffeine_after_noon"] is True
    assert obs[WED]["caffeine_after_noon"] is False
    assert obs[THU]["caffeine_after_noon"] is True


def test_alcohol_counts_within_3_h_of_bedtime_only() -> None:
    nights = [
        night(TUE, last_alcohol=dt.time(21, 0), alcohol=1),
        night(WED, last_alcohol=dt.time(18, 30), alcohol=1),
    ]
    obs = {o.date: o.exposures for o in build_observations(nights, [], TZ)}
    assert obs[TUE]["alcohol_3h"] is True
    assert obs[WED]["alcohol_3h"] is False


def test_an_exposure_never_logged_is_unknown_rather_than_absent() -> None:
    obs = build_observations([night(TUE), night(WED)], [], TZ)
    assert all(o.exposures["melatonin"] is None for o in obs)
    assert all(o.exposures["kratom_any"] is None for o in obs)


def test_next_day_headache_and_function_join_the_outcomes_and_exercise_and_naps_are_read() -> None:
    obs = build_observations(
        [night(TUE, naps=1, naps_min=25), night(WED, naps=0)],
        [],
        TZ,
        exercise_min={MON: 35.0, TUE: 5.0},
        screens={TUE: True, WED: False},
        next_day={TUE: {"headache": 2, "function": 3}},
    )
    tue, wed = obs
    assert tue.outcomes == {"sol_min": 20.0, "headache": 2, "function": 3}
    assert (tue.exposures["exercise"], wed.exposures["exercise"]) == (True, False)
    assert (tue.exposures["nap"], wed.exposures["nap"]) == (True, False)
    assert (tue.exposures["screens_last_hour"], wed.exposures["screens_last_hour"]) == (True, False)
