"""Interactions surface on the web and the API as on the CLI (docs/safety.md).

``nightbridge intake add`` prints every combination of the day, cautions included; the
web's evening log lists them ("Taken together today", with why and source), urgent ones
raise the alert at the top of every page (the check-in too), and the JSON API returns
them with the evening log.
"""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.web.conftest import Personas

NOW = dt.datetime(2026, 3, 5, 21, 30, tzinfo=dt.UTC)


def together_of(html: str) -> str:
    start = html.index('id="together"')
    return html[start : html.index("</section>", start)]


def log(persona, substance: str, amount: str, unit: str, time: str, **extra: str):  # type: ignore[no-untyped-def]
    form = {"substance": substance, "amount": amount, "unit": unit, "time": time, **extra}
    saved = persona.post_form("/evening", form)
    assert saved.status_code == 303, saved.text
    return saved


def test_kratom_then_melatonin_shows_the_caution_with_its_why_and_source(
    personas: Personas,
) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        log(a, "kratom", "4", "g", "18:00")
        assert 'id="together"' not in a.client.get("/evening").text
        log(a, "melatonin", "3", "mg", "21:00")
        page = a.client.get("/evening").text
    together = together_of(page)
    assert 'data-rule="kratom_melatonin"' in together
    assert "Take care" in together and "drowsiness" in together and "Weak evidence" in together
    assert "Circadin" in together
    assert "alert-urgent" not in page  # a caution, not an alert


def test_kratom_with_quetiapine_is_an_urgent_alert_on_every_page_and_listed_with_the_intake(
    personas: Personas,
) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        log(a, "kratom", "4", "g", "18:00")
        log(a, "quetiapine", "25", "mg", "21:00")
        evening = a.client.get("/evening").text
        checkin = a.client.get("/checkin").text
    assert 'data-rule="opioid_sedating_antipsychotic"' in together_of(evening)
    for page in (evening, checkin):
        top = page[: page.index("<main")]
        urgent = top[top.index('class="alert alert-urgent"') :]
        assert "quetiapine" in urgent[: urgent.index("</div>")]
        assert "naloxone" in urgent  # the overdose steps come with every combination alert


def test_the_api_returns_the_days_combinations_with_the_evening_log(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(NOW, tick=False):
        answer = a.send(
            "POST",
            "/api/me/evening",
            json={
                "substance": "melatonin",
                "amount": "3",
                "unit": "mg",
                "time": "21:00",
                "alcohol_drinks": 2,
                "last_alcohol": "20:00",
            },
        )
    assert answer.status_code == 201, answer.text
    found = {i["rule"]: i for i in answer.json()["interactions"]}
    assert found["melatonin_alcohol"]["severity"] == "caution"
    assert "Circadin" in found["melatonin_alcohol"]["source"]
    assert answer.json()["alerts"] == []


def test_spanish_names_raise_the_same_urgent_alert_as_english_ones(personas: Personas) -> None:
    """Issue 16: "té de kratom" and "cerveza" typed by a Spanish-speaking person are the
    combination "kratom with alcohol", whatever the page's language."""
    a = personas.patient_a
    spanish = {"Accept-Language": "es"}
    with time_machine.travel(NOW, tick=False):
        log(a, "té de kratom", "4", "g", "18:00")
        log(a, "cerveza", "2", "drinks", "20:00")
        evening = a.client.get("/evening", headers=spanish).text
    together = together_of(evening)
    assert 'data-rule="opioid_alcohol"' in together
    assert "El alcohol se suma a la respiración más lenta" in together  # the why, in Spanish
    assert "MMWR 2019;68:326-7" in together  # the source as published
    top = evening[: evening.index("<main")]
    assert 'class="alert alert-urgent"' in top and "naloxona" in top
