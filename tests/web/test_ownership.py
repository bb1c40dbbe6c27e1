"""The permission dependency itself, on a throwaway router that uses it exactly as the
pages do: read, write and manage, on a path person or on the actor's own person."""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from nightbridge.web.deps import ManageScope, PersonScope, Scope
from tests.web.conftest import Personas

router = APIRouter()


def _echo(scope: Scope) -> dict[str, object]:
    return {"person_id": scope.person_id, "action": scope.action, "self": scope.is_self}


@router.get("/t/persons/{person_id}/entries")
def read_entries(scope: PersonScope) -> dict[str, object]:
    return _echo(scope)


@router.post("/t/persons/{person_id}/entries")
def write_entry(scope: PersonScope) -> dict[str, object]:
    return _echo(scope)


@router.post("/t/persons/{person_id}/settings")
def change_settings(scope: ManageScope) -> dict[str, object]:
    return _echo(scope)


@router.get("/t/mine")
def my_entries(scope: PersonScope) -> dict[str, object]:
    return _echo(scope)


@pytest.fixture
def app_with_test_routes(personas: Personas) -> Personas:
    personas.app.include_router(router)
    return personas


# persona -> (read A's entries, write A's entry, manage A's settings)
CASES = {
    "patient_a": (200, 200, 200),
    "patient_b": (404, 404, 404),
    "clinician_a": (200, 403, 200),
    "clinician_x": (404, 404, 404),
    "admin": (404, 404, 404),
}


@pytest.mark.parametrize("persona", sorted(CASES))
def test_who_may_read_write_and_manage_patient_as_data(
    app_with_test_routes: Personas, persona: str
) -> None:
    personas = app_with_test_routes
    who, a_id = personas.by_name[persona], personas.patient_a.person_id
    got = (
        who.send("GET", f"/t/persons/{a_id}/entries").status_code,
        who.send("POST", f"/t/persons/{a_id}/entries").status_code,
        who.send("POST", f"/t/persons/{a_id}/settings").status_code,
    )
    assert got == CASES[persona]


def test_a_route_without_a_person_in_its_path_means_the_actors_own(
    app_with_test_routes: Personas,
) -> None:
    personas = app_with_test_routes
    for name in ("patient_a", "patient_b"):
        body = personas.by_name[name].send("GET", "/t/mine").json()
        assert body == {
            "person_id": personas.by_name[name].person_id,
            "action": "read",
            "self": True,
        }
    assert personas.clinician_a.send("GET", "/t/mine").status_code == 404
    assert personas.admin.send("GET", "/t/mine").status_code == 404


def test_anonymous_is_sent_to_login_and_nothing_is_revealed(
    app_with_test_routes: Personas,
) -> None:
    personas = app_with_test_routes
    response = personas.anonymous.client.get(f"/t/persons/{personas.patient_a.person_id}/entries")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_a_person_id_that_is_not_a_number_or_does_not_exist_is_a_404(
    app_with_test_routes: Personas,
) -> None:
    personas = app_with_test_routes
    for bad in ("abc", "999999", "-1"):
        assert personas.patient_a.send("GET", f"/t/persons/{bad}/entries").status_code == 404


def test_a_404_for_someone_elses_data_looks_like_a_404_for_nothing(
    app_with_test_routes: Personas,
) -> None:
    personas = app_with_test_routes
    b = personas.patient_b
    other = b.client.get(f"/t/persons/{personas.patient_a.person_id}/entries")
    missing = b.client.get("/t/persons/999999/entries")
    assert other.status_code == missing.status_code == 404
    assert other.text == missing.text
