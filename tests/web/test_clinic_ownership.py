"""Ownership extended to clinics, through the real pages and the JSON API, on SQLite and
PostgreSQL (issue 14 "Must show"): a clinician outside the clinic, a view-only share
trying to manage, a removed member and a revoked clinic share get 404, or 403 where
the data is visible but not changeable.

The world: clinician A is the clinic admin of "Test Clinic" (tests/web/conftest.py);
patient B shares with it by its code, view only, on the sharing page; clinician X is
outside until they accept the clinic's invite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.web.conftest import FAST_AUTH, Persona, Personas, make_personas


@pytest.fixture
def world(database: Database) -> Iterator[Personas]:
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    personas = make_personas(app, database)
    yield personas
    for persona in personas.by_name.values():
        persona.client.close()


def clinic_code(personas: Personas) -> str:
    clinic_id = personas.clinician_a.extra["clinic_id"]
    page = personas.clinician_a.client.get(f"/clinics/{clinic_id}").text
    found = re.search(r"<code id=\"share-code\">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", page)
    assert found, "the clinic admin's page shows the share code"
    return found.group(1)


def share_with_clinic(person: Persona, code: str, access: str) -> None:
    response = person.post_form("/sharing/clinic", {"share_code": code, "access": access})
    assert response.status_code == 303, response.text


def sees(who: Persona, person_id: int) -> tuple[int, int]:
    """(the clinician's page of the person, the API summary)."""
    return (
        who.client.get(f"/clinician/people/{person_id}").status_code,
        who.send("GET", f"/api/people/{person_id}/summary").status_code,
    )


def manages(who: Persona, person_id: int) -> tuple[int, int]:
    """(the settings form on the page, the settings through the API)."""
    return (
        who.post_form(f"/clinician/people/{person_id}/settings", {"floor_min": "300"}).status_code,
        who.send("PUT", f"/api/people/{person_id}/settings", json={"floor_min": 300}).status_code,
    )


def test_clinic_shares_hold_on_the_pages_and_the_api(world: Personas) -> None:
    a, x, b = world.clinician_a, world.clinician_x, world.patient_b
    assert b.person_id is not None
    clinic_id = a.extra["clinic_id"]
    # before anyone shares: the clinic admin sees nothing of B
    assert sees(a, b.person_id) == (404, 404)
    share_with_clinic(b, clinic_code(world), "view")
    sharing = b.client.get("/sharing").text
    assert "Test Clinic" in sharing and "view only" in sharing
    # a member (the clinic admin) reads; view only: managing is refused but visible (403)
    assert sees(a, b.person_id) == (200, 200)
    assert manages(a, b.person_id) == (403, 403)
    # a clinician outside the clinic: 404 everywhere
    assert sees(x, b.person_id) == (404, 404)
    assert manages(x, b.person_id) == (404, 404)
    assert x.send("GET", f"/api/clinics/{clinic_id}").status_code == 404
    # X joins through the invite bound to their account, and reads B through the clinic
    accepted = x.post_form(f"/clinic-invites/{a.extra['clinic_invite_id']}/accept")
    assert accepted.status_code == 303
    assert sees(x, b.person_id) == (200, 200)
    assert "Ben" in x.client.get("/clinician").text  # the list shows people of the clinic
    assert x.send("POST", f"/api/clinics/{clinic_id}/share-code").status_code == 403
    # the clinic admin removes X: the next request is refused
    members = a.send("GET", f"/api/clinics/{clinic_id}").json()["members"]
    x_member = next(m["id"] for m in members if m["username"] == x.username)
    removed = a.send("DELETE", f"/api/clinics/{clinic_id}/members/{x_member}")
    assert removed.status_code == 204
    assert sees(x, b.person_id) == (404, 404)
    assert x.client.get(f"/clinics/{clinic_id}").status_code == 404
    # B allows managing: the clinic admin may now change settings
    share_with_clinic(b, clinic_code(world), "manage")
    assert manages(a, b.person_id)[1] == 200
    # B stops sharing with the clinic: the admin's next request is a 404
    shares = b.send("GET", "/api/shares").json()
    active = [s for s in shares if s["active"] and s["kind"] == "clinic"]
    assert [(s["name"], s["access"]) for s in active] == [("Test Clinic", "manage")]
    assert b.send("DELETE", f"/api/shares/{active[0]['id']}").status_code == 204
    assert sees(a, b.person_id) == (404, 404)
    assert manages(a, b.person_id) == (404, 404)


def test_a_person_shares_through_the_api_and_a_wrong_code_is_named(world: Personas) -> None:
    b, a = world.patient_b, world.clinician_a
    wrong = b.send(
        "POST", "/api/shares/clinic", json={"share_code": "AAAA-BBBB-CCCC", "access": "view"}
    )
    assert wrong.status_code == 422
    problem = wrong.json()
    assert "Clinic share code" in str(problem)
    made = b.send(
        "POST", "/api/shares/clinic", json={"share_code": clinic_code(world), "access": "view"}
    )
    assert made.status_code == 201, made.text
    assert (made.json()["kind"], made.json()["access"]) == ("clinic", "view")
    listed = a.send("GET", "/api/patients").json()
    assert any(p["person_id"] == b.person_id and p["access"] == "view" for p in listed)
    page = b.post_form("/sharing/clinic", {"share_code": "AAAA-BBBB-CCCC", "access": "view"})
    assert page.status_code == 422 and "no clinic has this code" in page.text
