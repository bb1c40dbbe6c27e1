"""Sleep-hygiene nudges computed from the person's own log, and symptom plans.

A nudge names the nights on which it saw a habit, its source, and can be dismissed.
Inputs are plain values: one :class:`EveningLog` per night (built by the service from
diary entries, evening items and intake events) and the nudge texts from
``content/hygiene.json``.

Rules and thresholds (Nightbridge's own choices, informed by the sources named; sleep
hygiene helps most as part of CBT-I: Irish et al., Sleep Med Rev 2015;22:23-36):

- ``late_caffeine``: caffeine at or after 12:00 local time on the day before the morning.
  Caffeine taken even 6 h before bed disturbed sleep (Drake et al., J Clin Sleep Med
  2013;9:1195-200).
- ``late_alcohol``: alcohol within 3 h (180 min) before bedtime (Ebrahim et al., Alcohol
  Clin Exp Res 2013;37:539-49).
- ``late_screens``: a screen used in the last hour before bed (Chang et al., PNAS
  2015;112:1232-7).
- ``rise_drift``: an out-of-bed time more than 60 min from the person's median rise
  time over the look-back (a fixed rise time: Bootzin 1972; regularity: Phillips et al.,
  Sci Rep 2017;7:3216).
- ``long_naps``: naps longer than 30 min in total, or a nap starting at 16:00 or later
  (stimulus control: "one short nap, under 30 min, not late in the day";
  docs/definitions.md section 2).
- ``warm_bedroom``: a logged bedroom temperature above 24 °C (Okamoto-Mizuno & Mizuno,
  J Physiol Anthropol 2012;31:14).

A nudge is raised when its habit is seen on at least :data:`MIN_NIGHTS` (2) of the last
:data:`LOOKBACK_DAYS` (14) mornings up to the reference date; a dismissed nudge stays
hidden until the habit is seen on a night after the day it was dismissed.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput, Problem

#: Mornings looked back over, up to and including the reference date.
LOOKBACK_DAYS = 14
#: Nights on which a habit must be seen before a nudge is shown.
MIN_NIGHTS = 2
#: Local clock time from which caffeine counts as late (Drake et al. 2013).
CAFFEINE_CUTOFF = dt.time(12, 0)
#: Minutes before bedtime within which alcohol counts as late (Ebrahim et al. 2013).
ALCOHOL_WINDOW_MIN = 180
#: Out-of-bed time further than this from the median counts as drift, minutes.
RISE_DRIFT_MIN = 60
#: Total nap minutes above which naps count as long (Bootzin; definitions.md s.2).
NAP_LIMIT_MIN = 30
#: Local clock time from which a nap counts as late in the day.
LATE_NAP_FROM = dt.time(16, 0)
#: Bedroom temperature above which the room counts as too warm, degrees Celsius.
WARM_BEDROOM_C = 24.0
#: Clock times before this hour in evening items are placed after midnight.
AFTER_MIDNIGHT_BEFORE = dt.time(5, 0)

NUDGE_CODES: tuple[str, ...] = (
    "late_caffeine",
    "late_alcohol",
    "late_screens",
    "rise_drift",
    "long_naps",
    "warm_bedroom",
)


@dataclass(frozen=True, slots=True)
class EveningLog:
    """What is known about one night, dated by its morning (definitions.md section 1).

    Datetimes are aware instants. ``caffeine`` and ``alcohol`` hold every known time of
    a caffeinated or alcoholic drink in the evening and day before the morning (from the
    diary's ``last_caffeine``/``last_alcohol`` and from intake events).
    """

    date: dt.date
    bedtime: dt.datetime | None = None
    out_of_bed: dt.datetime | None = None
    caffeine: tuple[dt.datetime, ...] = ()
    alcohol: tuple[dt.datetime, ...] = ()
    naps_min: int | None = None
    nap_starts: tuple[dt.datetime, ...] = ()
    screens_last_hour: bool | None = None
    bedroom_temp_c: float | None = None


@dataclass(frozen=True, slots=True)
class Nudge:
    """One hygiene nudge: which habit, on which nights, what to try, and the source."""

    code: str
    title: str
    message: str
    nights: tuple[dt.date, ...]
    sources: tuple[str, ...]
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "message": self.message,
            "nights": [d.isoformat() for d in self.nights],
            "sources": list(self.sources),
            "evidence": dict(self.evidence),
        }


def place_evening_time(morning: dt.date, clock: dt.time, tz: str) -> dt.datetime:
    """The instant of an evening clock time (e.g. ``last_caffeine``) for the night of
    ``morning``: on the day before, or on the morning's own date when the clock time is
    before 05:00 (a drink at 00:30 belongs to the same night). First occurrence on a
    repeated hour, as in definitions.md section 1.
    """
    day = morning if clock < AFTER_MIDNIGHT_BEFORE else morning - dt.timedelta(days=1)
    return dt.datetime.combine(day, clock, tzinfo=ZoneInfo(tz)).replace(fold=0)


def night_of(moment: dt.datetime, tz: str) -> dt.date:
    """The morning whose night an evening instant (a drink, a nap) belongs to: the next
    day, or the same day when it is before 05:00 local time (the inverse of
    :func:`place_evening_time`)."""
    local = moment.astimezone(ZoneInfo(tz))
    if local.time() < AFTER_MIDNIGHT_BEFORE:
        return local.date()
    return local.date() + dt.timedelta(days=1)


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone)


def _late_caffeine(log: EveningLog, zone: ZoneInfo) -> dict[str, Any] | None:
    evening = log.date - dt.timedelta(days=1)
    late = [
        _local(t, zone)
        for t in log.caffeine
        if (_local(t, zone).date() == evening and _local(t, zone).time() >= CAFFEINE_CUTOFF)
        or (
            _local(t, zone).date() == log.date
            and (log.bedtime is None or t <= log.bedtime)
            and _local(t, zone).time() < AFTER_MIDNIGHT_BEFORE
        )
    ]
    if not late:
        return None
    return {"last": max(late).strftime("%H:%M")}


def _late_alcohol(log: EveningLog, zone: ZoneInfo) -> dict[str, Any] | None:
    if log.bedtime is None:
        return None
    start = log.bedtime - dt.timedelta(minutes=ALCOHOL_WINDOW_MIN)
    late = [t for t in log.alcohol if start <= t <= log.bedtime]
    if not late:
        return None
    last = max(late)
    return {
        "last": _local(last, zone).strftime("%H:%M"),
        "min_before_bed": round((log.bedtime - last).total_seconds() / 60),
    }


def _late_screens(log: EveningLog, zone: ZoneInfo) -> dict[str, Any] | None:
    return {} if log.screens_last_hour else None


def _long_naps(log: EveningLog, zone: ZoneInfo) -> dict[str, Any] | None:
    late = [_local(t, zone) for t in log.nap_starts if _local(t, zone).time() >= LATE_NAP_FROM]
    too_long = log.naps_min is not None and log.naps_min > NAP_LIMIT_MIN
    if not too_long and not late:
        return None
    found: dict[str, Any] = {}
    if too_long:
        found["naps_min"] = log.naps_min
    if late:
        found["late_start"] = max(late).strftime("%H:%M")
    return found


def _warm_bedroom(log: EveningLog, zone: ZoneInfo) -> dict[str, Any] | None:
    if log.bedroom_temp_c is None or log.bedroom_temp_c <= WARM_BEDROOM_C:
        return None
    return {"bedroom_temp_c": log.bedroom_temp_c}


_NIGHT_RULES = {
    "late_caffeine": _late_caffeine,
    "late_alcohol": _late_alcohol,
    "late_screens": _late_screens,
    "long_naps": _long_naps,
    "warm_bedroom": _warm_bedroom,
}


def _minutes_of_day(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def _clock_distance(a: int, b: int) -> int:
    """Minutes between two clock times on a 24 h circle."""
    d = abs(a - b) % 1440
    return min(d, 1440 - d)


def _rise_drift(logs: Sequence[EveningLog], zone: ZoneInfo) -> dict[dt.date, dict[str, Any]]:
    rises = {
        log.date: _minutes_of_day(_local(log.out_of_bed, zone))
        for log in logs
        if log.out_of_bed is not None
    }
    if len(rises) < 3:
        return {}
    usual = round(statistics.median(rises.values()))
    found: dict[dt.date, dict[str, Any]] = {}
    for day, minute in rises.items():
        off = _clock_distance(minute, usual)
        if off > RISE_DRIFT_MIN:
            found[day] = {"rise": f"{minute // 60:02d}:{minute % 60:02d}", "off_by_min": off}
    return found


def compute_nudges(
    logs: Iterable[EveningLog],
    tz: str,
    today: dt.date,
    texts: Mapping[str, Mapping[str, Any]],
    dismissed: Mapping[str, dt.date] | None = None,
) -> list[Nudge]:
    """The nudges in force on ``today`` from the last 14 mornings of ``logs``.

    ``texts`` is ``content/hygiene.json``'s ``nudges`` mapping (title, message, sources
    per code). ``dismissed`` maps a code to the date it was dismissed; such a nudge is
    shown again only when its habit is seen on a night dated after that day.
    Returned in :data:`NUDGE_CODES` order; each lists its nights oldest first.
    """
    zone = ZoneInfo(tz)
    first = today - dt.timedelta(days=LOOKBACK_DAYS - 1)
    window = sorted((log for log in logs if first <= log.date <= today), key=lambda log: log.date)
    seen: dict[str, dict[dt.date, dict[str, Any]]] = {code: {} for code in NUDGE_CODES}
    for log in window:
        for code, rule in _NIGHT_RULES.items():
            found = rule(log, zone)
            if found is not None:
                seen[code][log.date] = found
    seen["rise_drift"] = _rise_drift(window, zone)

    dismissed = dismissed or {}
    nudges: list[Nudge] = []
    for code in NUDGE_CODES:
        nights = tuple(sorted(seen[code]))
        if len(nights) < MIN_NIGHTS:
            continue
        hidden_until = dismissed.get(code)
        if hidden_until is not None and all(night <= hidden_until for night in nights):
            continue
        text = texts[code]
        nudges.append(
            Nudge(
                code=code,
                title=str(text["title"]),
                message=str(text["message"]),
                nights=nights,
                sources=tuple(str(s) for s in text["sources"]),
                evidence={night.isoformat(): seen[code][night] for night in nights},
            )
        )
    return nudges


@dataclass(frozen=True, slots=True)
class SymptomPlan:
    """What tends to help with one withdrawal symptom (content/symptom_plans.json)."""

    symptom: str
    title: str
    helps: tuple[str, ...]
    see_someone_if: str
    evidence: str
    sources: tuple[str, ...]
    rating: int  # the rating in the latest check-in that brought the plan up (0..4)


def select_symptom_plans(
    ratings: Mapping[str, int], catalogue: Mapping[str, Any]
) -> list[SymptomPlan]:
    """The plans for symptoms rated at or above ``show_at_or_above`` (2, moderate) in
    the latest check-in (symptom scale 0 none .. 4 extreme, definitions.md section 3).

    Plans sharing a text (``same_as``) appear once, with the highest rating; the most
    severe symptom comes first.
    """
    threshold = int(catalogue.get("show_at_or_above", 2))
    by_symptom = {plan["symptom"]: plan for plan in catalogue["plans"]}
    chosen: dict[str, SymptomPlan] = {}
    for symptom, rating in ratings.items():
        plan = by_symptom.get(symptom)
        if plan is None or rating < threshold:
            continue
        base = by_symptom[plan["same_as"]] if "same_as" in plan else plan
        key = base["symptom"]
        if key in chosen and chosen[key].rating >= rating:
            continue
        chosen[key] = SymptomPlan(
            symptom=key,
            title=str(base["title"]),
            helps=tuple(base["helps"]),
            see_someone_if=str(base["see_someone_if"]),
            evidence=str(base["evidence"]),
            sources=tuple(base["sources"]),
            rating=rating,
        )
    return sorted(chosen.values(), key=lambda plan: (-plan.rating, plan.symptom))


#: Bedroom temperatures accepted in the evening log, degrees Celsius.
TEMP_RANGE_C = (0.0, 45.0)


@dataclass(frozen=True, slots=True)
class EveningExtras:
    """Evening items the diary does not hold, for the night dated by its morning."""

    date: dt.date
    screens_last_hour: bool | None = None
    bedroom_temp_c: float | None = None
    nap_start: dt.time | None = None


def validate_evening(
    date: dt.date,
    today: dt.date,
    screens_last_hour: bool | None = None,
    bedroom_temp_c: Any = None,
    nap_start: Any = None,
) -> EveningExtras:
    """Evening items from form values, or InvalidInput naming each bad field.

    ``bedroom_temp_c`` is degrees Celsius within 0..45; ``nap_start`` a clock time
    ``HH:MM``; the date may not be after ``today``.
    """
    problems: list[Problem] = []
    if date > today:
        problems.append(Problem("date", "is in the future"))
    temp: float | None = None
    if bedroom_temp_c not in (None, ""):
        try:
            temp = float(str(bedroom_temp_c).replace(",", "."))
        except ValueError:
            problems.append(Problem("bedroom_temp_c", "not a number"))
        else:
            low, high = TEMP_RANGE_C
            if not low <= temp <= high:
                problems.append(Problem("bedroom_temp_c", f"must be {low:g}..{high:g} °C"))
    nap: dt.time | None = None
    if isinstance(nap_start, dt.time):
        nap = nap_start
    elif nap_start not in (None, ""):
        try:
            nap = dt.time.fromisoformat(str(nap_start).strip())
        except ValueError:
            problems.append(Problem("nap_start", "not a clock time (HH:MM)"))
    if problems:
        raise InvalidInput(problems)
    return EveningExtras(date, screens_last_hour, temp, nap)
