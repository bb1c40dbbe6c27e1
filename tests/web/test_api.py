"""The JSON API: its OpenAPI document, logging in with JSON (and TOTP), error shapes."""

from __future__ import annotations

import datetime as dt

import pyotp
import time_machine

from tests.web.conftest import PASSWORD, Personas, new_client


def test_the_openapi_document_describes_the_api_and_only_the_api(personas: Personas) -> None:
    doc = personas.anonymous.client.get("/api/openapi.json").json()
    assert doc["info"]["title"] == "Nightbridge API"
    paths = set(doc["paths"])
    assert {
        "/api/auth/login",
        "/api/me",
        "/api/persons/{person_id}",
        "/api/invites",
        "/api/invites/redeem",
        "/api/shares/{share_id}",
    } <= paths
    assert all(p.startswith("/api/") for p in paths)
    assert "X-CSRF-Token" in doc["info"]["description"]


def test_a_person_logs_in_with_json_and_uses_the_csrf_token_it_gets(personas: Personas) -> None:
    client = new_client(personas.app)
    login = client.post("/api/auth/login", json={"username": "patient-b", "password": PASSWORD})
    assert login.status_code == 200
    body = login.json()
    assert body["stage"] == "full"
    invite = client.post("/api/invites", headers={"X-CSRF-Token": body["csrf_token"]})
    assert invite.status_code == 201
    assert len(invite.json()["code"]) == 14
    out = client.post("/api/auth/logout", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 204
    assert client.get("/api/me").status_code == 401


def test_a_clinician_needs_the_totp_step_in_the_api_too(personas: Personas) -> None:
    x = personas.clinician_x
    client = new_client(personas.app)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90), tick=False):
        first = client.post("/api/auth/login", json={"username": x.username, "password": PASSWORD})
        assert first.json()["stage"] == "totp"
        assert client.get("/api/me").status_code == 401
        code = pyotp.TOTP(x.totp_secret or "").now()
        second = client.post(
            "/api/auth/totp",
            json={"code": code},
            headers={"X-CSRF-Token": first.json()["csrf_token"]},
        )
        assert second.status_code == 200 and second.json()["stage"] == "full"
        assert second.json()["csrf_token"] != first.json()["csrf_token"]
        assert client.get("/api/me").json()["role"] == "clinician"


def test_anonymous_api_calls_get_401_json(personas: Personas) -> None:
    response = personas.anonymous.client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "log in first"}


def test_bad_input_gets_422_naming_field_and_reason(personas: Personas) -> None:
    response = personas.admin.send(
        "POST", "/api/admin/accounts", json={"username": "x", "password": "short", "role": "wizard"}
    )
    assert response.status_code == 422
    fields = {p["field"]: p["reason"] for p in response.json()["problems"]}
    assert set(fields) == {"username", "password", "role"}
    assert fields["password"] == "needs at least 12 characters"


def test_an_admin_creates_a_person_account_which_makes_a_person(personas: Personas) -> None:
    response = personas.admin.send(
        "POST",
        "/api/admin/accounts",
        json={
            "username": "carla",
            "password": "a long first password",
            "role": "person",
            "display_name": "Carla",
            "tz": "Europe/Dublin",
            "region": "IE",
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert created["role"] == "person" and created["person_id"] is not None
    # the admin still cannot read that person's data
    url = f"/api/persons/{created['person_id']}"
    assert personas.admin.send("GET", url).status_code == 404


def test_an_admin_unlocks_a_locked_account(personas: Personas) -> None:
    client = new_client(personas.app)
    for _ in range(5):
        client.post("/api/auth/login", json={"username": "patient-b", "password": "wrong one!"})
    b_id = personas.patient_b.account_id
    listed = {a["id"]: a for a in personas.admin.send("GET", "/api/admin/accounts").json()}
    assert listed[b_id]["locked_until"] is not None
    response = personas.admin.send("PATCH", f"/api/admin/accounts/{b_id}", json={"unlock": True})
    assert response.json()["locked_until"] is None and response.json()["failed_logins"] == 0
    again = client.post("/api/auth/login", json={"username": "patient-b", "password": PASSWORD})
    assert again.status_code == 200


def test_the_openapi_document_lists_every_path_parameter(personas: Personas) -> None:
    """Issue 12 item 11: three toolkit operations did not list ``person_id``."""
    import re

    doc = personas.anonymous.client.get("/api/openapi.json").json()
    missing = []
    for path, operations in doc["paths"].items():
        wanted = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in operations.items():
            listed = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if wanted - listed:
                missing.append(f"{method.upper()} {path}: {sorted(wanted - listed)}")
    assert missing == []


def test_the_openapi_document_gives_the_real_422_and_how_requests_authenticate(
    personas: Personas,
) -> None:
    """The 422 is the app's problem shape (not the framework's HTTPValidationError,
    which it never sends), and a real 422 has that shape; the session cookie and the
    CSRF header are security schemes, the header on unsafe methods only."""
    a = personas.patient_a
    doc = personas.anonymous.client.get("/api/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert set(doc["components"]["securitySchemes"]) == {"session", "csrf"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            body = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Problems"}, (method, path)
            schemes = {name for need in operation["security"] for name in need}
            if path != "/api/auth/login":
                assert ("csrf" in schemes) == (method != "get"), (method, path)
    refused = a.send("POST", "/api/me/checkins", json={"date": "2026-03-01", "function": 9})
    assert refused.status_code == 422
    assert set(refused.json()) == {"detail", "problems"}
    assert set(refused.json()["problems"][0]) == {"field", "question", "reason", "row"}
