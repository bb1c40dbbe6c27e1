"""A Spanish-speaking person's pages (issue 16): Today, the diary, the check-in and
"Need help now" in Spanish; a red flag's banner names the region's lines in Spanish
(988's Spanish option, Crisis Text Line's AYUDA) with the same numbers as in English;
the alert is recorded in English whoever reads it. Through the real app."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.accounts.accounts import set_account_locale
from nightbridge.services.recovery.safety import alerts_between
from nightbridge.services.sleep.profile import update_profile
from tests.web.conftest import NIGHT_FORM, Personas, main_of

DAY = "2026-03-05"
NOW = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)


def _spanish(personas: Personas):  # type: ignore[no-untyped-def]
    a = personas.patient_a
    update_profile(personas.database, a.person_id, region="US")
    set_account_locale(personas.database, _actor(personas), "es")
    return a


def _actor(personas: Personas):  # type: ignore[no-untyped-def]
    from nightbridge.services.access import Actor

    a = personas.patient_a
    return Actor(a.account_id, "person", a.person_id)


def test_today_diary_and_checkin_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    with time_machine.travel(NOW, tick=False):
        today = a.client.get("/today").text
        assert '<html lang="es">' in today
        assert "<h1>Hoy" in today and "jueves 5 de marzo" in today
        assert "Diario de la mañana: ¿cómo durmió?" in today
        assert ">Necesito ayuda ahora<" in today and ">Diario<" in today
        diary = main_of(a.client.get("/diary").text)
        assert "Diario de la mañana" in diary and "Minutos para dormirse" in diary
        assert "Guardar mi noche" in diary and "Save my night" not in diary
        saved = a.post_form("/diary", {"date": DAY, **NIGHT_FORM})
        assert saved.status_code in (200, 303)
        night = (
            saved.text if saved.status_code == 200 else a.client.get(saved.headers["location"]).text
        )
        assert "Guardado." in night and "Eficiencia del sueño" in night
        checkin = main_of(a.client.get("/checkin").text)
        assert "Registro diario" in checkin and "Dolor en el pecho" in checkin
        assert "Desde ayer, ¿ha tenido pensamientos de quitarse la vida?" in checkin
        assert "Guardar mi registro" in checkin


def test_a_red_flag_banner_names_the_lines_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    with time_machine.travel(NOW, tick=False):
        saved = a.post_form("/checkin", {"date": DAY, "flag": "chest_pain"})
        assert saved.status_code == 303
        page = a.client.get(saved.headers["location"]).text
    banner = page[page.index('class="alert alert-emergency"') :]
    banner = banner[: banner.index("</div>")]
    assert "Emergencia" in banner
    assert "Usted indicó dolor en el pecho. Llame ahora al 911." in banner
    assert "Llamar a Servicios de emergencia: 911" in banner
    assert "988 Línea de Prevención del Suicidio y Crisis" in banner
    assert "marque 2" in banner and 'href="tel:988"' in banner
    assert 'href="sms:741741?&amp;body=AYUDA"' in banner
    assert "Línea Nacional de Ayuda de SAMHSA: 1-800-662-4357" in banner
    assert "Señales de sobredosis" in banner or "overdose" not in banner.lower()
    # recorded (and emailed, and shown to an English-speaking clinician) in English
    from nightbridge.i18n import use_locale

    with use_locale("en"):
        recorded = alerts_between(
            personas.database, a.person_id, dt.date(2026, 3, 5), dt.date(2026, 3, 5)
        )
    assert recorded[0].message == "You reported chest pain. Call 911 now."


def test_need_help_now_is_in_spanish_signed_in_and_out(personas: Personas, app) -> None:
    from tests.web.conftest import new_client

    a = _spanish(personas)
    page = main_of(a.client.get("/help-now").text)
    assert "<h1>Necesito ayuda ahora</h1>" in page
    assert "llame ahora al número de emergencias" in page
    assert "Llamar a 988 Línea de Prevención del Suicidio y Crisis" in page
    assert "Enviar AYUDA por mensaje a Crisis Text Line" in page
    out = new_client(app).get("/help-now?region=US", headers={"Accept-Language": "es-US"})
    assert "Necesito ayuda ahora" in out.text and "Elija un país" in out.text
    assert "Estados Unidos" in out.text


def test_a_refusal_names_the_question_in_spanish_and_keeps_typed_text_escaped(
    personas: Personas,
) -> None:
    a = _spanish(personas)
    with time_machine.travel(NOW, tick=False):
        refused = a.post_form(
            "/diary", {**NIGHT_FORM, "date": DAY, "sol_min": "<b>20%</b>", "nwak": "100%"}
        )
    assert refused.status_code == 422
    assert "Revise, por favor:" in refused.text
    assert "Minutos para dormirse" in refused.text
    assert "<b>20%</b>" not in refused.text and "&lt;b&gt;20%&lt;/b&gt;" in refused.text
    missing = a.client.get("/no-such-page")
    assert missing.status_code == 404 and "No se encontró" in missing.text


def test_evening_log_plan_and_trends_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    with time_machine.travel(NOW, tick=False):
        pages = {
            path: main_of(a.client.get(path).text)
            for path in ("/evening", "/log", "/plan", "/trends")
        }
    assert (
        "Registro de la noche" in pages["/evening"]
        and "nunca sugiere una cantidad" in pages["/evening"]
    )
    assert "Anotar lo que tomó" in pages["/log"] and "Guardar lo que tomé" in pages["/log"]
    assert "El plan de esta noche" in pages["/plan"]
    assert (
        "Sus tendencias" in pages["/trends"]
        and "Consumo y síntomas de abstinencia" in pages["/trends"]
    )


def test_the_program_and_the_relapse_plan_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    program = main_of(a.client.get("/program").text)
    assert "Su programa de seis semanas" in program and "Sus herramientas" in program
    plan = main_of(a.client.get("/relapse").text)
    assert "Mi plan de prevención de recaídas" in plan and "Guardar mi plan" in plan


def test_the_first_login_safety_questions_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    page = main_of(a.client.get("/profile").text)
    assert "Su perfil de seguridad" in page and "Trastorno bipolar" in page
    assert "Estados Unidos" in page and "Elija una zona horaria" in page


def test_the_toolkit_pages_a_person_uses_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    assert "Guardar las horas" in main_of(a.client.get("/program/reminders").text)
    assert "Su tendencia" in main_of(a.client.get("/relapse/checkin").text)
    assert "Registro de pensamientos" in main_of(a.client.get("/program/thoughts").text)


def test_the_report_page_and_the_persons_own_report_are_in_spanish(personas: Personas) -> None:
    """Through the app: the report is written in the language of whoever asks for it (the
    person's own report in theirs), with the same figures as in English."""
    a = _spanish(personas)
    for day in range(2, 9):
        assert a.post_form("/diary", {**NIGHT_FORM, "date": f"2026-03-0{day}"}).status_code in (
            200,
            303,
        )
    with time_machine.travel(NOW, tick=False):
        page = main_of(a.client.get("/report").text)
        assert "<h1>Su informe</h1>" in page and "Descargar el informe" in page
        query = {"from": "2026-03-02", "to": "2026-03-08", "format": "html", "download": "1"}
        spanish = a.client.get("/report", params=query)
        assert spanish.status_code == 200
        assert "Informe de Nightbridge, del 2 mar 2026 al 8 mar 2026" in spanish.text
        assert "<h2>De un vistazo</h2>" in spanish.text and "7 de 7" in spanish.text
        refused = a.client.get("/report", params={**query, "format": "docx"})
        assert refused.status_code == 400 and "Formato: elija PDF o página web" in refused.text
        chosen = a.client.put(
            "/api/me/language", json={"locale": "en"}, headers={"X-CSRF-Token": a.csrf_token}
        )
        assert chosen.status_code == 200
        english = a.client.get("/report", params=query).text
    assert "<h2>At a glance</h2>" in english and "7 of 7" in english
    mean_tst = "Tiempo total de sueño promedio</th><td>"
    assert (
        spanish.text.split(mean_tst)[1].split("<")[0]
        == english.split("Mean total sleep time</th><td>")[1].split("<")[0]
    )


def test_who_looked_at_my_data_is_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    personas.clinician_a.send("GET", f"/api/persons/{a.person_id}")
    personas.clinician_x.send("GET", f"/api/persons/{a.person_id}")
    page = main_of(a.client.get("/account/activity").text)
    assert "<h1>Quién vio mis datos</h1>" in page
    assert "Cada vez que alguien abre o cambia sus datos" in page
    assert "clinician-a" in page and "clinician-x" in page  # usernames stay as they are
    assert "vio sus datos (a través de la API de la aplicación)" in page
    assert "rechazado" in page and "permitido" in page
    assert "(profesional de salud)" in page
    mine = main_of(a.client.get("/account/activity?mine=1").text)
    assert "vio la lista de quién vio sus datos" in mine and "(persona)" in mine
    for english in ("looked at", "refused", "Who looked at my data", "(clinician)"):
        assert english not in page, english


def test_the_sharing_page_and_an_invite_code_are_in_spanish(personas: Personas) -> None:
    a = _spanish(personas)
    page = main_of(a.client.get("/sharing").text)
    assert "<h1>Quién puede ver mis datos</h1>" in page
    assert "<strong>solo ver</strong>" in page and "Compartir con una clínica" in page
    assert "Solo ver" in page and "Ver y gestionar (ajustes, reducción gradual, notas)" in page
    assert "Crear un código de invitación" in page and "Create an invite code" not in page
    made = a.post_form("/sharing/invites", {"clinician": "", "access": "view"})
    assert made.status_code == 200
    invite = main_of(made.text)
    assert "<h1>Su código de invitación</h1>" in invite
    assert "Dé este código a su profesional de salud" in invite
    assert "Le permite ver sus datos." in invite and "Volver a compartir" in invite
    redeem_code = invite.split("<code>")[1].split("</code>")[0]
    c = personas.clinician_a
    assert c.post_form("/sharing/redeem", {"code": redeem_code}).status_code in (200, 303)
    listed = main_of(a.client.get("/sharing").text)
    assert "solo ver, desde" in listed
    assert "Dejar de compartir con" in listed


def test_the_plans_fixed_sentences_are_in_spanish(personas: Personas) -> None:
    """The sleep window's warnings (drowsy driving) are fixed sentences marked in core and
    shown in the reader's language; the English reasons stay in the JSON."""
    a = _spanish(personas)
    for day in range(2, 9):
        assert a.post_form("/diary", {**NIGHT_FORM, "date": f"2026-03-0{day}"}).status_code in (
            200,
            303,
        )
    with time_machine.travel(dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC), tick=False):
        page = main_of(a.client.get("/plan").text)
    assert "No maneje ni use maquinaria cuando tenga sueño (Kyle et al., Sleep 2014)." in page
    assert "Do not drive" not in page
