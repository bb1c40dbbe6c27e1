"""The person's settings on the account page (issue 13 item 7): the time zone and region
in force, (the language has its own section, tests/i18n) and the reminder times, which can be
changed there; other roles see no settings section. Through the real app with the
personas of tests/web/conftest.py."""

from __future__ import annotations

import re

from nightbridge.services.audit import list_person_events
from nightbridge.services.recovery.reminders import reminder_times
from nightbridge.services.sleep.profile import update_profile
from tests.web.conftest import Personas


def _settings(html: str) -> str:
    return html[html.index('id="settings"') : html.index("</section>", html.index('id="settings"'))]


def test_a_person_sees_and_changes_their_settings_on_the_account_page(personas: Personas) -> None:
    a = personas.patient_a
    update_profile(personas.database, a.person_id, tz="Europe/Madrid", region="ES")
    page = _settings(a.client.get("/account").text)
    assert 'data-setting="tz">Europe/Madrid<' in page
    assert 'data-setting="region">ES<' in page
    assert re.search(r'id="f-morning_at"[^>]*value="\d\d:\d\d"', page)
    saved = a.post_form("/program/reminders", {"morning_at": "06:15", "evening_at": "21:45"})
    assert saved.status_code == 303
    assert reminder_times(personas.database, a.person_id) == {
        "morning_at": "06:15",
        "evening_at": "21:45",
    }
    page = _settings(a.client.get("/account").text)
    assert 'value="06:15"' in page and 'value="21:45"' in page
    reads = [
        e
        for e in list_person_events(personas.database, a.person_id)
        if e.object == "GET /account (settings)"
    ]
    assert reads and reads[-1].outcome == "allowed"


def test_a_clinician_and_an_admin_have_no_settings_section(personas: Personas) -> None:
    for persona in (personas.clinician_a, personas.admin):
        html = persona.client.get("/account").text
        assert 'id="settings"' not in html
