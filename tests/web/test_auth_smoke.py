"""First end-to-end look: every persona logs in through the real pages."""

from __future__ import annotations

from tests.web.conftest import Personas


def test_every_persona_is_logged_in_with_its_role(personas: Personas) -> None:
    for name in ("patient_a", "patient_b", "clinician_a", "clinician_x", "admin"):
        me = personas.by_name[name].client.get("/api/me")
        assert me.status_code == 200
        assert me.json()["role"] == personas.by_name[name].role


def test_anonymous_is_sent_to_login(personas: Personas) -> None:
    response = personas.anonymous.client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount"
