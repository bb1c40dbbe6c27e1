"""Clinics, their members and the invites clinic admins send (``tables/clinics.py``).

Permission decisions are not made here: ``services/access.py`` calls ``role_of`` and
``ShareRepository.access_of`` on every request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.clinics import ClinicInviteRow, ClinicMemberRow, ClinicRow


class ClinicRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # clinics
    def create(self, name: str, share_code: str, now: dt.datetime) -> ClinicRow:
        row = ClinicRow(name=name, share_code=share_code, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, clinic_id: int) -> ClinicRow | None:
        return self.session.get(ClinicRow, clinic_id)

    def by_share_code(self, share_code: str) -> ClinicRow | None:
        return self.session.scalar(select(ClinicRow).where(ClinicRow.share_code == share_code))

    def code_taken(self, share_code: str) -> bool:
        return self.by_share_code(share_code) is not None

    def all(self) -> list[ClinicRow]:
        return list(self.session.scalars(select(ClinicRow).order_by(ClinicRow.name, ClinicRow.id)))

    def flush(self) -> None:
        self.session.flush()

    # members
    def add_member(
        self, clinic_id: int, account_id: int, role: str, now: dt.datetime
    ) -> ClinicMemberRow:
        row = ClinicMemberRow(clinic_id=clinic_id, account_id=account_id, role=role, added_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def member(self, member_id: int) -> ClinicMemberRow | None:
        return self.session.get(ClinicMemberRow, member_id)

    def current_membership(self, clinic_id: int, account_id: int) -> ClinicMemberRow | None:
        return self.session.scalar(
            select(ClinicMemberRow).where(
                ClinicMemberRow.clinic_id == clinic_id,
                ClinicMemberRow.account_id == account_id,
                ClinicMemberRow.removed_at.is_(None),
            )
        )

    def role_of(self, clinic_id: int, account_id: int) -> str | None:
        """The account's current role in the clinic (``None``: not a current member)."""
        return self.session.scalar(
            select(ClinicMemberRow.role).where(
                ClinicMemberRow.clinic_id == clinic_id,
                ClinicMemberRow.account_id == account_id,
                ClinicMemberRow.removed_at.is_(None),
            )
        )

    def members(self, clinic_id: int) -> list[tuple[ClinicMemberRow, str]]:
        """Current members with their usernames, admins first."""
        rows = self.session.execute(
            select(ClinicMemberRow, AccountRow.username)
            .join(AccountRow, AccountRow.id == ClinicMemberRow.account_id)
            .where(ClinicMemberRow.clinic_id == clinic_id, ClinicMemberRow.removed_at.is_(None))
            .order_by(ClinicMemberRow.role, AccountRow.username)
        )
        return [(m, name) for m, name in rows]

    def count_admins(self, clinic_id: int) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(ClinicMemberRow)
                .where(
                    ClinicMemberRow.clinic_id == clinic_id,
                    ClinicMemberRow.role == "clinic_admin",
                    ClinicMemberRow.removed_at.is_(None),
                )
            )
            or 0
        )

    def clinics_of(self, account_id: int) -> list[tuple[ClinicRow, str]]:
        """The clinics the account is a current member of, with its role in each."""
        rows = self.session.execute(
            select(ClinicRow, ClinicMemberRow.role)
            .join(ClinicMemberRow, ClinicMemberRow.clinic_id == ClinicRow.id)
            .where(ClinicMemberRow.account_id == account_id, ClinicMemberRow.removed_at.is_(None))
            .order_by(ClinicRow.name, ClinicRow.id)
        )
        return [(c, role) for c, role in rows]

    def remove(self, member: ClinicMemberRow, now: dt.datetime) -> None:
        member.removed_at = now
        self.session.flush()

    # invites
    def add_invite(
        self,
        clinic_id: int,
        account_id: int,
        role: str,
        *,
        invited_by: int | None,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> ClinicInviteRow:
        row = ClinicInviteRow(
            clinic_id=clinic_id,
            account_id=account_id,
            role=role,
            invited_by=invited_by,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def invite_for_update(self, invite_id: int) -> ClinicInviteRow | None:
        return self.session.scalar(
            select(ClinicInviteRow).where(ClinicInviteRow.id == invite_id).with_for_update()
        )

    def _open(self, now: dt.datetime):  # type: ignore[no-untyped-def]
        return (
            ClinicInviteRow.accepted_at.is_(None),
            ClinicInviteRow.ended_at.is_(None),
            ClinicInviteRow.expires_at > now,
        )

    def open_invites_of_clinic(
        self, clinic_id: int, now: dt.datetime
    ) -> list[tuple[ClinicInviteRow, str]]:
        rows = self.session.execute(
            select(ClinicInviteRow, AccountRow.username)
            .join(AccountRow, AccountRow.id == ClinicInviteRow.account_id)
            .where(ClinicInviteRow.clinic_id == clinic_id, *self._open(now))
            .order_by(ClinicInviteRow.id)
        )
        return [(i, name) for i, name in rows]

    def open_invites_for(
        self, account_id: int, now: dt.datetime
    ) -> list[tuple[ClinicInviteRow, str]]:
        """Open invites made for ``account_id``, with the clinic's name."""
        rows = self.session.execute(
            select(ClinicInviteRow, ClinicRow.name)
            .join(ClinicRow, ClinicRow.id == ClinicInviteRow.clinic_id)
            .where(ClinicInviteRow.account_id == account_id, *self._open(now))
            .order_by(ClinicInviteRow.id)
        )
        return [(i, name) for i, name in rows]

    def count_open_by_inviter(self, account_id: int, now: dt.datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(ClinicInviteRow)
                .where(ClinicInviteRow.invited_by == account_id, *self._open(now))
            )
            or 0
        )

    def open_invite_to(
        self, clinic_id: int, account_id: int, now: dt.datetime
    ) -> ClinicInviteRow | None:
        return self.session.scalar(
            select(ClinicInviteRow).where(
                ClinicInviteRow.clinic_id == clinic_id,
                ClinicInviteRow.account_id == account_id,
                *self._open(now),
            )
        )
