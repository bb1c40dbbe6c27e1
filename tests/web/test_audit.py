"""Audit: every read or write of health data leaves a row, refused ones too; the trail
cannot be changed (a trigger on both engines)."""

from __future__ import annotations

import re

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
    assert "clinician-a" in page and "clinician-x" in page and "refused" in page
    assert "looked at your data (through the app&#39;s API)" in page  # words, not routes (H18)
    events = a.send("GET", f"/api/persons/{a.person_id}/audit").json()["events"]
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


def test_the_whole_trail_cannot_be_emptied_at_once(database: Database) -> None:
    """PostgreSQL: TRUNCATE fires no row trigger, so a statement trigger refuses it
    (migration 0012). SQLite has no TRUNCATE; its whole-table DELETE is refused."""
    with database.transaction() as session:
        record_event(
            session,
            Actor(1, "person", 7),
            person_id=7,
            action="read",
            object="GET /x",
            outcome="allowed",
        )
    statement = (
        "TRUNCATE audit_events"
        if database.dialect == "postgresql"
        else ("DELETE FROM audit_events")
    )
    with pytest.raises(DatabaseError, match="append-only"), database.transaction() as session:
        session.execute(text(statement))
    with database.reader() as session:
        assert list(session.scalars(select(AuditEventRow.outcome))) == ["allowed"]


def _audit_rows(database: Database, **where: object) -> list[AuditEventRow]:
    with database.reader() as session:
        query = select(AuditEventRow).order_by(AuditEventRow.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEventRow, name) == value)
        return list(session.scalars(query))


def test_a_clinicians_list_of_people_is_audited_for_each_person_it_names(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    assert "Ana" in clinician.client.get("/sharing").text
    assert [p["person_id"] for p in clinician.send("GET", "/api/patients").json()] == [a.person_id]
    rows = _audit_rows(personas.database, actor_account_id=clinician.account_id, action="read")
    assert [(r.person_id, r.action, r.object, r.outcome) for r in rows] == [
        (a.person_id, "read", "GET /sharing", "allowed"),
        (a.person_id, "read", "GET /api/patients", "allowed"),
    ]
    # and the person sees it in "who looked at my data"
    seen = a.client.get("/account/activity").text
    assert "looked at the list of people who share with them" in seen


def test_the_persons_own_sharing_page_is_audited_too(personas: Personas) -> None:
    a = personas.patient_a
    a.client.get("/sharing")
    a.send("GET", "/api/shares")
    rows = _audit_rows(personas.database, actor_account_id=a.account_id, action="read")
    assert [(r.person_id, r.object) for r in rows][-2:] == [
        (a.person_id, "GET /sharing"),
        (a.person_id, "GET /api/shares"),
    ]


def test_who_looked_reaches_back_over_the_whole_history_page_by_page(
    personas: Personas,
) -> None:
    """More events than a page: the page's "Older entries" links and the API's ``older``
    cursor walk the same pages to the very first event."""
    from nightbridge.services.audit import PAGE_SIZE

    a = personas.patient_a
    with personas.database.transaction() as session:
        for i in range(PAGE_SIZE * 2 + 7):
            record_event(
                session,
                Actor(personas.clinician_a.account_id, "clinician"),
                person_id=a.person_id,
                action="read",
                object=f"GET /visit/{i}",
                outcome="allowed",
            )
    expected = [r.id for r in reversed(_audit_rows(personas.database, person_id=a.person_id))]
    via_api: list[int] = []
    cursor: int | None = None
    while True:
        query = {"mine": "true"} | ({"before": str(cursor)} if cursor else {})
        body = a.send("GET", f"/api/persons/{a.person_id}/audit", params=query).json()
        assert len(body["events"]) <= PAGE_SIZE
        via_api += [e["id"] for e in body["events"]]
        cursor = body["older"]
        if cursor is None:
            break
    via_page: list[str] = []
    url = "/account/activity?mine=1"
    while url:
        page = a.client.get(url).text
        via_page += re.findall(r'data-object="GET /visit/(\d+)"', page)
        found = re.search(r'href="(/account/activity\?before=\d+&amp;mine=1)">Older', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    known = set(expected)  # (the paging's own reads are audited too, as newer rows)
    assert [i for i in via_api if i in known] == expected
    assert len(via_api) == len(set(via_api))  # no event twice across pages
    visits = [int(v) for v in via_page]
    assert visits == list(range(PAGE_SIZE * 2 + 6, -1, -1))  # newest first, every one


def test_an_impossible_page_cursor_is_refused_not_a_500(personas: Personas) -> None:
    a = personas.patient_a
    url = f"/api/persons/{a.person_id}/audit"
    assert a.send("GET", url, params={"before": str(10**20)}).status_code == 422
    assert a.client.get("/account/activity", params={"before": "0"}).status_code == 422
