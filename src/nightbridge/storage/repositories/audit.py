"""The audit trail: append and read. There is deliberately no update and no delete (and a
database trigger refuses both; migration 0005)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.guard import values_problems
from nightbridge.storage.tables.accounts import AccountRow, AuditEventRow


@cache
def _append_statement() -> Any:
    table = AuditEventRow.__table__
    return insert(table).returning(table.c.id)


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        at: dt.datetime,
        actor_account_id: int | None,
        actor_role: str,
        person_id: int | None,
        action: str,
        object: str,
        outcome: str,
        detail: str = "",
    ) -> int:
        values = {
            "at": at,
            "actor_account_id": actor_account_id,
            "actor_role": actor_role,
            "person_id": person_id,
            "action": action[:32],
            "object": object[:200],
            "outcome": outcome[:16],
            "detail": detail[:200],
        }
        problems = values_problems(AuditEventRow, values)  # as a flush would check
        if problems:
            raise InvalidInput(problems)
        # a Core statement built once (no ORM object and flush: every request appends)
        return int(self.session.execute(_append_statement(), values).scalar_one())

    def for_person(
        self,
        person_id: int,
        *,
        limit: int = 200,
        except_account: int | None = None,
        before: int | None = None,
    ) -> list[tuple[AuditEventRow, str]]:
        """Newest first, with the actor's username ("" when the account is gone);
        ``before``: only events older than that event id (the next page)."""
        query = (
            select(AuditEventRow, AccountRow.username)
            .outerjoin(AccountRow, AccountRow.id == AuditEventRow.actor_account_id)
            .where(AuditEventRow.person_id == person_id)
        )
        if before is not None:
            query = query.where(AuditEventRow.id < before)
        if except_account is not None:
            query = query.where(
                or_(
                    AuditEventRow.actor_account_id.is_(None),
                    AuditEventRow.actor_account_id != except_account,
                )
            )
        rows = self.session.execute(query.order_by(AuditEventRow.id.desc()).limit(limit))
        return [(event, name or "") for event, name in rows]

    def count_recent(
        self, *, actor_account_id: int, action: str, outcome: str, since: dt.datetime
    ) -> int:
        """How many ``action`` events with ``outcome`` this account had since ``since``."""
        return int(
            self.session.scalar(
                select(func.count()).where(
                    AuditEventRow.actor_account_id == actor_account_id,
                    AuditEventRow.action == action,
                    AuditEventRow.outcome == outcome,
                    AuditEventRow.at >= since,
                )
            )
            or 0
        )

    def latest(self, *, limit: int = 200) -> list[AuditEventRow]:
        return list(
            self.session.scalars(
                select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
            )
        )
