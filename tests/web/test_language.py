"""The language of the pages (issue 16): the browser's Accept-Language before login, the
account's own choice after (account page and ``PUT /api/me/language``), ``<html lang>``,
and the chooser before login. Through the real app with the personas."""

from __future__ import annotations

import re

from nightbridge.services.accounts.accounts import get_account
from tests.web.conftest import Personas, new_client

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_login_page_answers_in_spanish_to_a_spanish_browser(app) -> None:
    client = new_client(app)
    page = client.get("/login", headers=SPANISH)
    assert page.status_code == 200
    assert _lang(page.text) == "es"
    assert "<h1>Iniciar sesión</h1>" in page.text
    assert "Nombre de usuario" in page.text and "Contraseña" in page.text
    assert "Necesito ayuda ahora" in page.text
    english = new_client(app).get("/login", headers={"Accept-Language": "en-US"})
    assert _lang(english.text) == "en" and "<h1>Log in</h1>" in english.text
    unknown = new_client(app).get("/login", headers={"Accept-Language": "de"})
    assert "<h1>Log in</h1>" in unknown.text


def test_the_chooser_before_login_keeps_the_language_in_this_browser(app) -> None:
    client = new_client(app)
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    chosen = client.post("/language", data={"csrf_token": csrf, "locale": "es", "next": "/login"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/login"
    assert "Iniciar sesión" in client.get("/login").text  # no Accept-Language needed
    refused = client.post("/language", data={"csrf_token": csrf, "locale": "klingon"})
    assert refused.status_code == 422
    assert "Iniciar sesión" in client.get("/login").text  # unchanged
    away = client.post(
        "/language", data={"csrf_token": csrf, "locale": "en", "next": "https://evil.example/"}
    )
    assert away.headers["location"] == "/"  # no open redirect
    assert "<h1>Log in</h1>" in client.get("/login").text


def test_a_person_chooses_spanish_on_the_account_page(personas: Personas) -> None:
    a = personas.patient_a
    assert _lang(a.client.get("/account").text) == "en"
    saved = a.post_form("/account/language", {"locale": "es"})
    assert saved.status_code == 303
    assert get_account(personas.database, a.account_id).locale == "es"
    page = a.client.get("/account", headers={"Accept-Language": "en"})
    assert _lang(page.text) == "es"  # the account's choice beats the browser's
    assert "<h1>Su cuenta</h1>" in page.text and "Cambiar la contraseña" in page.text
    assert 'value="es" lang="es" selected' in page.text
    back = a.post_form("/account/language", {"locale": ""})
    assert back.status_code == 303
    assert get_account(personas.database, a.account_id).locale is None
    assert _lang(a.client.get("/account", headers={"Accept-Language": "en"}).text) == "en"
    assert _lang(a.client.get("/account", headers=SPANISH).text) == "es"


def test_a_language_not_offered_is_refused_naming_the_question(personas: Personas) -> None:
    a = personas.patient_a
    refused = a.post_form("/account/language", {"locale": "fr"})
    assert refused.status_code == 422
    assert "Language" in refused.text and "is not a language Nightbridge offers" in refused.text
    assert get_account(personas.database, a.account_id).locale is None


def test_the_api_reads_and_sets_the_account_language(personas: Personas) -> None:
    c = personas.clinician_a
    headers = {"X-CSRF-Token": c.csrf_token}
    got = c.client.get("/api/me/language")
    assert got.status_code == 200
    assert got.json() == {
        "locale": None,
        "in_use": "en",
        "offered": {"en": "English", "es": "Español"},
    }
    put = c.client.put("/api/me/language", json={"locale": "es"}, headers=headers)
    assert put.status_code == 200 and put.json()["locale"] == "es"
    assert put.json()["in_use"] == "es"
    assert get_account(personas.database, c.account_id).locale == "es"
    bad = c.client.put("/api/me/language", json={"locale": "xx"}, headers=headers)
    assert bad.status_code == 422
    problem = bad.json()["problems"][0]
    assert problem["field"] == "locale" and problem["question"] == "Language"
    assert get_account(personas.database, c.account_id).locale == "es"
    assert personas.anonymous.client.get("/api/me/language").status_code == 401


def test_the_api_language_is_in_the_openapi_document(personas: Personas) -> None:
    doc = personas.patient_a.client.get("/api/openapi.json").json()
    assert {"get", "put"} <= set(doc["paths"]["/api/me/language"])
