"""Server-side web sessions, keyed by the SHA-256 of the cookie value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow, WebSessionRow


@dataclass(frozen=True, slots=True)
class SessionLookup:
    """A session row with its account's columns (``account_*`` None without one)."""

    account_id: int | None
    stage: str
    csrf_token: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    account_exists: bool
    account_role: str | None
    account_person_id: int | None
    account_username: str | None
    account_disabled: bool | None
    account_locale: str | None


@cache
def _lookup_query() -> Any:
    sessions, accounts = WebSessionRow.__table__, AccountRow.__table__
    return (
        select(
            sessions.c.account_id,
            sessions.c.stage,
            sessions.c.csrf_token,
            sessions.c.created_at,
            sessions.c.last_seen_at,
            accounts.c.id.is_not(None),
            accounts.c.role,
            accounts.c.person_id,
            accounts.c.username,
            accounts.c.disabled,
            accounts.c.locale,
        )
        .select_from(sessions.outerjoin(accounts, accounts.c.id == sessions.c.account_id))
        .where(sessions.c.id == bindparam("id"))
    )


class WebSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        session_id: str,
        *,
        account_id: int | None,
        stage: str,
        csrf_token: str,
        now: dt.datetime,
    ) -> WebSessionRow:
        row = WebSessionRow(
            id=session_id,
            account_id=account_id,
            stage=stage,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, session_id: str) -> WebSessionRow | None:
        return self.session.get(WebSessionRow, session_id)

    def lookup(self, session_id: str) -> SessionLookup | None:
        """The session and what every request needs of its account, in one statement
        built once (no ORM objects: this runs on every request)."""
        found = self.session.execute(_lookup_query(), {"id": session_id}).first()
        if found is None:
            return None
        return SessionLookup(*found)

    def touch(self, session_id: str, now: dt.datetime) -> None:
        self.session.execute(
            update(WebSessionRow).where(WebSessionRow.id == session_id).values(last_seen_at=now)
        )

    def delete(self, session_id: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.id == session_id))

    def delete_for_account(self, account_id: int, *, keep: str | None = None) -> None:
        stmt = delete(WebSessionRow).where(WebSessionRow.account_id == account_id)
        if keep is not None:
            stmt = stmt.where(WebSessionRow.id != keep)
        self.session.execute(stmt)

    def purge(self, *, idle_before: dt.datetime, created_before: dt.datetime) -> None:
        """Forget sessions that have expired (idle or absolute)."""
        self.session.execute(
            delete(WebSessionRow).where(
                or_(
                    WebSessionRow.last_seen_at < idle_before,
                    WebSessionRow.created_at < created_before,
                )
            )
        )

    def count_for_account(self, account_id: int) -> int:
        return len(
            list(
                self.session.scalars(
                    select(WebSessionRow.id).where(WebSessionRow.account_id == account_id)
                )
            )
        )
