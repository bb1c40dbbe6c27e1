"""Audit: every read or write of health data leaves a row, refused ones too; the trail
cannot be changed (a trigger on both engines)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from nightbridge.services.access import Actor
from nightbridge.services.audit import record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.audit import AuditRepository
from nightbridge.storage.tables.accounts import AuditEventRow
from tests.web.conftest import Personas


def rows(personas: Personas, person_id: int | None) -> list[AuditEventRow]:
    with personas.database.reader() as session:
        return list(
            session.scalars(
                select(AuditEventRow)
                .where(
                    AuditEventRow.person_id == person_id,
                    AuditEventRow.action.in_(("read", "write", "manage")),
                )
                .order_by(AuditEventRow.id)
            )
        )


def test_a_clinicians_read_is_recorded_with_who_whose_what_and_outcome(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    assert clinician.send("GET", f"/api/persons/{a.person_id}").status_code == 200
    (row,) = rows(personas, a.person_id)
    assert row.actor_account_id == clinician.account_id
    assert row.actor_role == "clinician"
    assert row.action == "read"
    assert row.object == "GET /api/persons/{person_id}"
    assert row.outcome == "allowed"
    assert row.at.tzinfo is not None


def test_a_refused_look_is_recorded_as_denied(personas: Personas) -> None:
    a = personas.patient_a
    for who in (personas.clinician_x, personas.patient_b, personas.admin):
        assert who.send("GET", f"/api/persons/{a.person_id}").status_code == 404
    found = [(r.actor_account_id, r.outcome) for r in rows(personas, a.person_id)]
    assert found == [
        (personas.clinician_x.account_id, "denied"),
        (personas.patient_b.account_id, "denied"),
        (personas.admin.account_id, "denied"),
    ]


def test_the_person_sees_who_looked_at_their_data(personas: Personas) -> None:
    a = personas.patient_a
    personas.clinician_a.send("GET", f"/api/persons/{a.person_id}")
    personas.clinician_x.send("GET", f"/api/persons/{a.person_id}")
    page = a.client.get("/account/activity").text
    assert "clinician-a" in page and "clinician-x" in page and "denied" in page
    events = a.send("GET", f"/api/persons/{a.person_id}/audit").json()
    assert {(e["actor"], e["outcome"]) for e in events} >= {
        ("clinician-a", "allowed"),
        ("clinician-x", "denied"),
    }


def test_the_repository_offers_no_way_to_change_the_trail() -> None:
    public = {name for name in dir(AuditRepository) if not name.startswith("_")}
    assert public == {"append", "for_person", "count_recent", "latest"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET outcome = 'allowed'",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(
    database: Database, statement: str
) -> None:
    with database.transaction() as session:
        record_event(
            session,
            Actor(1, "clinician"),
            person_id=7,
            action="read",
            object="GET /x",
            outcome="denied",
        )
    with pytest.raises(DatabaseError, match="append-only"), database.transaction() as session:
        session.execute(text(statement))
    with database.reader() as session:
        outcomes = list(session.scalars(select(AuditEventRow.outcome)))
    assert outcomes == ["denied"]


def test_my_own_visits_are_left_out_unless_i_ask(personas: Personas) -> None:
    a = personas.patient_a
    personas.clinician_a.send("GET", f"/api/persons/{a.person_id}")
    a.client.get("/account/activity")  # my own visit is audited too
    others = a.client.get("/account/activity").text
    assert "clinician-a" in others and "<td>you" not in others
    everyone = a.client.get("/account/activity?mine=1").text
    assert "clinician-a" in everyone and "<td>you" in everyone


def test_even_an_invited_clinician_cannot_see_who_looked(personas: Personas) -> None:
    a = personas.patient_a
    response = personas.clinician_a.send("GET", f"/api/persons/{a.person_id}/audit")
    assert response.status_code == 404
    with personas.database.reader() as session:
        row = session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.action == "audit")
            .order_by(AuditEventRow.id.desc())
        ).first()
    assert row is not None
    assert (row.actor_account_id, row.outcome) == (personas.clinician_a.account_id, "denied")
