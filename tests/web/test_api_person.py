"""The person's JSON API (/api/me/...): same numbers as the pages, refusals name fields."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.sleep.diary import list_entries
from tests.web.conftest import Personas

NIGHT = {
    "date": "2026-03-02",
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": 20,
    "nwak": 1,
    "waso_min": 15,
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": 3,
}


def test_posting_a_diary_entry_returns_the_nights_metrics(personas: Personas) -> None:
    a = personas.patient_a
    response = a.send("POST", "/api/me/diary", json=NIGHT)
    assert response.status_code == 201
    assert response.json() == {
        "date": "2026-03-02",
        "tib_min": 470,
        "tst_min": 415,
        "sol_min": 20,
        "waso_min": 15,
        "nwak": 1,
        "terminal_wake_min": 10,
        "twt_min": 55,
        "se_pct": 88.3,
        "quality": 3,
    }


def test_a_refused_entry_lists_each_field_and_stores_nothing(personas: Personas) -> None:
    a = personas.patient_a
    response = a.send("POST", "/api/me/diary", json={**NIGHT, "quality": 9, "nwak": 0})
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert "quality" in fields
    assert list_entries(personas.database, a.person_id) == []


def test_a_post_without_the_csrf_header_is_refused(personas: Personas) -> None:
    response = personas.patient_a.client.post("/api/me/diary", json=NIGHT)
    assert response.status_code == 403
    assert list_entries(personas.database, personas.patient_a.person_id) == []


def test_a_checkin_with_chest_pain_answers_with_the_emergency_alert(personas: Personas) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        response = personas.patient_a.send(
            "POST", "/api/me/checkins", json={"date": "2026-03-05", "flags": ["chest_pain"]}
        )
    assert response.status_code == 201
    alerts = response.json()["alerts"]
    assert alerts[0]["level"] == "emergency"
    assert any(r["contact"] == "911" for r in alerts[0]["resources"])


def test_today_and_trends_carry_the_same_night(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        a.send("POST", "/api/me/diary", json=NIGHT)
        today = a.client.get("/api/me/today").json()
        trends = a.client.get("/api/me/trends?days=14").json()
    assert today["today"] == "2026-03-02"
    assert today["last_night"]["tst_min"] == 415
    assert [d["key"] for d in today["due"]] == ["checkin"]
    assert today["plan"]["action"] == "collect"
    assert [n["tst_min"] for n in trends["nights"]] == [415]


def test_the_plan_refuses_a_bad_rise_time_naming_the_field(personas: Personas) -> None:
    response = personas.patient_a.client.get("/api/me/plan?rise=7pm")
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "rise"
    ok = personas.patient_a.client.get("/api/me/plan?rise=07:00").json()
    assert ok["window"]["rise"] == "07:00"
    assert ok["stimulus_control"]["instructions"]


def test_the_openapi_document_describes_the_person_api(personas: Personas) -> None:
    paths = personas.anonymous.client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/me/today", "/api/me/diary", "/api/me/checkins", "/api/me/evening"):
        assert path in paths
    assert "DiaryIn" in str(paths["/api/me/diary"])
