"""Tapers on the web and the API are set by people (issue 10 item 6, hazard H07): no
default pace, the clinician's form starts from the schedule in force, saving it
unchanged stores nothing, a raise of today's target needs a confirmation, and every
change shows in the history on the clinician's and the person's pages."""

from __future__ import annotations

import datetime as dt
import html
import re

from nightbridge.services.recovery.taper import get_taper, set_taper, taper_history
from nightbridge.services.sleep.dashboard import person_today_date
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.web.conftest import FAST_AUTH, Personas, make_personas

PACE = {"substance": "kratom", "unit": "g", "step_pct": "10", "every_days": "7"}


def taper_form(page: str, person_id: int) -> dict[str, str]:
    """The taper form's fields as the browser would send them (prefilled values)."""
    start = page.index(f'action="/clinician/people/{person_id}/taper"')
    form = page[start : page.index("</form>", start)]
    values = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="([a-z_]+)" type="[a-z]+" value="([^"]*)"', form)
    }
    if re.search(r'name="clinician_override" value="yes" checked', form):
        values["clinician_override"] = "yes"
    return values


def started_at_twelve(database: Database, person_id: int) -> dt.date:
    """A taper of 12 g, 10 % a week, begun 5 weeks ago: today's target is 7 g."""
    today = person_today_date(database, person_id)
    start = today - dt.timedelta(days=35)
    set_taper(database, person_id, start_amount="12", start=start, **PACE)  # type: ignore[arg-type]
    plan = get_taper(database, person_id)
    assert plan is not None and str(plan.step_on(today).amount) == "7.0"  # type: ignore[union-attr]
    return start


def test_one_press_of_save_taper_cannot_restart_a_person_at_7_g_back_at_12_g(
    database: Database,
) -> None:
    """On SQLite and PostgreSQL, through the real pages: the form the clinician sees,
    sent as it is, stores nothing; the old prefill (start today) is refused."""
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    personas = make_personas(app, database)
    try:
        a, clinician = personas.patient_a, personas.clinician_a
        start = started_at_twelve(database, a.person_id)
        page = clinician.client.get(f"/clinician/people/{a.person_id}").text
        assert "today&#39;s target 7.0 g" in page or "today's target 7.0 g" in page
        form = taper_form(page, a.person_id)
        assert form["start"] == start.isoformat() and form["start_amount"] == "12"
        assert (form["step_pct"], form["every_days"]) == ("10", "7")

        url = f"/clinician/people/{a.person_id}/taper"
        pressed = clinician.post_form(url, form)
        assert pressed.status_code == 303
        assert pressed.headers["location"].endswith("?saved=taper-unchanged#taper")
        shown = clinician.client.get(pressed.headers["location"]).text
        assert "Nothing changed" in shown
        assert len(taper_history(database, a.person_id)) == 1

        restart = {**form, "start": person_today_date(database, a.person_id).isoformat()}
        refused = clinician.post_form(url, restart)
        assert refused.status_code == 422
        assert "raises the target from 7 g a day" in html.unescape(refused.text)
        assert 'name="confirm_raise"' in refused.text
        plan = get_taper(database, a.person_id)
        assert plan is not None and plan.start == start  # still the schedule in force
        assert len(taper_history(database, a.person_id)) == 1
    finally:
        for persona in personas.by_name.values():
            persona.client.close()


def test_a_confirmed_raise_is_stored_and_shown_in_both_histories(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    db = personas.database
    started_at_twelve(db, a.person_id)
    url = f"/clinician/people/{a.person_id}/taper"
    form = taper_form(clinician.client.get(f"/clinician/people/{a.person_id}").text, a.person_id)
    today = person_today_date(db, a.person_id).isoformat()
    slower = clinician.post_form(
        url, {**form, "start_amount": "7", "start": today, "step_pct": "5"}
    )
    assert slower.status_code == 303 and slower.headers["location"].endswith("?saved=taper#taper")
    up = clinician.post_form(
        url, {**form, "start_amount": "8", "start": today, "confirm_raise": "yes"}
    )
    assert up.status_code == 303
    changes = taper_history(db, a.person_id)
    assert [(c.kind, c.set_by, c.raise_confirmed) for c in changes] == [
        ("set", "clinician", True),
        ("set", "clinician", False),
        ("set", "person", False),
    ]
    assert changes[0].target_before == "7 g" and changes[0].target_after == "8 g"
    page = html.unescape(clinician.client.get(f"/clinician/people/{a.person_id}").text)
    assert "schedule changed by a clinician (clinician-a), a confirmed raise" in page
    assert "From: kratom, 7 g a day from" in page
    mine = html.unescape(a.client.get("/taper").text)
    assert "schedule changed by your clinician (clinician-a)" in mine
    assert "Today's target: <strong>8.0 g</strong>" in mine and "schedule set by you" in mine
    api = a.client.get("/api/me/taper").json()
    assert api["target_today"] == {"amount": 8.0, "unit": "g", "step": 1}
    assert [c["raise_confirmed"] for c in api["history"]] == [True, False, False]
    assert clinician.client.get(f"/api/people/{a.person_id}/taper").json() == api


def test_the_api_refuses_a_raise_without_confirm_raise_and_stores_nothing(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    start = started_at_twelve(personas.database, a.person_id)
    url = f"/api/people/{a.person_id}/taper"
    body = {**PACE, "every_days": 7, "start_amount": "12", "start": start.isoformat()}
    same = clinician.send("PUT", url, json=body)
    assert same.status_code == 200 and same.json()["changed"] is False
    restart = {**body, "start": person_today_date(personas.database, a.person_id).isoformat()}
    refused = clinician.send("PUT", url, json=restart)
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert problem["field"] == "confirm_raise" and "7 g a day" in problem["reason"]
    assert len(taper_history(personas.database, a.person_id)) == 1
    done = clinician.send("PUT", url, json={**restart, "confirm_raise": True})
    assert done.status_code == 200 and done.json()["changed"] is True


def test_the_empty_form_suggests_no_amount_and_no_pace(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    form = taper_form(clinician.client.get(f"/clinician/people/{a.person_id}").text, a.person_id)
    assert {
        k: form[k] for k in ("start_amount", "step_pct", "every_days", "min_step")
    } == dict.fromkeys(("start_amount", "step_pct", "every_days", "min_step"), "")
    refused = clinician.post_form(
        f"/clinician/people/{a.person_id}/taper",
        {**form, "substance": "kratom", "start_amount": "12", "unit": "g"},
    )
    assert refused.status_code == 422
    assert 'id="e-taper-step_pct"' in refused.text and 'id="e-taper-every_days"' in refused.text
    assert "never sets a pace" in refused.text
    assert get_taper(personas.database, a.person_id) is None
    assert "No taper is set" in a.client.get("/taper").text
