"""The clinician's triage list: who needs attention first (the rule: ``core.triage``).

The list is read from the per-person summaries (``storage.tables.summaries``, kept up
to date by every write in its own transaction), sorted and paged by the database: the
same few statements for 5 people or 5,000. Reading it appends ONE audit row (the list
was viewed: how many people, which page), not one per person.

``triage_row_from_scratch`` computes one person's row straight from their data, as the
list did before summaries existed; the tests hold the two equal after every kind of
write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nightbridge.core.alerts import Alert, sort_alerts
from nightbridge.core.errors import InvalidInput
from nightbridge.core.resources import with_resources
from nightbridge.core.triage import (
    ALERT_LOOKBACK_DAYS,
    MIN_POINTS,
    SYMPTOM_DELTA,
    TRENDS,
    TST_DELTA_MIN,
    PersonSummary,
    Trend,
    TriageRow,
    assess_trend,
    order_triage,
    triage_key,
)

if TYPE_CHECKING:
    from nightbridge.services.access import Actor
    from nightbridge.storage.database import Database

__all__ = [
    "ALERT_LOOKBACK_DAYS",
    "MIN_POINTS",
    "PER_PAGE",
    "SYMPTOM_DELTA",
    "TRENDS",
    "TST_DELTA_MIN",
    "Trend",
    "TriageList",
    "TriageRow",
    "assess_trend",
    "build_triage",
    "order_triage",
    "triage_key",
    "triage_page",
    "triage_row_from_scratch",
]

#: People per page of the list, and the most a caller may ask for.
PER_PAGE = 50
MAX_PER_PAGE = 200
AUDIT_OBJECT = "GET /clinician (triage)"


@dataclass(frozen=True, slots=True)
class TriageList:
    """One page of the list: its rows in triage order, and where it sits in the whole."""

    rows: list[TriageRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _check_paging(page: int, per_page: int) -> None:
    if page < 1:
        raise InvalidInput.one("page", "must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput.one("per_page", f"must be between 1 and {MAX_PER_PAGE}")


def triage_page(
    db: Database,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    now: dt.datetime | None = None,
    audit_as: str = AUDIT_OBJECT,
) -> TriageList:
    """A page of the people who share with ``actor`` now, in triage order across all of
    them. One read snapshot (the order and the rows) and one short write (the audit
    row): on SQLite the write lock is held only for that row; a person whose summary
    is missing (a store from before summaries, not rebuilt) gets it computed first."""
    from nightbridge.services.recovery.safety import region_resources
    from nightbridge.storage.repositories.alerts import AlertRepository
    from nightbridge.storage.repositories.audit import AuditRepository
    from nightbridge.storage.repositories.summaries import SummaryRepository
    from nightbridge.storage.tables.base import utcnow

    _check_paging(page, per_page)
    if actor.role != "clinician" or actor.account_id is None:
        return TriageList([], 0, page, per_page)
    moment = now or dt.datetime.now(dt.UTC)
    with db.reader() as session:
        repo = SummaryRepository(session)
        missing = repo.missing_for(actor.account_id)
    if missing:
        with db.transaction() as session:
            for person_id in missing:
                SummaryRepository(session).refresh(person_id, moment)
    with db.reader() as session:
        found = SummaryRepository(session).triage_page(
            actor.account_id, now=moment, offset=(page - 1) * per_page, limit=per_page
        )
        alerts: dict[int, list[Alert]] = defaultdict(list)
        if found.rows:
            first = min(found.today.values()) - dt.timedelta(days=ALERT_LOOKBACK_DAYS)
            last = max(found.today.values())
            for person_id, region, alert in AlertRepository(session).between_for_persons(
                [s.person_id for s in found.rows], first, last
            ):
                today = found.today[person_id]
                if today - dt.timedelta(days=ALERT_LOOKBACK_DAYS) <= alert.date <= today:
                    alerts[person_id].append(with_resources(alert, region_resources(region)))
    with db.transaction() as session:
        AuditRepository(session).append(
            at=utcnow(),
            actor_account_id=actor.account_id,
            actor_role=actor.role,
            person_id=None,
            action="read",
            object=audit_as,
            outcome="allowed",
            detail=f"listed {len(found.rows)} of {found.total} people (page {page})",
        )
    rows = [
        _row(summary, found.today[summary.person_id], alerts.get(summary.person_id, []))
        for summary in found.rows
    ]
    return TriageList(rows, found.total, page, per_page)


def _row(summary: PersonSummary, today: dt.date, alerts: list[Alert]) -> TriageRow:
    return TriageRow(
        person_id=summary.person_id,
        name=summary.name,
        alerts=tuple(sort_alerts(alerts)),
        trend=summary.trend_on(today),
        last_entry=summary.last_entry,
        today=today,
    )


def build_triage(db: Database, actor: Actor, *, now: dt.datetime | None = None) -> list[TriageRow]:
    """The first page of the list (``triage_page``), as a list of rows."""
    return triage_page(db, actor, now=now).rows


def triage_row_from_scratch(
    db: Database, person_id: int, *, now: dt.datetime | None = None
) -> TriageRow:
    """One person's row computed from their diary, check-ins and alerts directly (no
    summary): what the list showed before summaries, kept to check them against."""
    from zoneinfo import ZoneInfo

    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.sleep.diary import list_nights
    from nightbridge.storage.repositories.checkins import CheckinRepository
    from nightbridge.storage.repositories.diary import DiaryRepository
    from nightbridge.storage.repositories.persons import PersonRepository

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
    alerts = alerts_between(db, person_id, today - dt.timedelta(days=ALERT_LOOKBACK_DAYS), today)
    nights = list_nights(db, person_id, span_start, today)
    trend = assess_trend(
        [(c.date, float(c.withdrawal_score)) for c in checkins if c.withdrawal_score is not None],
        [(n.date, float(n.tst_min)) for n in nights],
        today,
    )
    return TriageRow(
        person_id=person_id,
        name=name,
        alerts=tuple(sort_alerts(alerts)),
        trend=trend,
        last_entry=max(last_dates) if last_dates else None,
        today=today,
    )
