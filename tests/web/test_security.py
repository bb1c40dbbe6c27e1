"""Security headers, cookie flags, password hashing cost, and templates that a strict
CSP can serve (no inline script or style, nothing from another origin)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.services.accounts.auth import AuthPolicy
from nightbridge.web.security import CSP
from tests.web.conftest import PASSWORD, Personas, csrf_from, new_client

WEB = Path(__file__).resolve().parents[2] / "src" / "nightbridge" / "web"
MY_TEMPLATES = sorted(p for p in (WEB / "templates").rglob("*.html"))


def test_the_csp_is_the_one_the_design_asks_for() -> None:
    for part in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ):
        assert part in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


def _assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/login", "/help-now", "/no-such-page", "/api/me", "/api/openapi.json"]
)
def test_every_response_carries_the_security_headers(personas: Personas, path: str) -> None:
    for who in (personas.anonymous, personas.patient_a):
        response = who.client.get(path)
        _assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"


def test_errors_redirects_and_refusals_carry_the_security_headers_too(
    personas: Personas,
) -> None:
    """Including the last-resort 500 (sent outside the framework's middleware), the
    413 answered before the app runs, a 404 from the static files and a redirect."""
    from fastapi.testclient import TestClient

    def explode() -> None:
        raise RuntimeError("secret internals")

    personas.app.add_api_route("/boom", explode, methods=["GET"])
    client = TestClient(personas.app, base_url="https://testserver", raise_server_exceptions=False)
    responses = {
        "500": client.get("/boom"),
        "413": client.post("/api/auth/login", content=b"{" + b" " * (2 << 20) + b"}"),
        "static 404": client.get("/static/no-such-file.css"),
        "redirect": personas.anonymous.client.get("/account"),
        "api 401": personas.anonymous.client.get("/api/me"),
    }
    assert {name: r.status_code for name, r in responses.items()} == {
        "500": 500,
        "413": 413,
        "static 404": 404,
        "redirect": 303,
        "api 401": 401,
    }
    for response in responses.values():
        _assert_security_headers(response)


def test_data_pages_and_the_api_are_never_cached(personas: Personas) -> None:
    for path in (
        "/account",
        "/account/activity",
        "/sharing",
        "/api/me",
        f"/api/persons/{personas.patient_a.person_id}",
    ):
        assert personas.patient_a.client.get(path).headers["cache-control"] == "no-store"


def test_static_files_may_be_cached_and_still_carry_the_headers(personas: Personas) -> None:
    response = personas.anonymous.client.get("/static/app.css")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(personas: Personas) -> None:
    client = new_client(personas.app)
    response = client.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-nb_session=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= attributes
    assert not any(a.startswith("domain") for a in attributes)
    page = client.post(
        "/login",
        data={
            "csrf_token": csrf_from(response.text),
            "username": "patient-a",
            "password": PASSWORD,
        },
    )
    assert "httponly" in page.headers["set-cookie"].lower()


def test_production_passwords_use_argon2id_with_at_least_19_mib_t2_p1() -> None:
    policy = AuthPolicy()
    encoded = policy.hasher().hash("a long enough passphrase")
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", encoded)
    assert match, encoded
    memory_kib, time_cost, parallelism = map(int, match.groups())
    assert memory_kib >= 19 * 1024 and time_cost >= 2 and parallelism == 1
    assert PasswordHasher().verify(encoded, "a long enough passphrase")


def test_the_session_table_never_holds_the_cookie_value(personas: Personas) -> None:
    from sqlalchemy import select

    from nightbridge.storage.tables.accounts import WebSessionRow
    from nightbridge.web.sessions import COOKIE_NAME

    cookie = personas.patient_a.client.cookies.get(COOKIE_NAME)
    with personas.database.reader() as session:
        ids = list(session.scalars(select(WebSessionRow.id)))
    assert cookie and cookie not in ids


@pytest.mark.parametrize("template", MY_TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_outside_urls(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert "<style" not in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text), "file from another origin"


#: An SVG file's namespace name: an identifier, never fetched.
SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def test_static_files_load_nothing_from_elsewhere() -> None:
    for path in (WEB / "static").rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".png":  # pictures (the app icons) load nothing
            assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), path.name
            continue
        text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        assert not re.search(r"https?://", text), path.name
        assert "@import" not in text, path.name


def test_every_page_offers_help_now_and_a_skip_link(personas: Personas) -> None:
    for who, path in (
        (personas.anonymous, "/login"),
        (personas.patient_a, "/account"),
        (personas.clinician_a, "/sharing"),
        (personas.admin, "/admin/accounts"),
        (personas.anonymous, "/no-such-page"),
    ):
        text = who.client.get(path).text
        assert '<a class="help-now" href="/help-now">Need help now</a>' in text, path
        assert 'href="#main"' in text and '<main id="main"' in text, path


def test_an_unexpected_error_shows_a_page_without_a_traceback(personas: Personas) -> None:
    from fastapi.testclient import TestClient

    def explode() -> None:
        raise RuntimeError("secret internals")

    personas.app.add_api_route("/boom", explode, methods=["GET"])
    client = TestClient(personas.app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert "Something went wrong" in response.text


def test_hsts_is_sent_when_the_deployment_asks_for_it(sqlite_database) -> None:  # type: ignore[no-untyped-def]
    from nightbridge.web.app import Settings, create_app
    from tests.web.conftest import FAST_AUTH

    plain = new_client(create_app(sqlite_database, settings=Settings(auth=FAST_AUTH)))
    assert "strict-transport-security" not in plain.get("/login").headers
    app = create_app(sqlite_database, settings=Settings(auth=FAST_AUTH, hsts=True))
    header = new_client(app).get("/login").headers["strict-transport-security"]
    assert header == "max-age=31536000; includeSubDomains"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_after_login_we_only_ever_go_to_a_local_path(value: str) -> None:
    """Property: whatever ``next`` says, the redirect stays on this site."""
    from nightbridge.web.forms import safe_next

    target = safe_next(value)
    assert target == "/" or (
        target == value
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(ch) >= 32 for ch in target)
    )


def test_the_error_page_renders_even_when_a_context_hook_fails(personas: Personas) -> None:
    from fastapi.testclient import TestClient

    def broken_hook(request, actor):  # type: ignore[no-untyped-def]
        raise RuntimeError("hook down")

    personas.app.state.context_hooks = [broken_hook]
    client = TestClient(personas.app, base_url="https://testserver", raise_server_exceptions=False)
    client.cookies = personas.patient_a.client.cookies
    response = client.get("/account")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "hook down" not in response.text
