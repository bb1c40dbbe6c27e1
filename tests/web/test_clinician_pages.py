"""The clinician's view: triage order, the person page and its forms, and revocation."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from nightbridge.services.accounts.notes import list_notes
from nightbridge.services.accounts.sharing import create_invite, redeem_invite, revoke_share
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.taper import get_taper
from nightbridge.services.sleep.profile import get_profile
from tests.web.conftest import Personas

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def triage_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a href="/clinician/people/\d+">([^<]+)</a>', html)


def test_triage_orders_people_by_their_most_urgent_alert(
    personas: Personas,
) -> None:
    db, a, b, clinician = (
        personas.database,
        personas.patient_a,
        personas.patient_b,
        personas.clinician_a,
    )
    redeem_invite(db, clinician.actor, create_invite(db, b.actor).code)
    with time_machine.travel(NOW, tick=False):
        quiet = triage_names(clinician.client.get("/clinician").text)
        assert sorted(quiet) == ["Ana", "Ben"]
        record_checkin(db, b.person_id, NOW.date(), self_harm_thoughts=True)
        first = clinician.client.get("/clinician").text
        assert triage_names(first) == ["Ben", "Ana"]
        assert 'class="triage-level level-crisis"' in first
        record_checkin(db, a.person_id, NOW.date(), flags=["chest_pain"])
        second = clinician.client.get("/clinician").text
    assert triage_names(second) == ["Ana", "Ben"]  # emergency outranks crisis
    assert 'class="triage-level level-emergency"' in second


def test_triage_marks_stale_data_and_lists_only_people_who_share(personas: Personas) -> None:
    clinician, other = personas.clinician_a, personas.clinician_x
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, personas.patient_a.person_id, dt.date(2026, 3, 4))
        html = clinician.client.get("/clinician").text
        nobody = other.client.get("/clinician").text
    assert triage_names(html) == ["Ana"]
    assert '<span class="stale">6 days ago</span>' in html
    assert triage_names(nobody) == []
    assert "No one shares their data with you yet" in nobody


def test_the_person_page_shows_charts_alerts_with_evidence_and_notes(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, a.person_id, NOW.date(), phq9=[1, 1, 2, 2, 1, 1, 1, 1, 1])
        saved = clinician.post_form(
            f"/clinician/people/{a.person_id}/notes", {"body": "Talked <b>sleep</b> hygiene."}
        )
        assert saved.status_code == 303
        html = clinician.client.get(f"/clinician/people/{a.person_id}").text
    assert html.count('role="img"') == 7  # 4 in the summary, 3 in the sections
    assert "Talked &lt;b&gt;sleep&lt;/b&gt; hygiene." in html
    assert 'class="triage-level level-crisis"' in html  # PHQ-9 item 9 = 1
    assert '<th scope="row">2026-03-10</th><td>11</td><td>1</td>' in html
    assert [n.author for n in list_notes(personas.database, a.person_id)] == ["clinician-a"]


def test_a_refused_note_keeps_the_text_and_stores_nothing(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    page = clinician.post_form(f"/clinician/people/{a.person_id}/notes", {"body": "   "})
    assert page.status_code == 422
    assert 'id="e-note-body"' in page.text and "write something first" in page.text
    assert list_notes(personas.database, a.person_id) == []


def test_the_clinician_sets_the_window_settings_and_a_bad_pair_is_refused(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    url = f"/clinician/people/{a.person_id}/settings"
    ok = clinician.post_form(
        url, {"floor_min": "330", "raise_at_pct": "90", "lower_at_pct": "80", "step_min": "15"}
    )
    assert ok.status_code == 303
    assert get_profile(personas.database, a.person_id).window.floor_min == 330
    bad = clinician.post_form(url, {"raise_at_pct": "80", "lower_at_pct": "88"})
    assert bad.status_code == 422
    assert 'id="e-settings-lower_at_pct"' in bad.text
    assert 'name="lower_at_pct" type="number" step="any" inputmode="decimal" value="88"' in bad.text
    window = get_profile(personas.database, a.person_id).window
    assert (window.raise_at_pct, window.lower_at_pct) == (90.0, 80.0)


def test_a_taper_step_above_25_percent_needs_the_clinician_override(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    url = f"/clinician/people/{a.person_id}/taper"
    form = {
        "substance": "kratom",
        "start_amount": "12",
        "unit": "g",
        "start": "2026-03-01",
        "step_pct": "30",
        "every_days": "7",
    }
    refused = clinician.post_form(url, form)
    assert refused.status_code == 422
    assert "step_pct" in refused.text and 'value="30"' in refused.text
    assert get_taper(personas.database, a.person_id) is None
    allowed = clinician.post_form(url, {**form, "clinician_override": "yes"})
    assert allowed.status_code == 303
    plan = get_taper(personas.database, a.person_id)
    assert plan is not None and plan.clinician_override and float(plan.steps[1].amount) == 8.4


def test_the_clinician_loses_access_on_the_next_request_after_the_person_revokes(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    assert clinician.client.get(f"/clinician/people/{a.person_id}").status_code == 200
    revoke_share(personas.database, a.actor, a.extra["share_id"])
    assert clinician.client.get(f"/clinician/people/{a.person_id}").status_code == 404
    assert triage_names(clinician.client.get("/clinician").text) == []
    note = clinician.post_form(f"/clinician/people/{a.person_id}/notes", {"body": "late"})
    assert note.status_code == 404
    assert list_notes(personas.database, a.person_id) == []
