"""The idempotency key on the person's forms and JSON API (web/idempotency.py): what a
phone sends twice is stored once and answered the same; other answers under a used key,
or another account's key, are never mixed up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from nightbridge.services.recovery.intake import list_intake
from nightbridge.services.recovery.relapse import cravings
from nightbridge.services.sleep.diary import list_entries
from tests.web.conftest import Personas
from tests.web.route_table import DIARY_FORM

NOW = dt.datetime(2026, 3, 5, 20, 30, tzinfo=dt.UTC)
KEY = "0c3b8c1e-3f5f-4d8e-8b53-0f6d2a9b7e11"
NIGHT = {**DIARY_FORM, "sol_min": 20, "nwak": 1, "waso_min": 15, "quality": 3}
_FORM_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("page", ["/diary", "/evening", "/checkin", "/relapse"])
def test_each_daily_form_carries_a_new_key_each_time_it_is_shown(
    personas: Personas, page: str
) -> None:
    first = _FORM_KEY.findall(personas.patient_a.client.get(page).text)
    second = _FORM_KEY.findall(personas.patient_a.client.get(page).text)
    assert first and second and set(first).isdisjoint(second)


def test_a_diary_form_sent_twice_is_stored_once_and_both_go_to_the_saved_night(
    personas: Personas,
) -> None:
    a = personas.patient_a
    answers = [a.post_form("/diary", {**DIARY_FORM, "idempotency_key": KEY}) for _ in range(2)]
    assert [r.status_code for r in answers] == [303, 303]
    assert {r.headers["location"] for r in answers} == {"/diary?saved=2026-03-01"}
    assert len(list_entries(personas.database, a.person_id)) == 1


def test_an_evening_log_sent_twice_logs_its_intake_once(personas: Personas) -> None:
    a = personas.patient_a
    form = {"substance": "kratom", "amount": "2", "unit": "g", "time": "09:15"}
    for _ in range(3):
        response = a.post_form("/evening", {**form, "idempotency_key": KEY})
        assert response.status_code == 303
    day = dt.date(2026, 3, 5)
    assert [
        (e.substance, e.amount) for e in list_intake(personas.database, a.person_id, day, day)
    ] == [("kratom", 2.0)]


def test_a_craving_sent_twice_is_logged_once(personas: Personas) -> None:
    a = personas.patient_a
    for _ in range(2):
        a.post_form("/relapse/cravings", {"intensity": "6", "idempotency_key": KEY})
    assert [c.intensity for c in cravings(personas.database, a.person_id)] == [6]


def test_other_answers_under_a_used_key_are_refused_in_plain_words(personas: Personas) -> None:
    a = personas.patient_a
    a.post_form("/diary", {**DIARY_FORM, "idempotency_key": KEY})
    response = a.post_form("/diary", {**DIARY_FORM, "quality": "5", "idempotency_key": KEY})
    assert response.status_code == 422
    assert "already sent with other answers" in response.text
    assert [e.quality for e in list_entries(personas.database, a.person_id)] == [3]


def test_a_refused_form_keeps_no_key_so_the_corrected_one_is_stored(personas: Personas) -> None:
    a = personas.patient_a
    wrong = a.post_form("/diary", {**DIARY_FORM, "nwak": "0", "idempotency_key": KEY})
    assert wrong.status_code == 422
    fixed = a.post_form("/diary", {**DIARY_FORM, "idempotency_key": KEY})
    assert fixed.status_code == 303
    assert len(list_entries(personas.database, a.person_id)) == 1


def test_the_api_answers_a_retry_with_the_first_answer(personas: Personas) -> None:
    a = personas.patient_a
    headers = {"X-CSRF-Token": a.csrf_token, "Idempotency-Key": KEY}
    first = a.client.post(
        "/api/me/evening",
        json={"substance": "kratom", "amount": "2", "unit": "g", "time": "09:15"},
        headers=headers,
    )
    again = a.client.post(
        "/api/me/evening",
        json={"unit": "g", "time": "09:15", "substance": "kratom", "amount": "2"},
        headers=headers,
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    day = dt.date(2026, 3, 5)
    assert len(list_intake(personas.database, a.person_id, day, day)) == 1


def test_the_api_refuses_a_key_reused_for_another_entry(personas: Personas) -> None:
    a = personas.patient_a
    headers = {"X-CSRF-Token": a.csrf_token, "Idempotency-Key": KEY}
    assert a.client.post("/api/me/diary", json=NIGHT, headers=headers).status_code == 201
    other = a.client.post("/api/me/diary", json={**NIGHT, "quality": 5}, headers=headers)
    assert other.status_code == 422
    assert "other answers" in other.json()["detail"]


def test_one_persons_key_is_nothing_to_another(personas: Personas) -> None:
    for persona in (personas.patient_a, personas.patient_b):
        headers = {"X-CSRF-Token": persona.csrf_token, "Idempotency-Key": KEY}
        response = persona.client.post("/api/me/diary", json=NIGHT, headers=headers)
        assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
        assert len(list_entries(personas.database, persona.person_id)) == 1


def test_a_malformed_key_is_refused_and_nothing_is_stored(personas: Personas) -> None:
    a = personas.patient_a
    headers = {"X-CSRF-Token": a.csrf_token, "Idempotency-Key": "no"}
    response = a.client.post("/api/me/diary", json=NIGHT, headers=headers)
    assert response.status_code == 422
    assert list_entries(personas.database, a.person_id) == []


def test_the_openapi_document_names_the_idempotency_key_header(personas: Personas) -> None:
    doc = personas.patient_a.client.get("/api/openapi.json").json()
    params = doc["paths"]["/api/me/diary"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
