"""The toolkit's own content in Spanish (issue 16): a person who reads Spanish gets the
lessons and the relaxation scripts from ``content/es/``, with the sources kept as
published; English readers are unchanged. Through the real app with the personas."""

from __future__ import annotations

from nightbridge.services.recovery.toolkit import lessons, relaxation_exercises
from tests.web.conftest import Personas

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def test_lesson_one_reads_in_spanish_with_its_sources_kept(personas: Personas) -> None:
    a = personas.patient_a
    page = a.client.get("/program/lessons/1", headers=SPANISH)
    assert page.status_code == 200
    assert "<h1>Dormir mientras reduce o deja el consumo</h1>" in page.text
    assert "Nightbridge nunca le dice cuánto kratom" in page.text
    assert "Singh D, Müller CP, Vicknasingam BK" in page.text  # a citation stays as published
    english = a.client.get("/program/lessons/1", headers={"Accept-Language": "en"})
    assert "<h1>Sleep while you cut down or stop</h1>" in english.text


def test_the_spanish_lessons_keep_the_weeks_tools_and_sources_of_the_english() -> None:
    english, spanish = lessons("en"), lessons("es")
    assert [item.week for item in spanish] == [item.week for item in english] == [1, 2, 3, 4, 5, 6]
    for en, es in zip(english, spanish, strict=True):
        assert es.title != en.title
        assert es.unlocks == en.unlocks and es.sources == en.sources
    # the window's floor in the Spanish lesson is the English one (docs/definitions.md)
    assert "nunca menos de 5 horas" in spanish[2].body


def test_the_relaxation_scripts_read_in_spanish_with_the_same_timing() -> None:
    english, spanish = relaxation_exercises("en"), relaxation_exercises("es")
    assert set(spanish) == set(english)
    assert spanish["box_breathing"]["title"] == "Respiración cuadrada"
    for key, doc in english.items():
        steps = doc.get("steps") or doc.get("phases")
        es_steps = spanish[key].get("steps") or spanish[key].get("phases")
        assert [s["seconds"] for s in es_steps] == [s["seconds"] for s in steps]


def test_the_toolkit_pages_read_their_content_in_spanish(personas: Personas) -> None:
    a = personas.patient_a
    supplements = a.client.get("/program/supplements", headers=SPANISH).text
    assert "Melatonina" in supplements and "Nightbridge nunca aconseja una cantidad" in supplements
    assert "Sateia MJ" in supplements  # the sources as published
    relapse = a.client.get("/relapse", headers=SPANISH).text
    assert "Mis detonantes" in relapse and "Lo que voy a hacer" in relapse
    help_now = a.client.get("/help-now", headers=SPANISH).text
    assert "Un tropiezo no es una recaída" in help_now
    assert "Mis detonantes" not in a.client.get("/relapse", headers={"Accept-Language": "en"}).text


def test_the_overdose_steps_of_an_alert_follow_the_language() -> None:
    from nightbridge.services.recovery.safety import overdose_actions

    english, spanish = overdose_actions("en"), overdose_actions("es")
    assert english[0].startswith("Signs of overdose: cannot be woken")
    assert spanish[0].startswith("Señales de sobredosis: no se despierta")
    assert len(spanish) == len(english) and "naloxona" in spanish[2]
