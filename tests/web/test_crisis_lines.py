"""Crisis lines where the person is (definitions.md section 6), on the web and the API.

A yes to "have you had thoughts of ending your life?" shows the region's crisis lines in
the check-in form itself (CSS and JavaScript reveal them at once: tests/e2e/
test_crisis_lines_browser.py), after saving (no JavaScript needed), and even when the
form is refused for another answer. Lines that take texts have an ``sms:`` link.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nightbridge.services.sleep.profile import update_profile
from tests.web.conftest import Personas

DAY = "2026-03-05"
NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)


def main_of(html: str) -> str:
    return html[html.index("<main") :]


def panel_of(html: str) -> str:
    start = html.index('class="crisis-now')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("region", "present", "absent"),
    [
        ("UK", ['href="tel:116123"', 'href="sms:85258?&amp;body=SHOUT"', 'href="tel:999"'], "911"),
        ("NZ", ['href="tel:1737"', 'href="sms:1737"', 'href="sms:4357?&amp;body=HELP"'], "911"),
        ("US", ['href="tel:988"', 'href="sms:988"', 'href="sms:741741?&amp;body=HOME"'], "999"),
    ],
)
def test_the_checkin_form_holds_the_persons_crisis_lines_ready_for_a_yes(
    personas: Personas, region: str, present: list[str], absent: str
) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region=region)
    with time_machine.travel(NOW, tick=False):
        html = main_of(a.client.get("/checkin").text)
    panel = panel_of(html)
    assert panel.startswith('class="crisis-now" id="crisis-now"')  # hidden until a yes
    for link in present:
        assert link in panel, link
    assert absent not in panel


def test_saving_a_yes_shows_call_and_text_links_for_the_region_without_javascript(
    personas: Personas,
) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region="IE")
    with time_machine.travel(NOW, tick=False):
        saved = a.post_form("/checkin", {"date": DAY, "self_harm_thoughts": "yes"})
        assert saved.status_code == 303
        page = a.client.get(saved.headers["location"]).text
    crisis = page[page.index('class="alert alert-crisis"') :]
    crisis = crisis[: crisis.index("</div>")]
    lines = crisis[crisis.index("<ul") :]
    # crisis lines first (Samaritans, Pieta, Text 50808), then the emergency number
    assert lines.index('href="tel:116123"') < lines.index('href="tel:112"')
    assert 'href="tel:1800247247"' in lines and 'href="sms:50808"' in lines
    assert "tel:911" not in page and "tel:999" not in page


def test_a_refused_checkin_with_a_yes_still_shows_the_crisis_lines(personas: Personas) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region="DE")
    with time_machine.travel(NOW, tick=False):
        page = a.post_form("/checkin", {"date": DAY, "self_harm_thoughts": "yes", "phq9_1": "2"})
    assert page.status_code == 422
    panel = panel_of(main_of(page.text))
    assert panel.startswith('class="crisis-now is-shown"')
    assert 'href="tel:08001110111"' in panel and 'href="tel:112"' in panel


def test_the_api_answers_a_yes_with_the_crisis_lines_and_their_links(personas: Personas) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region="AU")
    with time_machine.travel(NOW, tick=False):
        answer = a.send("POST", "/api/me/checkins", json={"date": DAY, "self_harm_thoughts": True})
    assert answer.status_code == 201, answer.text
    (crisis,) = [x for x in answer.json()["alerts"] if x["level"] == "crisis"]
    lifeline = crisis["resources"][0]
    assert (lifeline["contact"], lifeline["tel_href"], lifeline["sms_href"]) == (
        "13 11 14",
        "tel:131114",
        "sms:0477131114",
    )
    assert "000" in [r["contact"] for r in crisis["resources"]]


def test_help_now_offers_text_links_where_a_line_takes_texts(personas: Personas) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region="UK")
    html = main_of(a.client.get("/help-now").text)
    assert 'href="sms:85258?&amp;body=SHOUT"' in html and 'href="tel:116123"' in html
    assert "tel:911" not in html
