"""The clinician's triage list: who needs attention first (pure: the rule and the
per-person summary it is read from; services/clinic/triage.py reads the store).

Order (Nightbridge's own rule, documented in docs/web-pages.md):
1. the most urgent safety alert in force today (definitions.md section 4: emergency,
   crisis, urgent, advise, then none);
2. a worsening trend before a steady or improving one;
3. more days since the last diary entry or check-in first: stale data is a signal
   (Tidepool's clinic dashboard sorts by days since last upload); never = most stale;
4. then by name, then id, so the order is stable.

The trend compares the last 7 days with the 7 before them. It is worsening when the
mean withdrawal symptom score (Nightbridge's own diary, 0..68, definitions.md section 3)
rose by ``SYMPTOM_DELTA`` points or more, or the mean total sleep time fell by
``TST_DELTA_MIN`` minutes or more; improving when it moved that far the other way and
nothing worsened. Each half needs ``MIN_POINTS`` values, else the trend is ``unknown``.
These thresholds are Nightbridge's own choice for ordering a list, not clinical cut-offs.

Alerts counted for the order are those recorded for today and the two days before
(``ALERT_LOOKBACK_DAYS``): a clinician who looks in the morning still sees yesterday
evening's urgent alert at the top. They are read, never re-evaluated, on a page view:
every write that can raise one records it.

The list is read from a per-person summary (``PersonSummary``) that every write which
changes its inputs refreshes in the same transaction. Because the trend compares days
counted back from *today*, the summary keeps the trend for each of the next
``TREND_HORIZON`` days as one letter a day (``trend_letters``): with no new data, the
data in the window only ages, so those days are known at the time of the write; after
them every point is older than 14 days and the trend is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nightbridge.core.alerts import LEVELS, Alert, level_rank, sort_alerts

ALERT_LOOKBACK_DAYS = 2
SYMPTOM_DELTA = 3.0
TST_DELTA_MIN = 30.0
MIN_POINTS = 2
TRENDS = ("worsening", "steady", "improving", "unknown")


@dataclass(frozen=True, slots=True)
class Trend:
    direction: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TriageRow:
    """One person on a clinician's list."""

    person_id: int
    name: str
    alerts: tuple[Alert, ...] = ()
    trend: Trend = field(default_factory=lambda: Trend("unknown"))
    last_entry: dt.date | None = None
    today: dt.date | None = None

    @property
    def top_level(self) -> str | None:
        """The most urgent alert level in force, or None."""
        return sort_alerts(self.alerts)[0].level if self.alerts else None

    @property
    def days_since_entry(self) -> int | None:
        """Whole days since the last entry; None when there has never been one."""
        if self.last_entry is None or self.today is None:
            return None
        return max(0, (self.today - self.last_entry).days)

    def to_dict(self) -> dict[str, object]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "top_level": self.top_level,
            "alerts": [a.to_dict() for a in sort_alerts(self.alerts)],
            "trend": self.trend.direction,
            "trend_reasons": list(self.trend.reasons),
            "last_entry": self.last_entry.isoformat() if self.last_entry else None,
            "days_since_entry": self.days_since_entry,
        }


def triage_key(row: TriageRow) -> tuple[int, int, int, str, int]:
    """The sort key: alert level, then worsening first, then stalest first."""
    level = level_rank(row.top_level) if row.top_level else len(LEVELS)
    worsening = 0 if row.trend.direction == "worsening" else 1
    days = row.days_since_entry
    staleness = -(10**6) if days is None else -days
    return (level, worsening, staleness, row.name.casefold(), row.person_id)


def order_triage(rows: Iterable[TriageRow]) -> list[TriageRow]:
    """The rows in triage order (see the module docstring)."""
    return sorted(rows, key=triage_key)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _halves(
    points: Iterable[tuple[dt.date, float]], today: dt.date
) -> tuple[list[float], list[float]]:
    recent: list[float] = []
    before: list[float] = []
    for day, value in points:
        age = (today - day).days
        if 0 <= age < 7:
            recent.append(value)
        elif 7 <= age < 14:
            before.append(value)
    return before, recent


def assess_trend(
    symptom_scores: Iterable[tuple[dt.date, float]],
    tst_minutes: Iterable[tuple[dt.date, float]],
    today: dt.date,
) -> Trend:
    """Worsening, steady, improving or unknown, with the reasons (see module docstring)."""
    worse: list[str] = []
    better: list[str] = []
    known = False
    before, recent = _halves(symptom_scores, today)
    if len(before) >= MIN_POINTS and len(recent) >= MIN_POINTS:
        known = True
        delta = _mean(recent) - _mean(before)
        text = f"symptom score {_mean(before):.1f} -> {_mean(recent):.1f} (7-day means)"
        if delta >= SYMPTOM_DELTA:
            worse.append(text)
        elif delta <= -SYMPTOM_DELTA:
            better.append(text)
    before, recent = _halves(tst_minutes, today)
    if len(before) >= MIN_POINTS and len(recent) >= MIN_POINTS:
        known = True
        delta = _mean(recent) - _mean(before)
        text = f"sleep {_mean(before):.0f} -> {_mean(recent):.0f} min (7-day means)"
        if delta <= -TST_DELTA_MIN:
            worse.append(text)
        elif delta >= TST_DELTA_MIN:
            better.append(text)
    if worse:
        return Trend("worsening", tuple(worse))
    if better:
        return Trend("improving", tuple(better))
    return Trend("steady" if known else "unknown")


#: Days the precomputed trend covers (day 0 = the summary's date); from then on it is
#: unknown (every point is 14 days old or older).
TREND_HORIZON = 14
_LETTER = {"worsening": "w", "steady": "s", "improving": "i", "unknown": "u"}
DIRECTION_OF_LETTER = {letter: direction for direction, letter in _LETTER.items()}


def trend_letters(
    symptom_scores: Sequence[tuple[dt.date, float]],
    tst_minutes: Sequence[tuple[dt.date, float]],
    as_of: dt.date,
) -> str:
    """The trend on ``as_of`` and each of the following days up to the horizon, one
    letter a day (w, s, i, u), assuming no new data arrives (see the module docstring)."""
    return "".join(
        _LETTER[assess_trend(symptom_scores, tst_minutes, as_of + dt.timedelta(days=k)).direction]
        for k in range(TREND_HORIZON)
    )


def trend_letter_on(letters: str, as_of: dt.date, today: dt.date) -> str:
    """The letter of ``today`` in ``letters`` (computed on ``as_of``)."""
    k = (today - as_of).days
    if 0 <= k < len(letters):
        return letters[k]
    return "u"


@dataclass(frozen=True, slots=True)
class TaperAdherence:
    """Logged intake against the active taper's targets, summed over the steps so far."""

    days_elapsed: int = 0
    days_logged: int = 0
    days_over: int = 0


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """What a clinician's list shows and sorts by, for one person, as of ``as_of`` (the
    person's local date when it was computed).

    ``alert_days``: per alert level, the latest date an alert of that level is recorded
    for. ``symptom_points``/``tst_points``: the withdrawal scores and total sleep times
    of the 14 days to ``as_of`` (the trend's inputs). The 7-day figures are means over
    the diary nights dated ``as_of``-6..``as_of`` (definitions.md section 1);
    questionnaire totals are the newest recorded; ``last_device_night`` the newest
    night a device import gave; ``last_alert_id`` the newest alert recorded (a review
    covers the alerts up to the one it saw: docs/caseload.md).
    """

    person_id: int
    name: str
    tz: str
    as_of: dt.date
    last_entry: dt.date | None = None
    alert_days: dict[str, dt.date] = field(default_factory=dict)
    symptom_points: tuple[tuple[dt.date, float], ...] = ()
    tst_points: tuple[tuple[dt.date, float], ...] = ()
    nights_7d: int = 0
    tst_7d_min: float | None = None
    se_7d_pct: float | None = None
    phq9_total: int | None = None
    phq9_on: dt.date | None = None
    gad7_total: int | None = None
    gad7_on: dt.date | None = None
    isi_total: int | None = None
    isi_on: dt.date | None = None
    taper_active: bool = False
    taper: TaperAdherence = field(default_factory=TaperAdherence)
    last_device_night: dt.date | None = None
    last_alert_id: int | None = None

    @property
    def sort_name(self) -> str:
        return self.name.casefold()

    @property
    def trend_letters(self) -> str:
        return trend_letters(self.symptom_points, self.tst_points, self.as_of)

    def trend_on(self, today: dt.date) -> Trend:
        """The trend as it stands on ``today`` (the same as from scratch, as long as no
        data arrived since ``as_of``: any such write refreshes the summary)."""
        return assess_trend(self.symptom_points, self.tst_points, today)


def seven_day_sleep(
    nights: Iterable[tuple[dt.date, float, float]], as_of: dt.date
) -> tuple[int, float | None, float | None]:
    """(nights, mean total sleep time in minutes, mean sleep efficiency in %) of the
    diary nights ``(date, tst_min, se_pct)`` dated ``as_of``-6..``as_of``."""
    week = [(tst, se) for day, tst, se in nights if 0 <= (as_of - day).days < 7]
    if not week:
        return 0, None, None
    return (
        len(week),
        _mean([tst for tst, _ in week]),
        _mean([se for _, se in week]),
    )


def level_in_force(alert_days: dict[str, dt.date], today: dt.date) -> str | None:
    """The most urgent level with an alert recorded for today or the lookback days."""
    cut = today - dt.timedelta(days=ALERT_LOOKBACK_DAYS)
    for level in LEVELS:
        day = alert_days.get(level)
        if day is not None and day >= cut:
            return level
    return None
