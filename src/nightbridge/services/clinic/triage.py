"""The clinician's triage list: who needs attention first.

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nightbridge.core.alerts import LEVELS, Alert, level_rank, sort_alerts

if TYPE_CHECKING:
    from nightbridge.services.access import Actor
    from nightbridge.storage.database import Database

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


def build_triage(db: Database, actor: Actor, *, now: dt.datetime | None = None) -> list[TriageRow]:
    """The clinician's list: every person who shares with ``actor`` now, in triage order.

    Each person's data is read through the one permission check, which appends one audit
    row per person (all in one transaction); a share revoked a moment ago is simply not
    listed. Only the 14 days the trend compares are read, plus the newest entry's date.
    """
    from zoneinfo import ZoneInfo

    from nightbridge.services.access import check_access_many
    from nightbridge.services.accounts.sharing import list_patients
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.sleep.diary import list_nights
    from nightbridge.storage.repositories.checkins import CheckinRepository
    from nightbridge.storage.repositories.diary import DiaryRepository
    from nightbridge.storage.repositories.persons import PersonRepository

    rows: list[TriageRow] = []
    shared = [share.person_id for share in list_patients(db, actor)]
    for person_id in check_access_many(db, actor, shared, "read", "GET /clinician (triage)"):
        with db.reader() as session:
            persons = PersonRepository(session)
            name = persons.display_name(person_id) or f"Person {person_id}"
            zone = persons.get_profile(person_id).tz
            today = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone)).date()
            span_start = today - dt.timedelta(days=13)
            checkin_repo = CheckinRepository(session)
            checkins = checkin_repo.between(person_id, span_start, today)
            newest_entry = DiaryRepository(session).latest(person_id)
            last_dates = [
                d
                for d in (
                    checkin_repo.last_date(person_id, today),
                    newest_entry.date if newest_entry and newest_entry.date <= today else None,
                )
                if d is not None
            ]
        alerts = alerts_between(
            db, person_id, today - dt.timedelta(days=ALERT_LOOKBACK_DAYS), today
        )
        nights = list_nights(db, person_id, span_start, today)
        trend = assess_trend(
            [
                (c.date, float(c.withdrawal_score))
                for c in checkins
                if c.withdrawal_score is not None
            ],
            [(n.date, float(n.tst_min)) for n in nights],
            today,
        )
        rows.append(
            TriageRow(
                person_id=person_id,
                name=name,
                alerts=tuple(sort_alerts(alerts)),
                trend=trend,
                last_entry=max(last_dates) if last_dates else None,
                today=today,
            )
        )
    return order_triage(rows)
