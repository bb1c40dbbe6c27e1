"""Clinicians' notes: stored in one transaction, listed newest first, bad text refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.accounts.notes import MAX_NOTE_CHARS, add_note, list_notes
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.accounts import AccountRow


def make_person_and_clinician(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        person_id = PersonRepository(session).create(Profile(), display_name="Sam")
        account = AccountRow(username="dr.lee@example.org", password_hash="x", role="clinician")
        session.add(account)
        session.flush()
        return person_id, account.id


def test_it_lists_notes_newest_first_with_their_author(database: Database) -> None:
    person_id, clinician_id = make_person_and_clinician(database)
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        add_note(database, person_id, clinician_id, "  Started taper at 12 g/day.  ")
    with time_machine.travel(dt.datetime(2026, 4, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        add_note(database, person_id, clinician_id, "Sleep better; keep window.")
    notes = list_notes(database, person_id)
    assert [n.body for n in notes] == ["Sleep better; keep window.", "Started taper at 12 g/day."]
    assert {n.author for n in notes} == {"dr.lee@example.org"}
    assert notes[1].created_at == dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("   ", "write something first"),
        ("x" * (MAX_NOTE_CHARS + 1), f"at most {MAX_NOTE_CHARS}"),
        ("bell\x07", "control characters"),
    ],
)
def test_it_refuses_a_bad_note_and_stores_nothing(
    database: Database, body: str, reason: str
) -> None:
    person_id, clinician_id = make_person_and_clinician(database)
    with pytest.raises(InvalidInput) as caught:
        add_note(database, person_id, clinician_id, body)
    assert caught.value.problems[0].field == "body"
    assert reason in caught.value.problems[0].reason
    assert list_notes(database, person_id) == []
