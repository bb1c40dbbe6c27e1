"""TOTP recovery codes and admin-issued password reset codes (hashes only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import RecoveryCodeRow, ResetCodeRow


class RecoveryCodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, account_id: int, hashes: list[str], now: dt.datetime) -> None:
        """The account's set is ``hashes`` from now on (the old set is deleted)."""
        self.delete_for_account(account_id)
        self.session.add_all(
            RecoveryCodeRow(account_id=account_id, code_hash=h, created_at=now) for h in hashes
        )
        self.session.flush()

    def delete_for_account(self, account_id: int) -> None:
        self.session.execute(
            delete(RecoveryCodeRow).where(RecoveryCodeRow.account_id == account_id)
        )

    def unused(self, account_id: int) -> list[RecoveryCodeRow]:
        return list(
            self.session.scalars(
                select(RecoveryCodeRow)
                .where(RecoveryCodeRow.account_id == account_id, RecoveryCodeRow.used_at.is_(None))
                .order_by(RecoveryCodeRow.id)
                .execution_options(populate_existing=True)
            )
        )


class ResetCodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        account_id: int,
        code_hash: str,
        *,
        issued_by: int | None,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> ResetCodeRow:
        row = ResetCodeRow(
            account_id=account_id,
            code_hash=code_hash,
            issued_by=issued_by,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def close_open(self, account_id: int, now: dt.datetime) -> int:
        """End every open code of the account (a new one replaces them); how many."""
        result = self.session.execute(
            update(ResetCodeRow)
            .where(
                ResetCodeRow.account_id == account_id,
                ResetCodeRow.used_at.is_(None),
                ResetCodeRow.expires_at > now,
            )
            .values(expires_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def by_hash_for_update(self, code_hash: str) -> ResetCodeRow | None:
        return self.session.scalar(
            select(ResetCodeRow)
            .where(ResetCodeRow.code_hash == code_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
