"""The audit trail of health-data access and security events.

Every read or write of a person's data appends one row: who (account and role), whose
data, what action on which object, when, and the outcome (``allowed``, ``denied``,
``forbidden``, or for logins ``ok``/``failed``/``locked``). HIPAA 45 CFR 164.312(b)
"audit controls"; OWASP ASVS 5.0 16.2.1 and 16.3.1 (log what, who, when, outcome) and
16.4.2 (logs cannot be altered: a trigger refuses UPDATE and DELETE).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nightbridge.services.access import Actor
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.audit import AuditRepository
from nightbridge.storage.tables.base import utcnow

#: Events per page of "who looked at my data" (the page and the API alike).
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str  # the actor's username, "" when unknown
    actor_role: str
    action: str
    object: str
    outcome: str
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_role": self.actor_role,
            "action": self.action,
            "object": self.object,
            "outcome": self.outcome,
            "detail": self.detail,
        }


def record_event(
    session: Session,
    actor: Actor,
    *,
    person_id: int | None,
    action: str,
    object: str,
    outcome: str,
    detail: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Append one audit row inside the caller's transaction; returns its id."""
    return AuditRepository(session).append(
        at=now or utcnow(),
        actor_account_id=actor.account_id,
        actor_role=actor.role,
        person_id=person_id,
        action=action,
        object=object,
        outcome=outcome,
        detail=detail,
    )


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of a person's audit trail, newest first; ``older`` is the cursor of the
    next (older) page, None on the last."""

    events: list[AuditEvent]
    older: int | None


def person_events_page(
    database: Database,
    person_id: int,
    *,
    before: int | None = None,
    except_account: int | None = None,
    size: int = PAGE_SIZE,
) -> EventPage:
    """A page of who touched ``person_id``'s data, newest first, reaching back over the
    whole history page by page (``before``: the ``older`` cursor of the page before);
    ``except_account`` leaves out one account's own events (the person's own reads).
    The page ``/account/activity`` and the API ``/api/persons/{id}/audit`` both use it."""
    events = list_person_events(
        database, person_id, limit=size + 1, except_account=except_account, before=before
    )
    if len(events) > size:
        return EventPage(events[:size], events[size - 1].id)
    return EventPage(events, None)


def list_person_events(
    database: Database,
    person_id: int,
    *,
    limit: int = 200,
    except_account: int | None = None,
    before: int | None = None,
) -> list[AuditEvent]:
    """Who touched ``person_id``'s data, newest first (for "who looked at my data");
    ``except_account`` leaves out one account's own events (the person's own reads);
    ``before``: only events older than that event id."""
    with database.reader() as session:
        rows = AuditRepository(session).for_person(
            person_id, limit=limit, except_account=except_account, before=before
        )
    return [
        AuditEvent(
            id=row.id,
            at=row.at,
            actor=name,
            actor_role=row.actor_role,
            action=row.action,
            object=row.object,
            outcome=row.outcome,
            detail=row.detail,
        )
        for row, name in rows
    ]
