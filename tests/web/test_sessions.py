"""Server-side sessions: idle and absolute timeouts, logout, password change."""

from __future__ import annotations

import datetime as dt

import time_machine
from fastapi import FastAPI
from sqlalchemy import func, select

from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import WebSessionRow
from nightbridge.web.sessions import COOKIE_NAME
from tests.web.conftest import PASSWORD, Personas, csrf_from, login, new_client
from tests.web.test_auth import add_account

START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def sessions_of(database: Database, account_id: int) -> int:
    with database.reader() as session:
        return int(
            session.scalar(select(func.count()).where(WebSessionRow.account_id == account_id)) or 0
        )


def test_a_session_expires_after_30_idle_minutes(app: FastAPI, sqlite_database: Database) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)
    with time_machine.travel(START, tick=False) as clock:
        login(client, "ana", PASSWORD)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/account").status_code == 200  # activity resets the idle clock
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/account").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/account")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_a_session_ends_after_12_hours_even_when_busy(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)
    with time_machine.travel(START, tick=False) as clock:
        login(client, "ana", PASSWORD)
        for _ in range(47):  # every 15 minutes for 11 h 45 min
            clock.shift(dt.timedelta(minutes=15))
            assert client.get("/api/me").status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        assert client.get("/api/me").status_code == 401


def test_logout_deletes_the_server_session(personas: Personas) -> None:
    ana = personas.patient_a
    cookie = ana.client.cookies.get(COOKIE_NAME)
    assert sessions_of(personas.database, ana.account_id or 0) == 1
    response = ana.post_form("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert sessions_of(personas.database, ana.account_id or 0) == 0
    # the old cookie, replayed by someone who copied it, opens nothing
    thief = new_client(personas.app)
    thief.cookies.set(COOKIE_NAME, cookie or "")
    assert thief.get("/api/me").status_code == 401
    assert thief.get("/account").headers["location"].startswith("/login")


def test_changing_the_password_logs_out_other_devices(personas: Personas) -> None:
    ana = personas.patient_a
    phone = new_client(personas.app)
    login(phone, ana.username, PASSWORD)
    assert sessions_of(personas.database, ana.account_id or 0) == 2
    page = ana.client.get("/account")
    response = ana.client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page.text),
            "current_password": PASSWORD,
            "new_password": "an entirely new passphrase",
        },
    )
    assert response.status_code == 200 and "password was changed" in response.text
    assert phone.get("/api/me").status_code == 401
    assert ana.client.get("/api/me").status_code == 200
    assert sessions_of(personas.database, ana.account_id or 0) == 1


def test_a_wrong_current_password_changes_nothing(personas: Personas) -> None:
    ana = personas.patient_a
    response = ana.post_form(
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "an entirely new passphrase",
        },
    )
    assert response.status_code == 422
    assert "is not your current password" in response.text
    fresh = new_client(personas.app)
    login(fresh, ana.username, PASSWORD)  # the old password still works


def test_a_short_new_password_is_refused_next_to_its_field(personas: Personas) -> None:
    response = personas.patient_a.post_form(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "short",
        },
    )
    assert response.status_code == 422
    assert 'id="e-new_password"' in response.text
    assert "needs at least 12 characters" in response.text


def test_logging_out_other_devices_keeps_this_one(personas: Personas) -> None:
    ana = personas.patient_a
    phone = new_client(personas.app)
    login(phone, ana.username, PASSWORD)
    response = ana.post_form("/account/sessions/end-others")
    assert response.status_code == 200 and "Every other device was logged out." in response.text
    assert phone.get("/api/me").status_code == 401
    assert ana.client.get("/api/me").status_code == 200
    assert sessions_of(personas.database, ana.account_id or 0) == 1


def test_expired_sessions_are_purged_when_someone_logs_in(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    add_account(sqlite_database, "ben")
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            new_client(app).get("/login")  # abandoned login forms
        login(new_client(app), "ana", PASSWORD)
        clock.shift(dt.timedelta(minutes=31))
        login(new_client(app), "ben", PASSWORD)
    with sqlite_database.reader() as session:
        left = session.scalars(select(WebSessionRow.account_id)).all()
    assert left == [2]  # only ben's fresh session is left
