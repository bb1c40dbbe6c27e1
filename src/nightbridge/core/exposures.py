"""Exposures for "what helps me": which nights came after which habit or intake.

A night is dated by its morning D (definitions.md section 1); its exposures are what
happened on D - 1 (the day and evening before) up to bedtime. Rules (docs/what-helps-me.md):

- ``kratom_any``: kratom logged on D - 1 (local date).
- ``kratom_high``: among days with kratom, the day's total (grams) above the person's own
  median of such days; days without kratom are left out of this comparison.
- ``kratom_late``: among days with kratom, the last dose within 6 h before bedtime.
- ``melatonin``: melatonin logged within 6 h before bedtime.
- ``caffeine_after_noon``: a caffeinated drink at or after 12:00 on D - 1 (the diary's
  time of the last caffeine, or a caffeine intake event).
- ``alcohol_3h``: an alcoholic drink within 3 h before bedtime (diary or intake log).
- ``screens_last_hour``: the evening log's answer.
- ``exercise``: 20 min or more of exercise on D - 1 (device activity), where known.
- ``nap``: the morning diary's naps (count or minutes) above 0, where answered.

Absence counts as "not exposed" only once the person has logged that kind of thing at
least once in the span (someone who never logs caffeine is not assumed to drink none).
Timing thresholds follow the sleep-hygiene evidence the toolkit cites (caffeine: Drake
et al., J Clin Sleep Med 2013;9:1195-1200; alcohol: Ebrahim et al., Alcohol Clin Exp Res
2013;37:539-49; screens: Chang et al., PNAS 2015;112:1232-7); they are Nightbridge's
own choices of cut-off, not clinical rules.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nightbridge.core.nof1 import NightObservation

KRATOM_LATE = dt.timedelta(hours=6)
MELATONIN_WINDOW = dt.timedelta(hours=6)
ALCOHOL_WINDOW = dt.timedelta(hours=3)
EXERCISE_MIN = 20.0
NOON = dt.time(12, 0)


@dataclass(frozen=True, slots=True)
class Dose:
    """One logged intake: its class (core.intake.CLASSES), amount, unit and instant."""

    substance_class: str
    amount: float
    unit: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class NightContext:
    """One diary night's outcomes and the diary's own evening items."""

    date: dt.date
    outcomes: Mapping[str, float | None]
    bedtime: dt.datetime | None = None
    caffeine: int | None = None
    last_caffeine: dt.time | None = None
    alcohol: int | None = None
    last_alcohol: dt.time | None = None
    naps: int | None = None
    naps_min: int | None = None
    extra: Mapping[str, bool | None] = field(default_factory=dict)


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone)


def _within(times: Iterable[dt.datetime], bedtime: dt.datetime | None, span: dt.timedelta) -> bool:
    return bedtime is not None and any(bedtime - span <= t <= bedtime for t in times)


def build_observations(
    nights: Sequence[NightContext],
    doses: Iterable[Dose],
    tz: str,
    *,
    screens: Mapping[dt.date, bool | None] | None = None,
    exercise_min: Mapping[dt.date, float] | None = None,
    next_day: Mapping[dt.date, Mapping[str, float | None]] | None = None,
) -> list[NightObservation]:
    """NightObservations (outcomes and exposures) for the given nights.

    ``screens`` is keyed by the night's morning date; ``exercise_min`` by the local date
    of the exercise (the day before the morning); ``next_day`` by the morning date
    (the check-in of that day: ``headache`` 0..4, ``function`` 1..5).
    """
    zone = ZoneInfo(tz)
    by_day: dict[dt.date, list[Dose]] = defaultdict(list)
    for dose in doses:
        by_day[_local(dose.at, zone).date()].append(dose)
    kratom_totals = {
        day: sum(d.amount for d in items if d.substance_class == "kratom" and d.unit == "g")
        for day, items in by_day.items()
        if any(d.substance_class == "kratom" for d in items)
    }
    median = statistics.median(kratom_totals.values()) if kratom_totals else None
    raw: list[tuple[NightContext, dict[str, bool | None]]] = []
    for night in nights:
        eve = night.date - dt.timedelta(days=1)
        doses_eve = by_day.get(eve, []) + [
            d for d in by_day.get(night.date, []) if night.bedtime and d.at <= night.bedtime
        ]
        kratom = [d for d in doses_eve if d.substance_class == "kratom"]
        caffeine_times = [_local(d.at, zone) for d in doses_eve if d.substance_class == "caffeine"]
        alcohol_times = [d.at for d in doses_eve if d.substance_class == "alcohol"]
        if night.last_alcohol is not None and night.bedtime is not None:
            local_bed = _local(night.bedtime, zone)
            guess = dt.datetime.combine(local_bed.date(), night.last_alcohol, tzinfo=zone)
            if guess > local_bed:
                guess -= dt.timedelta(days=1)
            alcohol_times.append(guess)
        flags: dict[str, bool | None] = {
            "kratom_any": bool(kratom),
            "kratom_high": (kratom_totals.get(eve, 0.0) > median)
            if kratom and median is not None
            else None,
            "kratom_late": _within((d.at for d in kratom), night.bedtime, KRATOM_LATE)
            if kratom and night.bedtime
            else None,
            "melatonin": _within(
                (d.at for d in doses_eve if d.substance_class == "melatonin"),
                night.bedtime,
                MELATONIN_WINDOW,
            )
            if night.bedtime
            else None,
            "caffeine_after_noon": any(t.date() == eve and t.time() >= NOON for t in caffeine_times)
            or (night.last_caffeine is not None and night.last_caffeine >= NOON),
            "alcohol_3h": _within(alcohol_times, night.bedtime, ALCOHOL_WINDOW)
            if night.bedtime
            else None,
            "screens_last_hour": (screens or {}).get(night.date),
            "exercise": None,
            "nap": None,
        }
        if exercise_min is not None and eve in exercise_min:
            flags["exercise"] = exercise_min[eve] >= EXERCISE_MIN
        if night.naps is not None or night.naps_min is not None:
            flags["nap"] = (night.naps or 0) > 0 or (night.naps_min or 0) > 0
        flags.update(night.extra)
        raw.append((night, flags))
    # An exposure never seen in the span is unknown, not "absent", on every night.
    seen = {k for _, f in raw for k, v in f.items() if v}
    observations = []
    for night, flags in raw:
        exposures = {k: (v if k in seen else None) for k, v in flags.items()}
        outcomes = dict(night.outcomes)
        for key, value in (next_day or {}).get(night.date, {}).items():
            outcomes[key] = value
        observations.append(NightObservation(night.date, outcomes, exposures))
    return observations
