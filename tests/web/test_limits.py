"""Request bodies above the limit (1 MiB; a setting) get 413 before they are read, on
every route but the streamed device upload (which has its own limit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from nightbridge.web.limits import BodyLimit, describe_limit
from tests.web.conftest import FAST_AUTH, Personas, new_client
from tests.web.route_table import DIARY_FORM

LIMIT = 4096  # bytes: max_body_kib=4


@pytest.fixture
def small_limit_client(sqlite_database: Database) -> TestClient:
    app = create_app(sqlite_database, settings=Settings(auth=FAST_AUTH, max_body_kib=4))
    return new_client(app)


def _chunks(total: int, size: int = 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"a" * piece


def test_the_default_limit_is_one_mebibyte() -> None:
    assert Settings().max_body_bytes == 1024 * 1024
    assert describe_limit(Settings().max_body_bytes) == "1 MiB"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/auth/login", "application/json"),
        ("/login", "application/x-www-form-urlencoded"),
        ("/login", "multipart/form-data; boundary=x"),
    ],
)
def test_a_declared_length_above_the_limit_is_refused_without_running_the_app(
    small_limit_client: TestClient, path: str, content_type: str
) -> None:
    response = small_limit_client.post(
        path, content=b"a" * (LIMIT + 1), headers={"content-type": content_type}
    )
    assert response.status_code == 413
    assert "larger than 4 KiB" in response.text and "Nothing was saved" in response.text
    assert "set-cookie" not in response.headers  # the app (and its session) never ran
    if path.startswith("/api"):
        assert response.json()["detail"].startswith("What was sent is larger")


def test_a_chunked_body_is_counted_as_it_streams(small_limit_client: TestClient) -> None:
    response = small_limit_client.post(
        "/api/auth/login",
        content=_chunks(LIMIT * 4),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers  # sent chunked
    assert response.json()["detail"].startswith("What was sent is larger than 4 KiB")


def test_a_chunked_form_past_the_limit_gets_the_error_page(small_limit_client: TestClient) -> None:
    page = small_limit_client.get("/login")
    response = small_limit_client.post(
        "/login",
        content=_chunks(LIMIT * 2),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 200
    assert response.status_code == 413
    assert "Too large" in response.text and "Nothing was saved" in response.text
    assert "Need help now" in response.text  # the app's own error page


def test_bodies_up_to_the_limit_still_work(personas: Personas) -> None:
    import json

    body = json.dumps({**DIARY_FORM, "date": "2026-03-02"}).encode()
    padded = body[:-1] + b" " * (1024 * 1024 - len(body)) + b"}"  # exactly 1 MiB
    assert len(padded) == 1024 * 1024
    response = personas.patient_a.send(
        "POST", "/api/me/diary", content=padded, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text[:300]


def test_the_limit_holds_for_a_logged_in_person_too(personas: Personas) -> None:
    big = {**DIARY_FORM, "note": "x" * (1024 * 1024 + 10)}
    response = personas.patient_a.send("POST", "/api/me/diary", json=big)
    assert response.status_code == 413
    page = personas.patient_a.post_form("/diary", big)
    assert page.status_code == 413 and "Too large" in page.text


def test_the_streamed_device_upload_keeps_its_own_limit() -> None:
    seen: list[int] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        total = 0
        while True:
            message = await receive()
            total += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        seen.append(total)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    client = TestClient(BodyLimit(app, max_bytes=10, exempt=frozenset({"/imports"})))
    assert client.post("/imports", content=b"z" * 1000).status_code == 204
    assert client.post("/elsewhere", content=b"z" * 1000).status_code == 413
    assert seen == [1000]


def test_a_malformed_length_is_refused(small_limit_client: TestClient) -> None:
    response = small_limit_client.post(
        "/api/auth/login", content=b"{}", headers={"content-length": "-5"}
    )
    assert response.status_code in (400, 413)


def test_the_app_sends_no_telemetry(sqlite_database: Database) -> None:
    app = create_app(sqlite_database, settings=Settings(auth=FAST_AUTH))
    config = app._telemetry  # FastAPI's native OpenTelemetry settings
    assert not config["tracing"] and not config["metrics"] and not config["logs"]
    assert not config["auto_configure"]
    assert not app._native_telemetry.enabled()
