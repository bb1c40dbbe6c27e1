"""Server-side web sessions, keyed by the SHA-256 of the cookie value."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow, WebSessionRow


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

    def get_with_account(self, session_id: str) -> tuple[WebSessionRow | None, AccountRow | None]:
        """The session and its account (if any) in one statement."""
        found = self.session.execute(
            select(WebSessionRow, AccountRow)
            .outerjoin(AccountRow, AccountRow.id == WebSessionRow.account_id)
            .where(WebSessionRow.id == session_id)
        ).first()
        if found is None:
            return None, None
        return found[0], found[1]

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
