"""Clinicians' free-text notes about a person who shared their data with them.

A note is the clinicians' own unless its author shares it with the person (``shared``),
who then reads it on their account page and at ``GET /api/me/notes``; an unshared note is
never shown to the person.

Who may write or read a person's notes is decided once, by the web layer's permission
dependency (``web/deps.py``); these functions take an already-checked ``person_id``.
A note is plain text (shown escaped), 1 to 4000 characters, and is never edited: a
correction is a new note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import AccountRow, ClinicianNoteRow

MAX_NOTE_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    person_id: int
    author: str
    created_at: dt.datetime
    body: str
    shared: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "body": self.body,
            "shared": self.shared,
        }


def clean_body(body: str) -> str:
    """The note's text, stripped; refused when empty or longer than MAX_NOTE_CHARS."""
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput.one("body", "write something first")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput.one(
            "body", f"is {len(text)} characters; at most {MAX_NOTE_CHARS} are allowed"
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInput.one("body", "contains control characters")
    return text


def add_note(
    db: Database, person_id: int, author_id: int | None, body: str, *, shared: bool = False
) -> Note:
    """Store one note (one transaction) and return it; ``shared`` shows it to the person."""
    text = clean_body(body)
    with db.transaction() as session:
        row = ClinicianNoteRow(person_id=person_id, author_id=author_id, body=text, shared=shared)
        session.add(row)
        session.flush()
        author = session.get(AccountRow, author_id) if author_id is not None else None
        return Note(
            row.id, person_id, author.username if author else "", row.created_at, text, shared
        )


def list_notes(
    db: Database, person_id: int, *, limit: int = 100, shared_only: bool = False
) -> list[Note]:
    """The person's notes, newest first; ``shared_only``: only those shared with the person
    (what the person may read)."""
    query = (
        select(ClinicianNoteRow, AccountRow.username)
        .outerjoin(AccountRow, AccountRow.id == ClinicianNoteRow.author_id)
        .where(ClinicianNoteRow.person_id == person_id)
    )
    if shared_only:
        query = query.where(ClinicianNoteRow.shared.is_(True))
    with db.reader() as session:
        rows = session.execute(
            query.order_by(ClinicianNoteRow.created_at.desc(), ClinicianNoteRow.id.desc()).limit(
                limit
            )
        ).all()
        return [
            Note(row.id, row.person_id, username or "", row.created_at, row.body, row.shared)
            for row, username in rows
        ]
