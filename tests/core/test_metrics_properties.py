"""Properties of the diary metrics that must hold for every valid night (hypothesis).

tib = tst + twt; a minute more of WASO never raises sleep efficiency; across daylight-
saving changes durations equal the differences between instants; nights crossing
midnight measure the same as the clock says in a zone without changes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nightbridge.core.diary import DiaryEntry, check_night
from nightbridge.core.metrics import compute_night
from nightbridge.core.timeline import is_nonexistent

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
    "Australia/Lord_Howe",
]
# Mornings around the 2026 daylight-saving changes of those zones, and ordinary ones.
MORNINGS = [
    dt.date(2026, 3, 8),
    dt.date(2026, 11, 1),
    dt.date(2026, 3, 29),
    dt.date(2026, 10, 25),
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),
    dt.date(2026, 9, 6),
    dt.date(2026, 6, 15),
]


@st.composite
def nights(draw: st.DrawFn, zones: list[str] = ZONES) -> tuple[DiaryEntry, str, list[dt.datetime]]:
    """A valid diary entry in clock times, its zone, and its four wall-clock datetimes."""
    tz = draw(st.sampled_from(zones))
    date = draw(st.sampled_from(MORNINGS))
    bed_clock = draw(st.integers(18 * 60, 26 * 60 - 1))  # 18:00 .. 01:59 next day
    bed = dt.datetime.combine(date - dt.timedelta(days=1), dt.time()) + dt.timedelta(
        minutes=bed_clock
    )
    to_lights = draw(st.integers(0, 120))
    asleep_span = draw(st.integers(60, 12 * 60))
    to_out = draw(st.integers(0, 180))
    walls = [bed]
    walls.append(walls[-1] + dt.timedelta(minutes=to_lights))
    walls.append(walls[-1] + dt.timedelta(minutes=asleep_span))
    walls.append(walls[-1] + dt.timedelta(minutes=to_out))
    zone = ZoneInfo(tz)
    assume(not any(is_nonexistent(w, zone) for w in walls))
    sol = draw(st.integers(0, asleep_span))
    waso = draw(st.integers(0, asleep_span - sol))
    nwak = draw(st.integers(1 if waso else 0, 10))
    entry = DiaryEntry(
        date=date,
        bedtime=walls[0].time(),
        lights_off=walls[1].time(),
        sol_min=sol,
        nwak=nwak,
        waso_min=waso,
        final_wake=walls[2].time(),
        out_of_bed=walls[3].time(),
        quality=draw(st.integers(1, 5)),
    )
    assume(check_night(entry, tz) == [])
    return entry, tz, walls


def instants(walls: list[dt.datetime], tz: str) -> list[float]:
    """POSIX timestamps of wall-clock times (first occurrence), computed independently."""
    zone = ZoneInfo(tz)
    return [w.replace(tzinfo=zone, fold=0).timestamp() for w in walls]


@settings(max_examples=300, deadline=None)
@given(nights())
def test_time_in_bed_is_sleep_plus_wake(case: tuple[DiaryEntry, str, list[dt.datetime]]) -> None:
    entry, tz, _ = case
    n = compute_night(entry, tz)
    assert n.tib_min == n.tst_min + n.twt_min
    assert 0 <= n.tst_min <= n.tib_min
    assert 0.0 <= n.se_pct <= 100.0


@settings(max_examples=300, deadline=None)
@given(nights())
def test_a_minute_more_of_waso_never_raises_sleep_efficiency(
    case: tuple[DiaryEntry, str, list[dt.datetime]],
) -> None:
    entry, tz, _ = case
    worse = DiaryEntry(
        **{**_as_dict(entry), "waso_min": entry.waso_min + 1, "nwak": max(entry.nwak, 1)}
    )
    assume(check_night(worse, tz) == [])
    assert compute_night(worse, tz).se_pct <= compute_night(entry, tz).se_pct
    assert compute_night(worse, tz).tst_min == compute_night(entry, tz).tst_min - 1


@settings(max_examples=300, deadline=None)
@given(nights())
def test_durations_equal_the_differences_between_instants(
    case: tuple[DiaryEntry, str, list[dt.datetime]],
) -> None:
    entry, tz, walls = case
    bed, lights, final, out = instants(walls, tz)
    n = compute_night(entry, tz)
    assert n.tib_min == round((out - bed) / 60)
    assert n.terminal_wake_min == round((out - final) / 60)
    assert n.tst_min == round((final - lights) / 60) - entry.sol_min - entry.waso_min
    clock_tib = (walls[3] - walls[0]).total_seconds() / 60
    # A DST change moves the night by the zone's step (60 min, or 30 on Lord Howe).
    assert n.tib_min - clock_tib in {-60, -30, 0, 30, 60}


@settings(max_examples=200, deadline=None)
@given(nights(zones=["UTC", "Asia/Kolkata"]))
def test_nights_crossing_midnight_measure_what_the_clock_says(
    case: tuple[DiaryEntry, str, list[dt.datetime]],
) -> None:
    entry, tz, walls = case
    n = compute_night(entry, tz)
    assert n.tib_min == (walls[3] - walls[0]).total_seconds() / 60
    placed = entry.timeline(tz)
    assert placed.bedtime.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == walls[0]
    assert placed.out_of_bed.astimezone(ZoneInfo(tz)).replace(tzinfo=None) == walls[3]


def _as_dict(entry: DiaryEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in entry.__dataclass_fields__}
