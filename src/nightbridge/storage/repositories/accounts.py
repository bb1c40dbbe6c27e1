"""Accounts: logins with a role (person, clinician, admin)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, username: str, password_hash: str, role: str, person_id: int | None
    ) -> AccountRow:
        row = AccountRow(
            username=username,
            password_hash=password_hash,
            role=role,
            person_id=person_id,
            totp_confirmed=False,
            failed_logins=0,
            disabled=False,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, account_id: int) -> AccountRow | None:
        return self.session.get(AccountRow, account_id)

    def get_for_update(self, account_id: int) -> AccountRow | None:
        """The row, locked against concurrent logins on PostgreSQL (SQLite: BEGIN IMMEDIATE)
        and read FRESH under that lock: a copy already in the session (from an earlier
        read) would otherwise keep its stale failure count, and concurrent guesses would
        each count from the same number (issue 12 item 3)."""
        return self.session.scalar(
            select(AccountRow)
            .where(AccountRow.id == account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def by_username_for_update(self, username: str) -> AccountRow | None:
        """``by_username``, locked and read fresh (see ``get_for_update``)."""
        return self.session.scalar(
            select(AccountRow)
            .where(AccountRow.username == username)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def by_username(self, username: str) -> AccountRow | None:
        return self.session.scalar(select(AccountRow).where(AccountRow.username == username))

    def username_taken(self, username: str) -> bool:
        return self.by_username(username) is not None

    def any(self) -> bool:
        return self.session.scalar(select(AccountRow.id).limit(1)) is not None

    def any_totp_secret(self) -> bool:
        """Whether some account holds a (sealed) TOTP secret."""
        found = select(AccountRow.id).where(AccountRow.totp_secret.is_not(None)).limit(1)
        return self.session.scalar(found) is not None

    def with_totp_secret_for_update(self) -> list[AccountRow]:
        """Every account holding a TOTP secret, locked and read fresh (a key rotation)."""
        return list(
            self.session.scalars(
                select(AccountRow)
                .where(AccountRow.totp_secret.is_not(None))
                .order_by(AccountRow.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )

    def all(self) -> list[AccountRow]:
        return list(self.session.scalars(select(AccountRow).order_by(AccountRow.id)))

    def flush(self) -> None:
        self.session.flush()
