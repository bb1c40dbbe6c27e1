"""A clinician's note is the clinicians' own unless they share it; a shared note reaches
the person on their account page and at GET /api/me/notes, an unshared one never does
(issue 14 item 6, issue 13 item 7)."""

from __future__ import annotations

from tests.web.conftest import Personas, main_of

PRIVATE = "Consider asking about the partner drinking at home next visit."
SHARED = "Well done on five diary mornings in a row: keep the rise time at 06:30."


def test_only_a_shared_note_reaches_the_person(personas: Personas) -> None:
    a, lee = personas.patient_a, personas.clinician_a
    url = f"/clinician/people/{a.person_id}/notes"
    assert lee.post_form(url, {"body": PRIVATE}).status_code == 303
    assert lee.post_form(url, {"body": SHARED, "shared": "yes"}).status_code == 303

    account = main_of(a.client.get("/account").text)
    assert "Notes from your clinician" in account
    assert SHARED in account and PRIVATE not in account
    api = a.client.get("/api/me/notes").json()
    assert [(n["body"], n["shared"]) for n in api] == [(SHARED, True)]

    clinician_page = main_of(lee.client.get(f"/clinician/people/{a.person_id}").text)
    assert PRIVATE in clinician_page and SHARED in clinician_page
    assert "clinicians only" in clinician_page and "shared with the person" in clinician_page
    # another person never sees them
    assert SHARED not in personas.patient_b.client.get("/account").text
    assert personas.patient_b.client.get("/api/me/notes").json() == []


def test_the_api_shares_a_note_only_when_asked(personas: Personas) -> None:
    a, lee = personas.patient_a, personas.clinician_a
    url = f"/api/people/{a.person_id}/notes"
    assert lee.send("POST", url, json={"body": PRIVATE}).json()["shared"] is False
    assert lee.send("POST", url, json={"body": SHARED, "shared": True}).json()["shared"] is True
    assert [n["body"] for n in a.client.get("/api/me/notes").json()] == [SHARED]
