"""The sleep window in force on the web: the plan page shows it with this week's advice,
"Use this window" stores the advice, and an invited clinician sets the rise time and
window (definitions.md section 2; Spielman, Saskin & Thorpy, Sleep 1987;10:45-56)."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.audit import list_person_events
from nightbridge.services.sleep.diary import record_entry
from nightbridge.services.sleep.window import current_plan, plan_history, set_plan
from tests.web.conftest import NIGHT_FORM, Personas, main_of

NOW = dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC)
#: lights off 23:10 -> 06:40, 35 min awake: 415 asleep of 470 in bed (SE 88.3 %)
NIGHT = NIGHT_FORM


def ten_nights(personas: Personas, person_id: int) -> None:
    for day in range(2, 12):
        record_entry(personas.database, person_id, {**NIGHT, "date": f"2026-03-{day:02d}"})


def test_the_plan_page_shows_the_stored_window_and_the_weekly_step(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        ten_nights(personas, a.person_id)
        set_plan(
            personas.database,
            a.person_id,
            rise=dt.time(6, 45),
            window_min=405,
            by="person",
            on=dt.date(2026, 3, 5),
        )
        html = main_of(a.client.get("/plan").text)
    assert 'class="plan-times plan-in-force" data-window="405"' in html
    assert "Bed at 00:00 · up at 06:45" in html
    assert "since 2026-03-05 (set by you)" in html
    # A week on it; pooled SE of the last 7 nights 88.3 %: between 85 and 90, keep.
    assert 'data-action="keep"' in html
    assert "Use this window" in html


def test_use_this_window_stores_the_advice_as_the_plan(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        ten_nights(personas, a.person_id)
        assert current_plan(personas.database, a.person_id) is None
        saved = a.post_form("/plan", {"rise": "06:45", "current": ""})
        assert saved.status_code == 303
        assert saved.headers["location"] == "/plan?saved=1"
        page = main_of(a.client.get(saved.headers["location"]).text)
    plan = current_plan(personas.database, a.person_id)
    assert plan is not None
    # 10 nights of 415 min asleep: window floor(415 / 15) * 15 = 405, bedtime 00:00.
    assert (plan.rise, plan.window_min, plan.action, plan.set_by, plan.set_on) == (
        dt.time(6, 45),
        405,
        "start",
        "person",
        NOW.date(),
    )
    assert "<strong>Saved</strong>" in page
    assert 'data-window="405"' in page
    assert "The weekly step is due on 2026-03-19" in page


def test_use_this_window_with_a_bad_rise_time_names_it_and_stores_nothing(
    personas: Personas,
) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        ten_nights(personas, a.person_id)
        page = a.post_form("/plan", {"rise": "7 am"})
    assert page.status_code == 422
    assert 'id="e-rise"' in page.text and "not a clock time" in page.text
    assert plan_history(personas.database, a.person_id) == []


def test_the_invited_clinician_sets_the_window_and_the_person_sees_it(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    with time_machine.travel(NOW, tick=False):
        ten_nights(personas, a.person_id)
        saved = clinician.post_form(
            f"/clinician/people/{a.person_id}/window", {"rise": "06:30", "window_min": "360"}
        )
        assert saved.status_code == 303
        their_page = main_of(clinician.client.get(f"/clinician/people/{a.person_id}").text)
        own_page = main_of(a.client.get("/plan").text)
    plan = current_plan(personas.database, a.person_id)
    assert plan is not None
    assert (plan.rise, plan.window_min, plan.set_by, plan.action) == (
        dt.time(6, 30),
        360,
        "clinician",
        "set",
    )
    assert "In force since 2026-03-12: up at 06:30, 6 h 00 min in bed (bed at 00:30)" in their_page
    assert "Bed at 00:30 · up at 06:30" in own_page and "set by your clinician" in own_page
    writes = [e for e in list_person_events(personas.database, a.person_id) if "window" in e.object]
    assert any(e.outcome == "allowed" and e.actor_role == "clinician" for e in writes)


def test_a_window_below_the_floor_is_refused_on_the_clinicians_form(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    page = clinician.post_form(
        f"/clinician/people/{a.person_id}/window", {"rise": "06:30", "window_min": "200"}
    )
    assert page.status_code == 422
    assert 'id="e-window-window_min"' in page.text
    assert 'value="200"' in page.text  # what was typed is kept
    assert plan_history(personas.database, a.person_id) == []


def test_an_uninvited_clinician_cannot_set_the_window(personas: Personas) -> None:
    a, stranger = personas.patient_a, personas.clinician_x
    refused = stranger.post_form(
        f"/clinician/people/{a.person_id}/window", {"rise": "05:00", "window_min": "300"}
    )
    assert refused.status_code == 404
    assert plan_history(personas.database, a.person_id) == []


def test_mid_week_the_plan_page_offers_no_button_to_restart_the_week(
    personas: Personas,
) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        ten_nights(personas, a.person_id)
        set_plan(
            personas.database,
            a.person_id,
            rise=dt.time(6, 45),
            window_min=405,
            by="person",
            on=dt.date(2026, 3, 10),
        )
        html = main_of(a.client.get("/plan").text)
    assert 'data-action="keep"' in html
    assert "the weekly step is due on 2026-03-17" in html
    assert "Use this window" not in html
