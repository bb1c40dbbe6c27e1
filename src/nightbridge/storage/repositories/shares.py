"""Invites (one-time codes, stored hashed) and shares (a clinician's or a clinic's access
to a person's data, ``view`` or ``manage``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow, InviteRow, ShareRow
from nightbridge.storage.tables.clinics import ClinicMemberRow, ClinicRow
from nightbridge.storage.tables.persons import PersonRow

_ACCESS_RANK = {1: "view", 2: "manage"}


def current_clinics_of(account_id: int) -> Select[tuple[int]]:
    """The ids of the clinics ``account_id`` is a current member of (a subquery)."""
    return select(ClinicMemberRow.clinic_id).where(
        ClinicMemberRow.account_id == account_id, ClinicMemberRow.removed_at.is_(None)
    )


def shared_with(account_id: int) -> ColumnElement[bool]:
    """Condition on ``ShareRow``: an active share with the account itself, or with a
    clinic it is a current member of (what ``services.access`` counts)."""
    return and_(
        ShareRow.revoked_at.is_(None),
        or_(
            ShareRow.clinician_id == account_id,
            ShareRow.clinic_id.in_(current_clinics_of(account_id)),
        ),
    )


def persons_shared_with(account_id: int) -> Select[tuple[int]]:
    """The ids of the persons who share with ``account_id`` now, directly or through a
    clinic (a subquery for list pages: ``PersonRow.id.in_(persons_shared_with(x))``)."""
    return select(ShareRow.person_id).where(shared_with(account_id))


class ShareRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # invites
    def add_invite(
        self,
        person_id: int,
        code_hash: str,
        *,
        now: dt.datetime,
        expires_at: dt.datetime,
        for_account_id: int | None = None,
        access: str = "manage",
    ) -> InviteRow:
        row = InviteRow(
            person_id=person_id,
            code_hash=code_hash,
            created_at=now,
            expires_at=expires_at,
            for_account_id=for_account_id,
            access=access,
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
    def add_share(
        self, person_id: int, clinician_id: int, now: dt.datetime, access: str = "manage"
    ) -> ShareRow:
        row = ShareRow(
            person_id=person_id, clinician_id=clinician_id, created_at=now, access=access
        )
        self.session.add(row)
        self.session.flush()
        return row

    def add_clinic_share(
        self, person_id: int, clinic_id: int, now: dt.datetime, access: str
    ) -> ShareRow:
        row = ShareRow(person_id=person_id, clinic_id=clinic_id, created_at=now, access=access)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, share_id: int) -> ShareRow | None:
        return self.session.get(ShareRow, share_id)

    def active_share(self, person_id: int, clinician_id: int) -> ShareRow | None:
        """The person's active share with this one clinician (not through a clinic)."""
        return self.session.scalar(
            select(ShareRow).where(
                ShareRow.person_id == person_id,
                ShareRow.clinician_id == clinician_id,
                ShareRow.revoked_at.is_(None),
            )
        )

    def active_clinic_share(self, person_id: int, clinic_id: int) -> ShareRow | None:
        return self.session.scalar(
            select(ShareRow).where(
                ShareRow.person_id == person_id,
                ShareRow.clinic_id == clinic_id,
                ShareRow.revoked_at.is_(None),
            )
        )

    def access_of(self, person_id: int, account_id: int) -> str | None:
        """What ``account_id`` may do with the person's data through active shares:
        ``manage``, ``view`` or ``None``. Counts a share with the account itself and
        shares with every clinic it is a CURRENT member of (one query, read on every
        request by ``services.access``)."""
        rank = self.session.scalar(
            select(func.max(case((ShareRow.access == "manage", 2), else_=1))).where(
                ShareRow.person_id == person_id, shared_with(account_id)
            )
        )
        return _ACCESS_RANK.get(int(rank)) if rank is not None else None

    def shares_of_person(self, person_id: int) -> list[tuple[ShareRow, str]]:
        """Every share of ``person_id`` (active and revoked) with the grantee's name: the
        clinician's username, or the clinic's name for a clinic share."""
        rows = self.session.execute(
            select(ShareRow, AccountRow.username, ClinicRow.name)
            .outerjoin(AccountRow, AccountRow.id == ShareRow.clinician_id)
            .outerjoin(ClinicRow, ClinicRow.id == ShareRow.clinic_id)
            .where(ShareRow.person_id == person_id)
            .order_by(ShareRow.id)
        )
        return [(share, username or clinic or "") for share, username, clinic in rows]

    def persons_of_clinician(self, clinician_id: int) -> list[tuple[ShareRow, str]]:
        """Active shares with ``clinician_id`` or with a clinic it is a current member of,
        with the person's display name (a person shared both ways appears twice)."""
        rows = self.session.execute(
            select(ShareRow, PersonRow.display_name)
            .join(PersonRow, PersonRow.id == ShareRow.person_id)
            .where(shared_with(clinician_id))
            .order_by(PersonRow.display_name, ShareRow.id)
        )
        return [(share, name) for share, name in rows]

    def persons_of_clinic(self, clinic_id: int) -> list[tuple[ShareRow, str]]:
        """Active shares with the clinic, with the person's display name."""
        rows = self.session.execute(
            select(ShareRow, PersonRow.display_name)
            .join(PersonRow, PersonRow.id == ShareRow.person_id)
            .where(ShareRow.clinic_id == clinic_id, ShareRow.revoked_at.is_(None))
            .order_by(PersonRow.display_name, ShareRow.id)
        )
        return [(share, name) for share, name in rows]

    def revoke(self, share: ShareRow, now: dt.datetime) -> None:
        share.revoked_at = now
        self.session.flush()
