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


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: dt.datetime
    actor: str  # the actor's username, "" when unknown
    actor_role: str
    action: str
    object: str
    outcome: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
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


def list_person_events(
    database: Database,
    person_id: int,
    *,
    limit: int = 200,
    except_account: int | None = None,
) -> list[AuditEvent]:
    """Who touched ``person_id``'s data, newest first (for "who looked at my data");
    ``except_account`` leaves out one account's own events (the person's own reads)."""
    with database.reader() as session:
        rows = AuditRepository(session).for_person(
            person_id, limit=limit, except_account=except_account
        )
    return [
        AuditEvent(
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
