"""Circadian regularity: Sleep Regularity Index, spread of rise and mid-sleep, social jet lag.

**Sleep Regularity Index** (Phillips et al., "Irregular sleep/wake patterns are
associated with poorer academic performance and delayed circadian and sleep/wake
timing", Sci Rep 2017;7:3216, doi:10.1038/s41598-017-03171-4): the probability that the
person is in the same state (asleep or awake) at two time points 24 h apart, rescaled::

    SRI = -100 + 200 / (M (N - 1)) * sum_{j=1..M} sum_{i=1..N-1} delta(s_ij, s_(i+1)j)

with M epochs a day and N days; 100 for a perfectly regular schedule, 0 for random, -100
for a schedule that flips every day. Here:

- **Epochs** are 1 min, M = 1440 (docs/definitions.md section 9). Each epoch is sampled
  at its midpoint wall-clock time in the person's zone (so "the same clock time" stays
  the same across a daylight-saving change; a repeated hour is sampled once). The
  former 15-min epochs (attributed to pyActigraphy, which in fact works at the data's
  own resolution) could move a 14-min shift in or out of a whole epoch.
- **Days** are sleep days running from 12:00 the day before the morning to 12:00 on it,
  one per dated night (diary and device nights are dated by their morning). A day is
  present when that night is recorded; a sleep day holds its main sleep AND every nap
  recorded in it (the SRI counts all sleep, Phillips et al. 2017; Fischer, Klerman &
  Phillips 2021). Naps count as asleep epochs but never move the main sleep's onset,
  wake or rise time. Device naps are the same source's asleep samples in that sleep
  day; the diary records naps only as a count and minutes, without clock times, so
  diary naps cannot be placed and are not in the diary SRI.
- **Missing days**: only pairs of consecutive calendar days that are both present are
  compared, so the sum runs over P such pairs and ``N - 1`` becomes ``P``. With no
  missing day this is exactly the formula above. Fewer than ``MIN_PAIRS`` (5) pairs gives
  no value.
- The SRI depends on the order of days (Fischer D, Klerman EB, Phillips AJK, "Measuring
  sleep regularity: theoretical properties and practical usage of existing metrics",
  Sleep 2021;44(10):zsab103); it is shown with the number of pairs it used.

**Spread of rise time and mid-sleep**: the sample standard deviation (minutes) of clock
times, made circular-safe: each time is taken as its signed difference from the
circular mean (within +-12 h), so 23:50 and 00:10 are 20 min apart, not 23 h 40 min.

**Social jet lag** (Wittmann, Dinich, Merrow & Roenneberg, "Social jetlag: misalignment
of biological and social time", Chronobiol Int 2006;23:497-509): |MSF - MSW|, the
absolute difference between the mean mid-sleep on free days and on work days. A night
belongs to the kind of day its MORNING is (the night before a free day is a free night,
as in the Munich ChronoType Questionnaire). Work days default to Monday-Friday.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

EPOCH_MIN = 1
EPOCHS_PER_DAY = 24 * 60 // EPOCH_MIN
_EPOCH = dt.timedelta(minutes=EPOCH_MIN)
_HALF_EPOCH = _EPOCH / 2
MIN_PAIRS = 5
#: ISO weekday numbers (Monday = 1) of work days by default.
DEFAULT_WORK_DAYS: frozenset[int] = frozenset({1, 2, 3, 4, 5})

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, slots=True)
class SleepDay:
    """One dated night's asleep intervals (aware datetimes) and its main sleep's timing.

    ``onset`` and ``wake`` bound the main sleep (mid-sleep is their midpoint); ``rise`` is
    the time out of bed (diary) or the end of the main sleep (device).
    """

    date: dt.date
    asleep: tuple[Interval, ...]
    onset: dt.datetime
    wake: dt.datetime
    rise: dt.datetime

    @property
    def mid_sleep(self) -> dt.datetime:
        return self.onset + (self.wake - self.onset) / 2


def sleep_day_from_diary(
    date: dt.date,
    lights_off: dt.datetime,
    sol_min: float,
    final_wake: dt.datetime,
    out_of_bed: dt.datetime,
    naps: Iterable[Interval] = (),
) -> SleepDay:
    """A diary night as one asleep interval, from lights out + SOL to the final wake,
    plus any naps of the sleep day whose times are known.

    The diary gives WASO as a total without times, so the awakenings cannot be placed;
    they are counted as asleep here. The diary SRI therefore measures the regularity of
    sleep onset and final wake, not of awakenings in the night (docs/regularity.md).
    """
    onset = lights_off + dt.timedelta(minutes=sol_min)
    if onset > final_wake:
        onset = final_wake
    extra = tuple(sorted((s, e) for s, e in naps if e > s))
    return SleepDay(date, ((onset, final_wake), *extra), onset, final_wake, out_of_bed)


def sleep_day_from_intervals(
    date: dt.date, asleep: Iterable[Interval], naps: Iterable[Interval] = ()
) -> SleepDay | None:
    """A device night from its main sleep's asleep samples (one source), plus the naps
    of its sleep day (asleep, but not part of the main sleep's timing); None without a
    main sleep."""
    spans = sorted((s, e) for s, e in asleep if e > s)
    if not spans:
        return None
    extra = sorted((s, e) for s, e in naps if e > s)
    wake = max(e for _, e in spans)
    return SleepDay(date, tuple(sorted(spans + extra)), spans[0][0], wake, wake)


def sleep_day_bounds(date: dt.date, tz: str) -> Interval:
    """The sleep day of morning ``date``: 12:00 the day before to 12:00 on it, local."""
    zone = ZoneInfo(tz)
    noon = dt.datetime.combine(date, dt.time(12, 0))
    return (noon - dt.timedelta(days=1)).replace(tzinfo=zone), noon.replace(tzinfo=zone)


def epoch_states(day: SleepDay, tz: str) -> np.ndarray:
    """The 1440 asleep/awake states of one sleep day (True = asleep), as a numpy array.

    Epoch k is sampled at wall-clock 12:00 + k min + 30 s from noon of the day before
    ``day.date`` in zone ``tz`` (first occurrence on a repeated hour). On a day without
    a clock change the epochs are 1 min apart in real time too, and each asleep interval
    fills its slice at once; a day with a change is sampled epoch by epoch.
    """
    zone = ZoneInfo(tz)
    noon = dt.datetime.combine(day.date - dt.timedelta(days=1), dt.time(12, 0))
    states = np.zeros(EPOCHS_PER_DAY, dtype=bool)
    first = (noon + _HALF_EPOCH).replace(tzinfo=zone, fold=0)
    last = (noon + dt.timedelta(days=1) - _HALF_EPOCH).replace(tzinfo=zone, fold=0)
    if first.utcoffset() == last.utcoffset():
        for start, end in day.asleep:
            lo = math.ceil(((start - first) / _EPOCH) - 1e-9)
            hi = math.ceil(((end - first) / _EPOCH) - 1e-9)
            states[max(lo, 0) : max(min(hi, EPOCHS_PER_DAY), 0)] = True
        return states
    spans = sorted(day.asleep)
    for k in range(EPOCHS_PER_DAY):
        instant = (noon + _EPOCH * k + _HALF_EPOCH).replace(tzinfo=zone, fold=0)
        states[k] = any(start <= instant < end for start, end in spans)
    return states


@dataclass(frozen=True, slots=True)
class SriResult:
    """The SRI (-100..100, unitless) and how many day pairs and days it used."""

    sri: float | None
    pairs: int
    days: int


def compute_sri(
    states_by_day: Mapping[dt.date, Sequence[bool] | np.ndarray], *, min_pairs: int = MIN_PAIRS
) -> SriResult:
    """SRI from per-day epoch states; pairs are consecutive calendar days both present."""
    dates = sorted(states_by_day)
    matches = 0
    pairs = 0
    epochs = 0
    for date in dates:
        nxt = date + dt.timedelta(days=1)
        if nxt not in states_by_day:
            continue
        a = np.asarray(states_by_day[date], dtype=bool)
        b = np.asarray(states_by_day[nxt], dtype=bool)
        if a.shape != b.shape:
            raise ValueError("days must have the same number of epochs")
        pairs += 1
        epochs = a.size
        matches += int(np.count_nonzero(a == b))
    if pairs < min_pairs or epochs == 0:
        return SriResult(None, pairs, len(dates))
    return SriResult(-100.0 + 200.0 * matches / (epochs * pairs), pairs, len(dates))


def sleep_regularity_index(
    days: Iterable[SleepDay], tz: str, *, min_pairs: int = MIN_PAIRS
) -> SriResult:
    """The SRI of dated sleep days in zone ``tz`` (1-min epochs, noon-to-noon days, naps
    included: every asleep interval of the day counts)."""
    return compute_sri({d.date: epoch_states(d, tz) for d in days}, min_pairs=min_pairs)


def clock_minutes(moment: dt.datetime, tz: str) -> float:
    """Minutes after local midnight of ``moment`` in zone ``tz`` (0 <= m < 1440)."""
    local = moment.astimezone(ZoneInfo(tz))
    return local.hour * 60 + local.minute + local.second / 60.0


def circular_mean_minutes(minutes: Sequence[float]) -> float | None:
    """The circular mean of clock times in minutes after midnight (0..1440), or None."""
    if not minutes:
        return None
    angles = [2 * math.pi * m / 1440.0 for m in minutes]
    s = sum(math.sin(a) for a in angles)
    c = sum(math.cos(a) for a in angles)
    if math.hypot(s, c) < 1e-9:
        return None  # spread evenly round the clock: no meaningful mean
    return (math.atan2(s, c) * 1440.0 / (2 * math.pi)) % 1440.0


def _signed_difference(m: float, center: float) -> float:
    return (m - center + 720.0) % 1440.0 - 720.0


def clock_sd_minutes(minutes: Sequence[float]) -> float | None:
    """Sample SD (minutes) of clock times around their circular mean; None below 2."""
    if len(minutes) < 2:
        return None
    center = circular_mean_minutes(minutes)
    if center is None:
        return None
    dev = [_signed_difference(m, center) for m in minutes]
    mean = sum(dev) / len(dev)
    return math.sqrt(sum((d - mean) ** 2 for d in dev) / (len(dev) - 1))


@dataclass(frozen=True, slots=True)
class SocialJetLag:
    """|MSF - MSW| in minutes, with both mid-sleeps (minutes after midnight) and counts."""

    minutes: float | None
    msf_min: float | None
    msw_min: float | None
    free_nights: int
    work_nights: int


def social_jet_lag(
    days: Iterable[SleepDay], tz: str, *, work_days: frozenset[int] = DEFAULT_WORK_DAYS
) -> SocialJetLag:
    """Wittmann et al. 2006 social jet lag; a night is a work night when its morning is.

    Needs at least one free and one work night, else ``minutes`` is None.
    """
    free: list[float] = []
    work: list[float] = []
    for day in days:
        m = clock_minutes(day.mid_sleep, tz)
        (work if day.date.isoweekday() in work_days else free).append(m)
    msf = circular_mean_minutes(free)
    msw = circular_mean_minutes(work)
    lag = None if msf is None or msw is None else abs(_signed_difference(msf, msw))
    return SocialJetLag(lag, msf, msw, len(free), len(work))


@dataclass(frozen=True, slots=True)
class Regularity:
    """Everything the report shows about regularity over a span."""

    sri: SriResult
    rise_sd_min: float | None
    mid_sleep_sd_min: float | None
    jet_lag: SocialJetLag

    def to_dict(self) -> dict[str, object]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        return {
            "sri": r(self.sri.sri),
            "sri_pairs": self.sri.pairs,
            "days": self.sri.days,
            "rise_sd_min": r(self.rise_sd_min),
            "mid_sleep_sd_min": r(self.mid_sleep_sd_min),
            "social_jet_lag_min": r(self.jet_lag.minutes),
            "free_nights": self.jet_lag.free_nights,
            "work_nights": self.jet_lag.work_nights,
        }


def assess_regularity(
    days: Sequence[SleepDay], tz: str, *, work_days: frozenset[int] = DEFAULT_WORK_DAYS
) -> Regularity:
    """SRI, rise-time SD, mid-sleep SD and social jet lag of the given sleep days."""
    return Regularity(
        sri=sleep_regularity_index(days, tz),
        rise_sd_min=clock_sd_minutes([clock_minutes(d.rise, tz) for d in days]),
        mid_sleep_sd_min=clock_sd_minutes([clock_minutes(d.mid_sleep, tz) for d in days]),
        jet_lag=social_jet_lag(days, tz, work_days=work_days),
    )
