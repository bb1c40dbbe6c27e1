"""Migration 0017 (clinics): existing person-to-clinician shares keep working as
``manage`` shares (they had full manage rights); a share names exactly one grantee."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor, authorize
from nightbridge.storage.database import Database
from nightbridge.storage.migrate import upgrade
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.accounts import ShareRow
from nightbridge.storage.tables.base import utcnow

PERSON = (
    "INSERT INTO persons (id, display_name, is_owner, tz, region, conditions, "
    "safety_critical_job, floor_min, raise_at_pct, lower_at_pct, step_min, created_at) "
    "VALUES (1, 'p', 0, 'UTC', 'US', '[]', 0, 300, 90, 85, 15, '2026-01-01 00:00:00')"
)
ACCOUNT = (
    "INSERT INTO accounts (id, username, password_hash, role, totp_confirmed, failed_logins,"
    " disabled, created_at) VALUES (7, 'dr', 'h', 'clinician', 1, 0, 0, '2026-01-01 00:00:00')"
)


def test_an_old_share_becomes_a_manage_share_to_that_clinician(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with db.engine.begin() as conn:
        upgrade(conn, "0016_shared_notes")
        conn.execute(text(PERSON))
        conn.execute(text(ACCOUNT))
        conn.execute(
            text(
                "INSERT INTO shares (person_id, clinician_id, created_at) "
                "VALUES (1, 7, '2026-01-02 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO invites (person_id, code_hash, created_at, expires_at) "
                "VALUES (1, 'x', '2026-01-02 00:00:00', '2026-01-05 00:00:00')"
            )
        )
    db.migrate()
    with db.reader() as session:
        row = session.execute(text("SELECT clinician_id, clinic_id, access FROM shares")).one()
        invite = session.execute(text("SELECT for_account_id, access FROM invites")).one()
        authorize(session, Actor(7, "clinician"), 1, "manage")  # no exception: still manages
    assert tuple(row) == (7, None, "manage")
    assert tuple(invite) == (None, "manage")
    db.dispose()


def test_a_share_names_one_clinician_or_one_clinic_never_both_or_neither(
    database: Database,
) -> None:
    with database.transaction() as session:
        person = PersonRepository(session).create(Profile(), display_name="A")
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(ShareRow(person_id=person, created_at=utcnow(), access="view"))
        session.flush()
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            ShareRow(person_id=person, clinician_id=None, created_at=utcnow(), access="edit")
        )
        session.flush()
