"""Issue 12 item 9 on the web, on SQLite and PostgreSQL: two-step login with the secret
sealed at rest; a missing or wrong key file is a plain 503 (no traceback, no secret in
the log); and the current-password check on the account pages is throttled and audited
for a browser that only holds a (stolen) session cookie."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.totp_keys import is_sealed
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import AccountRow, AuditEventRow
from nightbridge.web.app import Settings, create_app
from nightbridge.web.sessions import COOKIE_NAME
from tests.web.conftest import FAST_AUTH, PASSWORD, Personas, csrf_from, login, new_client


def _password_step(client, username: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": username, "password": PASSWORD},
    )


def _code_step(client, secret: str):  # type: ignore[no-untyped-def]
    page = client.get("/login/totp")
    return client.post(
        "/login/totp", data={"csrf_token": csrf_from(page.text), "code": pyotp.TOTP(secret).now()}
    )


def test_two_step_login_works_with_the_secret_sealed_and_a_lost_key_is_a_plain_503(
    database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "keys" / "totp.key"
    app = create_app(database, settings=Settings(auth=FAST_AUTH, totp_key_file=key_file))
    account = create_account(
        database, FAST_AUTH, username="dr-lee", password=PASSWORD, role="clinician"
    )
    client = new_client(app)
    assert _password_step(client, "dr-lee").headers["location"].startswith("/login/totp/enrol")
    page = client.get("/login/totp/enrol")
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    done = client.post(
        "/login/totp/enrol",
        data={"csrf_token": csrf_from(page.text), "code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200 and key_file.exists()  # the recovery codes, shown once
    with database.reader() as session:
        stored = session.scalar(select(AccountRow.totp_secret).where(AccountRow.id == account))
    assert stored is not None and is_sealed(stored) and secret not in stored

    with time_machine.travel(_next_step(), tick=False) as clock:
        fresh = new_client(app)
        assert _password_step(fresh, "dr-lee").headers["location"].startswith("/login/totp?")
        assert _code_step(fresh, secret).status_code == 303
        assert fresh.get("/api/me").json()["username"] == "dr-lee"

        saved = tmp_path / "saved.key"
        shutil.move(key_file, saved)
        caplog.clear()
        for as_json in (False, True):
            lost = new_client(app)
            assert _password_step(lost, "dr-lee").status_code == 303
            if as_json:
                page = lost.get("/login/totp")
                refused = lost.post(
                    "/api/auth/totp",
                    json={"code": pyotp.TOTP(secret).now()},
                    headers={"X-CSRF-Token": csrf_from(page.text)},
                )
                assert refused.status_code == 503
                assert "key file is missing or damaged" in refused.json()["detail"]
            else:
                refused = _code_step(lost, secret)
                assert refused.status_code == 503
                assert "Two-step login is unavailable" in refused.text
                assert "Tell whoever runs this server" in refused.text
            assert secret not in refused.text and str(key_file) not in refused.text
            assert lost.get("/api/me").status_code == 401  # not logged in
        logged = caplog.text
        assert f"The TOTP key file {key_file} is missing" in logged  # for the operator
        assert "Traceback" not in logged and secret not in logged and stored not in logged
        shutil.move(saved, key_file)
        clock.shift(dt.timedelta(seconds=30))  # the next step (a code is accepted once)
        back = new_client(app)
        assert _password_step(back, "dr-lee").status_code == 303
        assert _code_step(back, secret).status_code == 303


def _next_step() -> dt.datetime:
    """90 s on: past the step the enrolment used (codes are accepted once)."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)


def test_a_stolen_session_cannot_guess_the_current_password(personas: Personas) -> None:
    """Item 9: the current-password check on the account pages counts towards the
    account's throttle and is audited. A browser holding only the session cookie (not
    the device cookie of the owner's browser) is refused once the account is throttled,
    even with the right password; the owner's own browser still gets through."""
    ana = personas.patient_a
    owner = new_client(personas.app)  # the owner's browser: it logged in, so it is known
    owner_csrf = login(owner, ana.username, PASSWORD)
    thief = new_client(personas.app)
    thief.cookies.set(COOKIE_NAME, ana.client.cookies.get(COOKIE_NAME) or "")
    form = {"csrf_token": ana.csrf_token, "new_password": "an entirely new passphrase"}
    for n in range(FAST_AUTH.lockout_after):
        guess = thief.post("/account/password", data={**form, "current_password": f"guess {n}"})
        assert guess.status_code == 422 and "is not your current password" in guess.text
    right = thief.post("/account/password", data={**form, "current_password": PASSWORD})
    assert right.status_code == 422 and "too many wrong tries" in right.text
    with personas.database.reader() as session:
        audited = session.execute(
            select(AuditEventRow.outcome, AuditEventRow.object)
            .where(AuditEventRow.action == "reauth")
            .order_by(AuditEventRow.id)
        ).all()
    assert [o for o, _ in audited] == ["failed"] * FAST_AUTH.lockout_after + ["throttled"]
    assert {obj for _, obj in audited} == {"account/password"}
    changed = owner.post(
        "/account/password", data={**form, "csrf_token": owner_csrf, "current_password": PASSWORD}
    )
    assert changed.status_code == 200 and "password was changed" in changed.text
