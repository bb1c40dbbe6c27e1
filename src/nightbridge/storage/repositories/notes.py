"""Clinicians' notes about a person (read and written through the permission check)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow, ClinicianNoteRow


class NoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, person_id: int, author_id: int | None, body: str, now: dt.datetime) -> int:
        row = ClinicianNoteRow(person_id=person_id, author_id=author_id, body=body, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def for_person(self, person_id: int) -> list[tuple[ClinicianNoteRow, str]]:
        """Newest first, with the author's username."""
        rows = self.session.execute(
            select(ClinicianNoteRow, AccountRow.username)
            .outerjoin(AccountRow, AccountRow.id == ClinicianNoteRow.author_id)
            .where(ClinicianNoteRow.person_id == person_id)
            .order_by(ClinicianNoteRow.id.desc())
        )
        return [(note, name or "") for note, name in rows]
