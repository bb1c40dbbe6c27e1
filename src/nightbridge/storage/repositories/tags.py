"""A clinic's tags, the tags on people and the clinician assigned to a person
(``storage.tables.caseload``). Who may do what is decided in ``services.access``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.caseload import ClinicTagRow, PersonAssignmentRow, PersonTagRow
from nightbridge.storage.tables.clinics import ClinicMemberRow


class TagRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- a clinic's tags -----------------------------------------------------------------

    def clinic_tags(self, clinic_ids: Any) -> list[ClinicTagRow]:
        """The tags of the clinics ``clinic_ids`` (ids or a subquery), by name."""
        return list(
            self.session.scalars(
                select(ClinicTagRow)
                .where(ClinicTagRow.clinic_id.in_(clinic_ids))
                .order_by(func.lower(ClinicTagRow.name), ClinicTagRow.id)
            )
        )

    def find(self, clinic_id: int, name: str) -> ClinicTagRow | None:
        return self.session.scalar(
            select(ClinicTagRow).where(
                ClinicTagRow.clinic_id == clinic_id,
                func.lower(ClinicTagRow.name) == name.casefold(),
            )
        )

    def get(self, tag_id: int) -> ClinicTagRow | None:
        return self.session.get(ClinicTagRow, tag_id)

    def add(self, clinic_id: int, name: str, by: int | None, at: dt.datetime) -> ClinicTagRow:
        row = ClinicTagRow(clinic_id=clinic_id, name=name, created_by=by, created_at=at)
        self.session.add(row)
        self.session.flush()
        return row

    def remove(self, tag: ClinicTagRow) -> None:
        self.session.execute(delete(PersonTagRow).where(PersonTagRow.tag_id == tag.id))
        self.session.delete(tag)
        self.session.flush()

    # -- tags on people ------------------------------------------------------------------

    def set_person_tags(
        self,
        person_id: int,
        clinic_id: int,
        tag_ids: Sequence[int],
        by: int | None,
        at: dt.datetime,
    ) -> None:
        """The person's tags of this clinic become ``tag_ids`` (other clinics' stay)."""
        of_clinic = select(ClinicTagRow.id).where(ClinicTagRow.clinic_id == clinic_id)
        self.session.execute(
            delete(PersonTagRow).where(
                PersonTagRow.person_id == person_id, PersonTagRow.tag_id.in_(of_clinic)
            )
        )
        for tag_id in dict.fromkeys(tag_ids):
            self.session.add(
                PersonTagRow(person_id=person_id, tag_id=tag_id, added_by=by, added_at=at)
            )
        self.session.flush()

    def tags_of(self, person_ids: Sequence[int], clinic_ids: Any) -> dict[int, list[str]]:
        """The tags (names) on each of ``person_ids`` from the clinics ``clinic_ids``: one
        statement for a page of the caseload."""
        found: dict[int, list[str]] = defaultdict(list)
        if not person_ids:
            return found
        rows = self.session.execute(
            select(PersonTagRow.person_id, ClinicTagRow.name)
            .join(ClinicTagRow, ClinicTagRow.id == PersonTagRow.tag_id)
            .where(PersonTagRow.person_id.in_(person_ids), ClinicTagRow.clinic_id.in_(clinic_ids))
            .order_by(func.lower(ClinicTagRow.name))
        )
        for person_id, name in rows:
            if name not in found[person_id]:
                found[person_id].append(name)
        return found

    def persons_tagged(self, name: str, clinic_ids: Any) -> Any:
        """A subquery of the persons carrying a tag called ``name`` (case-blind) of one of
        the clinics ``clinic_ids``."""
        return (
            select(PersonTagRow.person_id)
            .join(ClinicTagRow, ClinicTagRow.id == PersonTagRow.tag_id)
            .where(
                ClinicTagRow.clinic_id.in_(clinic_ids),
                func.lower(ClinicTagRow.name) == name.casefold(),
            )
        )

    # -- the assigned clinician ----------------------------------------------------------

    def assign(
        self,
        person_id: int,
        clinic_id: int,
        account_id: int | None,
        by: int | None,
        at: dt.datetime,
    ) -> None:
        """Assign the clinic's clinician ``account_id`` to the person (None: nobody)."""
        self.session.execute(
            delete(PersonAssignmentRow).where(
                PersonAssignmentRow.person_id == person_id,
                PersonAssignmentRow.clinic_id == clinic_id,
            )
        )
        if account_id is not None:
            self.session.add(
                PersonAssignmentRow(
                    person_id=person_id,
                    clinic_id=clinic_id,
                    account_id=account_id,
                    assigned_by=by,
                    assigned_at=at,
                )
            )
        self.session.flush()

    def assigned_to(self, person_ids: Sequence[int], clinic_ids: Any) -> dict[int, list[str]]:
        """The user names assigned to each of ``person_ids`` in the clinics ``clinic_ids``."""
        found: dict[int, list[str]] = defaultdict(list)
        if not person_ids:
            return found
        rows = self.session.execute(
            select(PersonAssignmentRow.person_id, AccountRow.username)
            .join(AccountRow, AccountRow.id == PersonAssignmentRow.account_id)
            .where(
                PersonAssignmentRow.person_id.in_(person_ids),
                PersonAssignmentRow.clinic_id.in_(clinic_ids),
            )
            .order_by(AccountRow.username)
        )
        for person_id, username in rows:
            if username not in found[person_id]:
                found[person_id].append(username)
        return found

    def persons_assigned(self, clinic_ids: Any, account_id: int | None = None) -> Any:
        """A subquery of the persons with an assignment in the clinics ``clinic_ids`` (to
        ``account_id`` when given)."""
        statement = select(PersonAssignmentRow.person_id).where(
            PersonAssignmentRow.clinic_id.in_(clinic_ids)
        )
        if account_id is not None:
            statement = statement.where(PersonAssignmentRow.account_id == account_id)
        return statement

    def members(self, clinic_ids: Any) -> list[tuple[int, str]]:
        """(account id, user name) of the current members of the clinics, by name."""
        return [
            (account_id, username)
            for account_id, username in self.session.execute(
                select(AccountRow.id, AccountRow.username)
                .join(ClinicMemberRow, ClinicMemberRow.account_id == AccountRow.id)
                .where(
                    ClinicMemberRow.clinic_id.in_(clinic_ids), ClinicMemberRow.removed_at.is_(None)
                )
                .distinct()
                .order_by(AccountRow.username)
            )
        ]

    def account_by_username(self, username: str) -> int | None:
        return self.session.scalar(select(AccountRow.id).where(AccountRow.username == username))
