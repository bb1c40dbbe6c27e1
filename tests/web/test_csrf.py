"""CSRF: every state change needs the session's token; GET changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from nightbridge.storage.tables.accounts import InviteRow
from tests.web.conftest import Personas, csrf_from, new_client


def invites(personas: Personas) -> int:
    with personas.database.reader() as session:
        return int(session.scalar(select(func.count()).select_from(InviteRow)) or 0)


def test_a_form_without_the_token_is_refused_and_changes_nothing(personas: Personas) -> None:
    response = personas.patient_a.client.post("/sharing/invites", data={})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert invites(personas) == 1  # only A's invite from the fixture


def test_a_wrong_token_is_refused(personas: Personas) -> None:
    response = personas.patient_a.client.post("/sharing/invites", data={"csrf_token": "x" * 43})
    assert response.status_code == 403
    assert invites(personas) == 1  # only A's invite from the fixture


def test_another_sessions_token_is_refused(personas: Personas) -> None:
    stolen = personas.patient_b.csrf_token
    response = personas.patient_a.client.post("/sharing/invites", data={"csrf_token": stolen})
    assert response.status_code == 403
    assert invites(personas) == 1  # only A's invite from the fixture


def test_the_right_token_in_the_form_or_the_header_works(personas: Personas) -> None:
    ana = personas.patient_a
    assert ana.post_form("/sharing/invites").status_code == 200
    assert ana.send("POST", "/api/invites").status_code == 201
    assert invites(personas) == 3  # the fixture's + these two


def test_the_api_refuses_a_post_without_the_header(personas: Personas) -> None:
    response = personas.patient_a.client.post("/api/invites")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("This form has expired")
    assert invites(personas) == 1  # only A's invite from the fixture


def test_the_login_form_has_its_own_token_and_needs_it(personas: Personas) -> None:
    client = new_client(personas.app)
    page = client.get("/login")
    token = csrf_from(page.text)
    forged = client.post(
        "/login", data={"username": "patient-a", "password": "correct horse battery staple"}
    )
    assert forged.status_code == 403
    good = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "patient-a",
            "password": "correct horse battery staple",
        },
    )
    assert good.status_code == 303


def test_the_token_changes_when_the_session_does(personas: Personas) -> None:
    client = new_client(personas.app)
    before = csrf_from(client.get("/login").text)
    client.post(
        "/login",
        data={
            "csrf_token": before,
            "username": "patient-a",
            "password": "correct horse battery staple",
        },
    )
    after = client.get("/api/me").json()["csrf_token"]
    assert before != after
    refused = client.post("/sharing/invites", data={"csrf_token": before})
    assert refused.status_code == 403


def test_json_login_is_the_only_exemption_and_only_as_json(personas: Personas) -> None:
    client = new_client(personas.app)
    as_form = client.post(
        "/api/auth/login",
        data={"username": "patient-a", "password": "correct horse battery staple"},
    )
    assert as_form.status_code in (401, 403)
    as_json = client.post(
        "/api/auth/login",
        json={"username": "patient-a", "password": "correct horse battery staple"},
    )
    assert as_json.status_code == 200 and as_json.json()["stage"] == "full"


def test_every_post_form_in_the_pages_carries_the_token(personas: Personas) -> None:
    import re

    for who, path in (
        (personas.patient_a, "/sharing"),
        (personas.patient_a, "/account"),
        (personas.clinician_a, "/sharing"),
        (personas.admin, "/admin/accounts"),
    ):
        html = who.client.get(path).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
        assert forms, path
        for body in forms:
            assert f'name="csrf_token" value="{who.csrf_token}"' in body, path
