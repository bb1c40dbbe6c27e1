"""The clinician's caseload: everyone the clinician may see, searched, filtered, sorted
and paged by the database in one statement over the per-person summaries
(``storage.repositories.caseload``; the rules: ``core.caseload``), and reviews of a
person's alerts ("reviewed by dr-lee at 09:12", audited, seen by the whole team).

A view is a constant number of statements whatever the number of people: the missing
summaries check, the zones, the page (with its total), the page's alerts, tags and
assigned clinicians; and ONE audit row for the list (issue 11 item 3), not one per person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nightbridge.core.alerts import Alert, sort_alerts
from nightbridge.core.caseload import CaseloadQuery, CaseloadRow, Review, review_state
from nightbridge.core.resources import with_resources
from nightbridge.core.triage import ALERT_LOOKBACK_DAYS, TriageRow

if TYPE_CHECKING:
    from nightbridge.services.access import Actor
    from nightbridge.storage.database import Database

AUDIT_OBJECT = "GET /clinician (caseload)"


@dataclass(frozen=True, slots=True)
class CaseloadList:
    """One page of the caseload and where it sits among everyone who matched."""

    rows: list[CaseloadRow]
    total: int
    query: CaseloadQuery

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def per_page(self) -> int:
        return self.query.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def caseload_page(
    db: Database,
    actor: Actor,
    query: CaseloadQuery | None = None,
    *,
    now: dt.datetime | None = None,
    audit_as: str = AUDIT_OBJECT,
) -> CaseloadList:
    """The page of ``query`` among the people ``actor`` may read now (one read snapshot;
    then one short write: the audit row). A person whose summary is missing (a store
    from before summaries, not rebuilt) gets it computed first."""
    from nightbridge.services.access import clinics_of, readable_persons
    from nightbridge.services.recovery.safety import region_resources
    from nightbridge.storage.repositories.alerts import AlertRepository
    from nightbridge.storage.repositories.audit import AuditRepository
    from nightbridge.storage.repositories.caseload import CaseloadRepository
    from nightbridge.storage.repositories.summaries import SummaryRepository
    from nightbridge.storage.repositories.tags import TagRepository
    from nightbridge.storage.tables.base import utcnow

    query = query or CaseloadQuery()
    if actor.role != "clinician" or actor.account_id is None:
        return CaseloadList([], 0, query)
    moment = now or dt.datetime.now(dt.UTC)
    with db.reader() as session:
        missing = SummaryRepository(session).missing_for(actor.account_id)
    if missing:
        with db.transaction() as session:
            for person_id in missing:
                SummaryRepository(session).refresh(person_id, moment)
    with db.reader() as session:
        readable = readable_persons(session, actor)
        clinics = clinics_of(actor)
        found = CaseloadRepository(session).page(
            readable, query, now=moment, clinics=clinics, me=actor.account_id
        )
        listed = [s.person_id for s, _ in found.rows]
        tags = TagRepository(session)
        tagged = tags.tags_of(listed, clinics) if clinics is not None else {}
        assigned = tags.assigned_to(listed, clinics) if clinics is not None else {}
        alerts: dict[int, list[Alert]] = defaultdict(list)
        if found.rows:
            first = min(found.today.values()) - dt.timedelta(days=ALERT_LOOKBACK_DAYS)
            last = max(found.today.values())
            for person_id, region, alert in AlertRepository(session).between_for_persons(
                [s.person_id for s, _ in found.rows], first, last
            ):
                today = found.today[person_id]
                if today - dt.timedelta(days=ALERT_LOOKBACK_DAYS) <= alert.date <= today:
                    alerts[person_id].append(with_resources(alert, region_resources(region)))
    shown = "filtered, " if query.filtered else ""
    with db.transaction() as session:
        AuditRepository(session).append(
            at=utcnow(),
            actor_account_id=actor.account_id,
            actor_role=actor.role,
            person_id=None,
            action="read",
            object=audit_as,
            outcome="allowed",
            detail=f"listed {len(found.rows)} of {found.total} people ({shown}page {query.page})",
        )
    rows = []
    for summary, review in found.rows:
        today = found.today[summary.person_id]
        triage = TriageRow(
            person_id=summary.person_id,
            name=summary.name,
            alerts=tuple(sort_alerts(alerts.get(summary.person_id, []))),
            trend=summary.trend_on(today),
            last_entry=summary.last_entry,
            today=today,
        )
        rows.append(
            CaseloadRow(
                triage=triage,
                summary=summary,
                review=review,
                tags=tuple(tagged.get(summary.person_id, ())),
                assigned=", ".join(assigned.get(summary.person_id, ())) or None,
            )
        )
    return CaseloadList(rows, found.total, query)


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A person's review as their page and the API show it."""

    review: Review | None
    state: str

    def to_dict(self) -> dict[str, object]:
        return {
            "review_state": self.state,
            "review": self.review.to_dict() if self.review else None,
        }


def review_person(
    db: Database,
    actor: Actor,
    person_id: int,
    *,
    object: str,
    now: dt.datetime | None = None,
) -> ReviewView:
    """Record that the clinician ``actor`` reviewed the person's alerts: it covers every
    alert recorded so far; one recorded later makes the person unreviewed again.
    Needs read access (``review``: anyone on the team who sees the person); the check,
    its audit row and the review commit together, a refusal's audit row too."""
    from nightbridge.core.errors import NotFound
    from nightbridge.services.access import Forbidden, authorize_and_audit
    from nightbridge.storage.repositories.caseload import CaseloadRepository
    from nightbridge.storage.tables.base import utcnow

    if actor.role != "clinician":
        raise Forbidden("only a clinician reviews a person's alerts")
    at = now or utcnow()
    with db.transaction() as session:
        refusal = authorize_and_audit(session, actor, person_id, "review", object)
        review = None
        if refusal is None:
            review = CaseloadRepository(session).review(person_id, actor.account_id, at)
    if refusal is not None:
        raise refusal
    if review is None:  # pragma: no cover - the check either refuses or allows
        raise NotFound("no such person")
    return review_view(db, person_id)


def review_view(db: Database, person_id: int, *, now: dt.datetime | None = None) -> ReviewView:
    """The person's latest review and their state (call through the permission check)."""
    from nightbridge.core.triage import level_in_force
    from nightbridge.storage.repositories.caseload import CaseloadRepository
    from nightbridge.storage.repositories.summaries import SummaryRepository

    with db.reader() as session:
        review, newest = CaseloadRepository(session).latest(person_id)
        summary = SummaryRepository(session).get(person_id)
    level = None
    if summary is not None:
        from zoneinfo import ZoneInfo

        today = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(summary.tz)).date()
        level = level_in_force(summary.alert_days, today)
    return ReviewView(review, review_state(level, newest, review))
