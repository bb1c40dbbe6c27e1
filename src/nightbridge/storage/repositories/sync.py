"""Idempotency keys (storage/tables/sync.py): claim one, keep its response, look it up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from nightbridge.storage.tables.sync import IdempotencyKeyRow


@dataclass(frozen=True, slots=True)
class StoredKey:
    route: str
    fingerprint: str
    status_code: int | None
    response: str | None


class IdempotencyKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: int, key: str) -> StoredKey | None:
        row = self.session.scalars(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.account_id == account_id, IdempotencyKeyRow.key == key
            )
        ).first()
        if row is None:
            return None
        return StoredKey(row.route, row.fingerprint, row.status_code, row.response)

    def claim(self, account_id: int, key: str, *, route: str, fingerprint: str) -> None:
        """Insert the key (flushed at once: a key already stored raises IntegrityError)."""
        self.session.add(
            IdempotencyKeyRow(account_id=account_id, key=key, route=route, fingerprint=fingerprint)
        )
        self.session.flush()

    def keep_response(self, account_id: int, key: str, status_code: int, response: str) -> None:
        self.session.execute(
            update(IdempotencyKeyRow)
            .where(IdempotencyKeyRow.account_id == account_id, IdempotencyKeyRow.key == key)
            .values(status_code=status_code, response=response)
        )

    def forget_before(self, account_id: int, moment: dt.datetime) -> None:
        """Delete the account's keys stored before ``moment``."""
        self.session.execute(
            delete(IdempotencyKeyRow).where(
                IdempotencyKeyRow.account_id == account_id, IdempotencyKeyRow.created_at < moment
            )
        )
