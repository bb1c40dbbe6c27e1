"""Invites (one-time codes, stored hashed) and shares (a clinician's access to a person)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow, InviteRow, ShareRow
from nightbridge.storage.tables.persons import PersonRow


class ShareRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # invites
    def add_invite(
        self, person_id: int, code_hash: str, *, now: dt.datetime, expires_at: dt.datetime
    ) -> InviteRow:
        row = InviteRow(
            person_id=person_id, code_hash=code_hash, created_at=now, expires_at=expires_at
        )
        self.session.add(row)
        self.session.flush()
        return row

    def invite_by_hash(self, code_hash: str) -> InviteRow | None:
        return self.session.scalar(
            select(InviteRow).where(InviteRow.code_hash == code_hash).with_for_update()
        )

    def open_invites(self, person_id: int, now: dt.datetime) -> list[InviteRow]:
        return list(
            self.session.scalars(
                select(InviteRow)
                .where(
                    InviteRow.person_id == person_id,
                    InviteRow.redeemed_at.is_(None),
                    InviteRow.expires_at > now,
                )
                .order_by(InviteRow.id)
            )
        )

    # shares
    def add_share(self, person_id: int, clinician_id: int, now: dt.datetime) -> ShareRow:
        row = ShareRow(person_id=person_id, clinician_id=clinician_id, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, share_id: int) -> ShareRow | None:
        return self.session.get(ShareRow, share_id)

    def active_share(self, person_id: int, clinician_id: int) -> ShareRow | None:
        return self.session.scalar(
            select(ShareRow).where(
                ShareRow.person_id == person_id,
                ShareRow.clinician_id == clinician_id,
                ShareRow.revoked_at.is_(None),
            )
        )

    def shares_of_person(self, person_id: int) -> list[tuple[ShareRow, str]]:
        """Every share of ``person_id`` (active and revoked) with the clinician's username."""
        rows = self.session.execute(
            select(ShareRow, AccountRow.username)
            .join(AccountRow, AccountRow.id == ShareRow.clinician_id)
            .where(ShareRow.person_id == person_id)
            .order_by(ShareRow.id)
        )
        return [(share, name) for share, name in rows]

    def persons_of_clinician(self, clinician_id: int) -> list[tuple[ShareRow, str]]:
        """Active shares to ``clinician_id`` with the person's display name."""
        rows = self.session.execute(
            select(ShareRow, PersonRow.display_name)
            .join(PersonRow, PersonRow.id == ShareRow.person_id)
            .where(ShareRow.clinician_id == clinician_id, ShareRow.revoked_at.is_(None))
            .order_by(PersonRow.display_name, ShareRow.id)
        )
        return [(share, name) for share, name in rows]

    def revoke(self, share: ShareRow, now: dt.datetime) -> None:
        share.revoked_at = now
        self.session.flush()
