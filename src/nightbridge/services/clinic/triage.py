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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nightbridge.core.alerts import sort_alerts
from nightbridge.core.errors import InvalidInput
from nightbridge.core.triage import (
    ALERT_LOOKBACK_DAYS,
    MIN_POINTS,
    SYMPTOM_DELTA,
    TRENDS,
    TST_DELTA_MIN,
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
    them: the caseload (``services.clinic.caseload``) with no filter, sorted by triage.
    One read snapshot (the order and the rows) and one short write (the audit row)."""
    from nightbridge.core.caseload import CaseloadQuery
    from nightbridge.services.clinic.caseload import caseload_page

    _check_paging(page, per_page)
    found = caseload_page(
        db, actor, CaseloadQuery(page=page, per_page=per_page), now=now, audit_as=audit_as
    )
    return TriageList([row.triage for row in found.rows], found.total, page, per_page)


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
