"""Bad values are 4xx, never 500 (issue 12 item 4), on SQLite and PostgreSQL.

Every field of every JSON model and every form of the ownership table is sent, one at a
time, a NUL or another control character, a lone surrogate, integers beyond 64 bits and
beyond PostgreSQL's ``integer``, ``1e308``, ``true`` for a number, and dates of years 1
and 9999. Not one answer may be a server error; the ones the request check refuses are
422 naming the field (and the question as the person saw it). Ids of 2**63 and more in a
path are 404, and an out-of-range person id is audited as other refusals are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import AuditEventRow
from nightbridge.web.app import Settings, create_app
from nightbridge.web.models import ApiModel
from nightbridge.web.registry import iter_routes
from tests.web.conftest import FAST_AUTH, Personas, csrf_from, make_personas
from tests.web.route_table import OK, ROUTES
from tests.web.test_routes_enumerated import fill_path

#: Refused by the request check wherever they are sent (422 naming the field).
ALWAYS_REFUSED: dict[str, Any] = {
    "NUL": "a\x00b",
    "escape": "a\x1b[2Jb",
    "lone surrogate": "a\ud800b",
    "10**20": 10**20,
    "2**63": 2**63,
    "2**31": 2**31,
    "1e308": 1e308,
}
#: Refused where the field's type says so; never a server error anywhere.
TYPED: dict[str, Any] = {
    "true": True,
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "'1e308'": "1e308",
    "'10**20'": str(10**20),
    "'2**31'": str(2**31),
}
FORM_VALUES: dict[str, str] = {
    "NUL": "a\x00b",
    "escape": "a\x1bb",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "1e308": "1e308",
    "10**20": str(10**20),
    "2**31": str(2**31),
}
HUGE_IDS = (str(2**63), str(10**20), str(2**31))
ID_PARAMS = frozenset(
    {"person_id", "share_id", "account_id", "job_id", "week", "clinic_id", "member_id", "invite_id"}
)


@pytest.fixture
def people(database: Database) -> Iterator[Personas]:
    """The personas on this engine (the shared persona store is SQLite only)."""
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    built = make_personas(app, database)
    yield built
    for persona in built.by_name.values():
        persona.client.close()


def _body_models(people: Personas) -> dict[tuple[str, str], type[Any]]:
    """The JSON API's body models (the pages' form fields are checked as forms)."""
    models = {}
    for path, methods, route in iter_routes(people.app):
        if not path.startswith("/api/"):
            continue
        field = getattr(route, "body_field", None)
        model = getattr(getattr(field, "field_info", None), "annotation", None)
        if isinstance(model, type) and hasattr(model, "model_fields"):
            for method in methods:
                models[(method, path)] = model
    return models


def _passing(entry: Any) -> str | None:
    return next((name for name, outcome in entry.expect.items() if outcome == OK), None)


def _named(response: Any, field: str) -> bool:
    problems = response.json().get("problems", [])
    return any(p["field"] == field or p["field"].startswith(field + ".") for p in problems) and all(
        p.get("question") for p in problems
    )


def test_no_bad_value_in_any_json_field_is_a_server_error(people: Personas) -> None:
    failures: list[str] = []
    models = _body_models(people)
    for (method, path), model in sorted(models.items()):
        entry = ROUTES[(method, path)]
        who = _passing(entry)
        if who is None or (who == "anonymous" and path != "/api/auth/login"):
            continue
        persona = people.by_name[who]
        url = fill_path(path, entry, people)
        for field, info in model.model_fields.items():
            numeric = "int" in str(info.annotation) or "float" in str(info.annotation)
            dated = "date" in str(info.annotation)
            for label, value in {**ALWAYS_REFUSED, **TYPED}.items():
                body = {**(entry.json or {}), field: value}
                response = persona.client.request(
                    method,
                    url,
                    content=json.dumps(body).encode(),
                    headers={
                        "X-CSRF-Token": persona.csrf_token,
                        "content-type": "application/json",
                    },
                )
                where = f"{method} {path} {field}={label}: HTTP {response.status_code}"
                if response.status_code >= 500:
                    failures.append(where)
                    continue
                must_refuse = (
                    label in ALWAYS_REFUSED
                    or (label == "true" and numeric and "bool" not in str(info.annotation))
                    or (label.startswith("year") and dated)
                )
                if must_refuse and not (response.status_code == 422 and _named(response, field)):
                    failures.append(f"{where} (expected 422 naming {field}) {response.text[:120]}")
    assert failures == [], "\n".join(failures)


def test_no_bad_value_in_any_form_field_is_a_server_error(people: Personas) -> None:
    failures: list[str] = []
    for (method, path), entry in sorted(ROUTES.items()):
        who = _passing(entry)
        if entry.form is None or who is None or who == "anonymous":
            continue
        persona = people.by_name[who]
        url = fill_path(path, entry, people)
        for field in [*entry.form, "note"]:
            for label, value in FORM_VALUES.items():
                data = {"csrf_token": persona.csrf_token, **entry.form, field: value}
                response = persona.client.request(
                    method,
                    url,
                    content=urlencode(data).encode(),
                    headers={"content-type": "application/x-www-form-urlencoded"},
                )
                where = f"{method} {path} {field}={label}: HTTP {response.status_code}"
                if response.status_code >= 500:
                    failures.append(where)
                elif label in ("NUL", "escape") and response.status_code != 422:
                    failures.append(f"{where} (expected 422)")
                if path == "/login" and response.status_code == 303:
                    # A login that succeeds starts a new session with a new CSRF token.
                    persona.csrf_token = csrf_from(persona.client.get("/account").text)
    assert failures == [], "\n".join(failures)


def test_a_refusal_names_the_question_as_the_person_saw_it(people: Personas) -> None:
    a = people.patient_a
    response = a.send(
        "POST", "/api/me/diary", json={**ROUTES[("POST", "/api/me/diary")].json, "nwak": True}
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "field": "nwak",
            "question": "Times you woke",
            "reason": "should be a number, not true or false",
            "row": None,
        }
    ]
    page = a.post_form("/evening", {"substance": "kratom", "amount": "2", "note": "x\x00y"})
    assert page.status_code == 422
    assert "Note: contains a control character (U+0000)" in page.text
    assert "Nothing was saved" in page.text


def test_ids_beyond_the_stores_integers_are_404_and_audited(people: Personas) -> None:
    failures: list[str] = []
    for (method, path), entry in sorted(ROUTES.items()):
        names = [n for n in re.findall(r"\{([^}:]+)", path) if n in ID_PARAMS]
        who = _passing(entry)
        if not names or who is None or who == "anonymous":
            continue
        persona = people.by_name[who]
        for name in names:
            for huge in HUGE_IDS:
                url = fill_path(path.replace("{" + name + "}", huge), entry, people)
                kwargs: dict[str, Any] = {}
                if entry.form is not None:
                    kwargs["data"] = {"csrf_token": persona.csrf_token, **entry.form}
                if entry.json is not None:
                    kwargs["json"] = entry.json
                response = persona.send(method, url, **kwargs)
                if response.status_code != 404:
                    failures.append(f"{method} {url}: HTTP {response.status_code}")
    assert failures == [], "\n".join(failures)
    with people.database.reader() as session:
        refused = session.scalars(
            select(AuditEventRow).where(AuditEventRow.detail.like("%out of range%"))
        ).all()
    assert refused, "no audit row for an out-of-range person id"
    assert {r.outcome for r in refused} == {"denied"} and {r.person_id for r in refused} == {None}
    assert any(r.actor_role == "clinician" for r in refused)


def test_every_json_input_model_is_held_to_the_request_rules(people: Personas) -> None:
    models = _body_models(people)
    assert models, "no JSON body models found"
    loose = sorted(
        f"{m} {p}: {model.__name__}"
        for (m, p), model in models.items()
        if not issubclass(model, ApiModel)
    )
    assert loose == [], "models that do not derive from web.models.ApiModel"
