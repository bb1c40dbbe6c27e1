"""The clinician's JSON API: triage, the person summary, notes, settings and taper."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.sleep.profile import get_profile
from tests.web.conftest import Personas

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_triage_lists_the_sharing_person_with_their_alert(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, a.person_id, NOW.date(), flags=["seizure"])
        rows = personas.clinician_a.client.get("/api/triage").json()
        none = personas.clinician_x.client.get("/api/triage").json()
    assert [r["person_id"] for r in rows] == [a.person_id]
    assert rows[0]["top_level"] == "emergency"
    assert rows[0]["days_since_entry"] == 0
    assert none == []


def test_notes_settings_and_taper_round_trip(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    base = f"/api/people/{a.person_id}"
    note = clinician.send("POST", f"{base}/notes", json={"body": "Window kept."})
    assert note.status_code == 201 and note.json()["author"] == "clinician-a"
    assert [n["body"] for n in clinician.client.get(f"{base}/notes").json()] == ["Window kept."]
    settings = clinician.send("PUT", f"{base}/settings", json={"floor_min": 330})
    assert settings.status_code == 200 and settings.json()["floor_min"] == 330
    assert get_profile(personas.database, a.person_id).window.floor_min == 330
    agreed = {"substance": "kratom", "start_amount": "10", "unit": "g", "start": "2026-03-01"}
    no_pace = clinician.send("PUT", f"{base}/taper", json=agreed)  # there is no default pace
    assert no_pace.status_code == 422
    assert {p["question"] for p in no_pace.json()["problems"]} == {"Step (%)", "Every (days)"}
    taper = clinician.send(
        "PUT", f"{base}/taper", json={**agreed, "step_pct": "10", "every_days": 7}
    )
    assert taper.status_code == 200 and taper.json()["changed"] is True
    steps = taper.json()["steps"]
    assert steps[0] == {"date": "2026-03-01", "amount": 10.0, "unit": "g"}
    assert steps[1] == {"date": "2026-03-08", "amount": 9.0, "unit": "g"}
    assert steps[-1]["amount"] == 0.0


def test_bad_settings_are_refused_naming_the_field(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    response = clinician.send("PUT", f"/api/people/{a.person_id}/settings", json={"floor_min": 20})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "floor_min"
    assert get_profile(personas.database, a.person_id).window.floor_min == 300


def test_the_summary_is_readable_by_the_person_and_the_invited_clinician_only(
    personas: Personas,
) -> None:
    a = personas.patient_a
    url = f"/api/people/{a.person_id}/summary"
    mine = a.client.get(url)
    theirs = personas.clinician_a.client.get(url)
    assert mine.status_code == theirs.status_code == 200
    assert set(theirs.json()) >= {"alerts_now", "alerts_recent", "trends", "taper"}
    assert personas.clinician_x.client.get(url).status_code == 404
    assert personas.patient_b.client.get(url).status_code == 404
