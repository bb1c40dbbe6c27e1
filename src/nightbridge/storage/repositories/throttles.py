"""Login throttles per client and the devices known to each account."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import KnownDeviceRow, LoginThrottleRow


def _insert(session: Session):  # type: ignore[no-untyped-def]
    from nightbridge.storage.upsert import dialect_insert

    return dialect_insert(session.get_bind().dialect.name)


class LoginThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_for_update(self, key: str, now: dt.datetime) -> LoginThrottleRow:
        """The client's row, made if missing, locked and read fresh (PostgreSQL: SELECT ...
        FOR UPDATE after an INSERT ... ON CONFLICT DO NOTHING; SQLite: BEGIN IMMEDIATE
        already holds the write lock)."""
        self.session.execute(
            _insert(self.session)(LoginThrottleRow)
            .values(key=key, failures=0, window_started_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = self.session.scalar(
            select(LoginThrottleRow)
            .where(LoginThrottleRow.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is None:  # pragma: no cover - the INSERT above made it if it was missing
            raise RuntimeError(f"login throttle row {key!r} vanished")
        return row

    def purge(self, now: dt.datetime, window: dt.timedelta) -> None:
        """Forget clients whose window is over and who are not blocked."""
        self.session.execute(
            delete(LoginThrottleRow).where(
                LoginThrottleRow.window_started_at < now - window,
                or_(LoginThrottleRow.blocked_until.is_(None), LoginThrottleRow.blocked_until < now),
            )
        )


class KnownDeviceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def is_known(self, account_id: int, token_hash: str, since: dt.datetime) -> bool:
        return (
            self.session.scalar(
                select(KnownDeviceRow.id).where(
                    KnownDeviceRow.account_id == account_id,
                    KnownDeviceRow.token_hash == token_hash,
                    KnownDeviceRow.last_used_at >= since,
                )
            )
            is not None
        )

    def remember(self, account_id: int, token_hash: str, now: dt.datetime) -> None:
        self.session.execute(
            _insert(self.session)(KnownDeviceRow)
            .values(account_id=account_id, token_hash=token_hash, created_at=now, last_used_at=now)
            .on_conflict_do_update(
                index_elements=["account_id", "token_hash"], set_={"last_used_at": now}
            )
        )

    def forget(self, account_id: int, *, before: dt.datetime | None = None) -> None:
        """Forget the account's devices (all, or those not used since ``before``)."""
        condition = KnownDeviceRow.account_id == account_id
        if before is not None:
            condition = and_(condition, KnownDeviceRow.last_used_at < before)
        self.session.execute(delete(KnownDeviceRow).where(condition))
