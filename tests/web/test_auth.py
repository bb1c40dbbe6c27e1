"""Logging in: passwords, lockout with backoff, TOTP enrolment and replay, redirects."""

from __future__ import annotations

import datetime as dt

import pyotp
import time_machine
from fastapi import FastAPI
from sqlalchemy import select

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import hash_token, resolve_session
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import (
    AccountRow,
    AuditEventRow,
    KnownDeviceRow,
    WebSessionRow,
)
from nightbridge.web.sessions import COOKIE_NAME, DEVICE_COOKIE
from tests.web.conftest import (
    ANSWERED,
    FAST_AUTH,
    PASSWORD,
    csrf_from,
    login,
    new_client,
    test_keys,
)

START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def add_account(database: Database, username: str, role: str = "person", **kw: str) -> int:
    password = kw.get("password", PASSWORD)
    profile = ANSWERED if role == "person" else None
    return create_account(
        database, FAST_AUTH, username=username, password=password, role=role, profile=profile
    )


def try_login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": username, "password": password},
    )


def login_audit(database: Database) -> list[tuple[str, str]]:
    with database.reader() as session:
        rows = session.scalars(
            select(AuditEventRow).where(AuditEventRow.action == "login").order_by(AuditEventRow.id)
        )
        return [(r.object, r.outcome) for r in rows]


def test_a_person_logs_in_and_gets_a_new_session_id(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)
    client.get("/login")
    before = client.cookies.get(COOKIE_NAME)
    response = try_login(client, "ana", PASSWORD)
    after = client.cookies.get(COOKIE_NAME)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert before and after and before != after
    assert resolve_session(sqlite_database, FAST_AUTH, before) is None
    assert client.get("/api/me").json()["username"] == "ana"


def test_the_username_is_not_case_sensitive(app: FastAPI, sqlite_database: Database) -> None:
    add_account(sqlite_database, "ana")
    assert try_login(new_client(app), "  ANA ", PASSWORD).status_code == 303


def test_a_passphrase_of_100_characters_works(app: FastAPI, sqlite_database: Database) -> None:
    long_password = "tide pool lantern " * 5 + "x" * 10
    assert len(long_password) == 100
    add_account(sqlite_database, "ana", password=long_password)
    assert try_login(new_client(app), "ana", long_password).status_code == 303


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    wrong = try_login(new_client(app), "ana", "not the password at all")
    unknown = try_login(new_client(app), "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username, password or code" in wrong.text
    assert wrong.text.count("Wrong username") == unknown.text.count("Wrong username") == 1
    assert login_audit(sqlite_database) == [("account", "failed"), ("account", "failed")]


def test_it_redirects_only_to_local_paths_after_login(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    for target, expected in (
        ("/sharing", "/sharing"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ):
        client = new_client(app)
        page = client.get("/login", params={"next": target})
        response = client.post(
            "/login",
            data={
                "csrf_token": csrf_from(page.text),
                "username": "ana",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert response.headers["location"] == expected, target


def test_five_failures_throttle_an_unknown_browser_with_a_doubling_backoff(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)  # a browser that has never logged in to "ana"
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            assert try_login(client, "ana", "wrong password here").status_code == 401
        # throttled for 1 minute: from this browser even the right password is refused
        assert try_login(client, "ana", PASSWORD).status_code == 401
        clock.shift(dt.timedelta(seconds=61))
        # the lock has passed; one more failure locks for 2 minutes
        assert try_login(client, "ana", "wrong password here").status_code == 401
        clock.shift(dt.timedelta(seconds=90))
        assert try_login(client, "ana", PASSWORD).status_code == 401
        clock.shift(dt.timedelta(seconds=31))
        assert try_login(client, "ana", PASSWORD).status_code == 303
    with sqlite_database.reader() as session:
        account = session.scalar(select(AccountRow).where(AccountRow.username == "ana"))
        assert account is not None
        assert account.failed_logins == 0 and account.locked_until is None
    outcomes = [outcome for _, outcome in login_audit(sqlite_database)]
    assert outcomes == ["failed"] * 5 + ["throttled", "failed", "throttled", "ok"]


def test_a_clinician_must_set_up_totp_before_seeing_anything(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "dr-lee", role="clinician")
    client = new_client(app)
    response = try_login(client, "dr-lee", PASSWORD)
    assert response.headers["location"] == "/login/totp/enrol?next=%2F"
    # half-logged-in: every page sends them back to enrolment, the API says 401
    assert client.get("/sharing").headers["location"] == "/login/totp/enrol"
    assert client.get("/api/me").status_code == 401
    page = client.get("/login/totp/enrol")
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    assert "otpauth://totp/Nightbridge:dr-lee?secret=" + secret in page.text
    with time_machine.travel(START, tick=False) as clock:
        wrong = client.post(
            "/login/totp/enrol", data={"csrf_token": csrf_from(page.text), "code": "123456"}
        )
        assert wrong.status_code == 401
        page = client.get("/login/totp/enrol")
        assert secret in page.text  # the same secret again until it is confirmed
        clock.shift(dt.timedelta(seconds=1))
        code = pyotp.TOTP(secret).now()
        done = client.post(
            "/login/totp/enrol", data={"csrf_token": csrf_from(page.text), "code": code}
        )
        assert done.status_code == 200 and 'id="recovery-codes"' in done.text  # shown once
        assert client.get("/api/me").json()["role"] == "clinician"


def test_a_totp_code_works_once(app: FastAPI, sqlite_database: Database) -> None:
    from tests.web.conftest import enrol_totp

    account_id = add_account(sqlite_database, "dr-lee", role="clinician")
    secret = enrol_totp(sqlite_database, account_id)
    code = pyotp.TOTP(secret).now()
    first = new_client(app)
    login(first, "dr-lee", PASSWORD, secret)
    second = new_client(app)
    response = try_login(second, "dr-lee", PASSWORD)
    assert response.headers["location"].startswith("/login/totp?")
    page = second.get("/login/totp")
    replay = second.post("/login/totp", data={"csrf_token": csrf_from(page.text), "code": code})
    assert replay.status_code == 401
    assert second.get("/api/me").status_code == 401
    assert ("totp", "failed") in login_audit(sqlite_database)


def test_wrong_totp_codes_throttle_the_account(app: FastAPI, sqlite_database: Database) -> None:
    from tests.web.conftest import enrol_totp

    account_id = add_account(sqlite_database, "dr-lee", role="clinician")
    secret = enrol_totp(sqlite_database, account_id)
    client = new_client(app)
    try_login(client, "dr-lee", PASSWORD)
    page = client.get("/login/totp")
    for _ in range(5):
        client.post("/login/totp", data={"csrf_token": csrf_from(page.text), "code": "000000"})
    good = pyotp.TOTP(secret).now()
    refused = client.post("/login/totp", data={"csrf_token": csrf_from(page.text), "code": good})
    assert refused.status_code == 401
    assert login_audit(sqlite_database)[-1] == ("totp", "throttled")


def test_a_disabled_account_cannot_log_in(app: FastAPI, sqlite_database: Database) -> None:
    account_id = add_account(sqlite_database, "ana")
    with sqlite_database.transaction() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        row.disabled = True
    assert try_login(new_client(app), "ana", PASSWORD).status_code == 401


def test_logging_in_again_replaces_the_anonymous_session_row(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)
    client.get("/login")
    anonymous = client.cookies.get(COOKIE_NAME)
    assert anonymous is not None
    try_login(client, "ana", PASSWORD)
    with sqlite_database.reader() as session:
        ids = set(session.scalars(select(WebSessionRow.id)))
    assert hash_token(anonymous) not in ids
    assert ids == {hash_token(client.cookies.get(COOKIE_NAME) or "")}


def test_the_first_run_creates_the_owners_account_once(sqlite_database: Database) -> None:
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.web.app import Settings, create_app

    app = create_app(sqlite_database, settings=Settings(auth=FAST_AUTH, allow_remote_setup=True))
    client = new_client(app)
    assert 'href="/setup"' in client.get("/login").text
    page = client.get("/setup")
    assert page.status_code == 200
    short = client.post(
        "/setup",
        data={
            "csrf_token": csrf_from(page.text),
            "username": "ana",
            "password": "short",
            "role": "person",
        },
    )
    assert short.status_code == 422 and "needs at least 12 characters" in short.text
    done = client.post(
        "/setup",
        data={
            "csrf_token": csrf_from(page.text),
            "username": "ana",
            "password": PASSWORD,
            "role": "person",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/login"
    login(client, "ana", PASSWORD)
    person_id = client.get("/api/me").json()["person_id"]
    with sqlite_database.reader() as session:
        assert PersonRepository(session).owner_id() == person_id
    # setup is gone for everyone once an account exists
    assert new_client(app).get("/setup").status_code == 404
    assert 'href="/setup"' not in new_client(app).get("/login").text


def test_the_first_run_page_is_only_for_this_machine_by_default(app: FastAPI) -> None:
    client = new_client(app)  # the test client's address is not loopback
    assert client.get("/setup").status_code == 404


def test_a_person_can_turn_on_two_step_login_with_their_password(personas) -> None:  # type: ignore[no-untyped-def]
    ben = personas.patient_b
    page = ben.client.get("/account/totp")
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False) as clock:
        code = pyotp.TOTP(secret).now()
        wrong_password = ben.post_form(
            "/account/totp", {"code": code, "current_password": "not it at all"}
        )
        assert wrong_password.status_code == 422
        assert "That is not your password." in wrong_password.text
        on = ben.post_form("/account/totp", {"code": code, "current_password": PASSWORD})
        assert on.status_code == 200 and "Two-step login is on" in on.text
        assert ben.client.get("/account/totp").status_code == 404
        clock.shift(dt.timedelta(seconds=60))
        fresh = new_client(personas.app)
        response = try_login(fresh, ben.username, PASSWORD)
        assert response.headers["location"].startswith("/login/totp?")
        login_page = fresh.get("/login/totp")
        done = fresh.post(
            "/login/totp",
            data={"csrf_token": csrf_from(login_page.text), "code": pyotp.TOTP(secret).now()},
        )
        assert done.status_code == 303
        assert fresh.get("/api/me").json()["username"] == ben.username


def test_an_admin_resets_a_lost_factor_and_ends_sessions(personas) -> None:  # type: ignore[no-untyped-def]
    x = personas.clinician_x
    response = personas.admin.send(
        "PATCH", f"/api/admin/accounts/{x.account_id}", json={"reset_totp": True}
    )
    assert response.status_code == 200 and response.json()["totp_confirmed"] is False
    assert x.client.get("/api/me").status_code == 401  # logged out everywhere
    fresh = new_client(personas.app)
    assert (
        try_login(fresh, x.username, PASSWORD).headers["location"].startswith("/login/totp/enrol")
    )
    personas.admin.post_form(
        f"/admin/accounts/{personas.patient_a.account_id}", {"op": "end_sessions"}
    )
    assert personas.patient_a.client.get("/api/me").status_code == 401


def test_the_page_asked_for_survives_the_totp_step(app: FastAPI, sqlite_database: Database) -> None:
    from tests.web.conftest import enrol_totp

    account_id = add_account(sqlite_database, "dr-lee", role="clinician")
    secret = enrol_totp(sqlite_database, account_id)
    client = new_client(app)
    first = client.get("/sharing?redeemed=1&x=2")
    assert first.headers["location"] == "/login?next=%2Fsharing%3Fredeemed%3D1%26x%3D2"
    page = client.get(first.headers["location"])
    step = client.post(
        "/login",
        data={
            "csrf_token": csrf_from(page.text),
            "username": "dr-lee",
            "password": PASSWORD,
            "next": "/sharing?redeemed=1&x=2",
        },
    )
    assert step.headers["location"] == "/login/totp?next=%2Fsharing%3Fredeemed%3D1%26x%3D2"
    page = client.get(step.headers["location"])
    assert 'name="next" value="/sharing?redeemed=1&amp;x=2"' in page.text
    done = client.post(
        "/login/totp",
        data={
            "csrf_token": csrf_from(page.text),
            "code": pyotp.TOTP(secret).now(),
            "next": "/sharing?redeemed=1&x=2",
        },
    )
    assert done.headers["location"] == "/sharing?redeemed=1&x=2"


def test_the_owners_browser_gets_in_while_a_stranger_guesses(
    app: FastAPI, sqlite_database: Database
) -> None:
    """Issue 12 item 3: five wrong guesses an hour used to keep any known account locked.
    Now a stranger's guesses (from the same address as the owner, as behind one NAT)
    never keep out the browser the owner has logged in with."""
    add_account(sqlite_database, "ana")
    owner = new_client(app)
    login(owner, "ana", PASSWORD)
    assert owner.cookies.get(DEVICE_COOKIE)
    owner.post("/logout", data={"csrf_token": csrf_from(owner.get("/account").text)})
    stranger = new_client(app)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(25):
            clock.shift(dt.timedelta(seconds=20))
            assert try_login(stranger, "ana", "a wrong guess, again").status_code == 401
        assert try_login(stranger, "ana", PASSWORD).status_code == 401  # throttled, unchecked
        assert try_login(owner, "ana", PASSWORD).status_code == 303
        api = owner.post("/api/auth/login", json={"username": "ana", "password": PASSWORD})
        assert api.status_code == 200
    outcomes = [outcome for _, outcome in login_audit(sqlite_database)]
    assert outcomes[-3:] == ["throttled", "ok", "ok"]
    with sqlite_database.reader() as session:
        details = list(
            session.scalars(
                select(AuditEventRow.detail).where(AuditEventRow.outcome == "throttled")
            )
        )
    assert details and all(d.endswith("from testclient") for d in details)


def test_the_device_cookie_is_host_only_secure_httponly_and_lax(
    app: FastAPI, sqlite_database: Database
) -> None:
    add_account(sqlite_database, "ana")
    client = new_client(app)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": "ana", "password": PASSWORD},
    )
    cookies = response.headers.get_list("set-cookie")
    device = next(c for c in cookies if c.startswith(DEVICE_COOKIE + "="))
    attributes = {part.strip().lower() for part in device.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= attributes
    assert f"max-age={int(FAST_AUTH.known_device_ttl.total_seconds())}" in attributes
    with sqlite_database.reader() as session:
        stored = list(session.scalars(select(KnownDeviceRow.token_hash)))
    token = device.split(";")[0].split("=", 1)[1]
    assert stored == [hash_token(token)]  # only its hash is kept


def test_showing_the_two_step_setup_page_changes_nothing(personas) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 item 9: GET /account/totp used to store a new secret. Now the secret
    shown is derived from the session and stored only when a code confirms it."""

    def snapshot() -> list[tuple[object, ...]]:
        with personas.database.reader() as session:
            return [
                (r.id, r.totp_secret, r.totp_confirmed, r.totp_last_step)
                for r in session.scalars(select(AccountRow).order_by(AccountRow.id))
            ]

    ben = personas.patient_b
    before = snapshot()
    first = ben.client.get("/account/totp").text
    again = ben.client.get("/account/totp").text
    assert snapshot() == before
    secret = first.split('id="totp-secret">')[1].split("<")[0]
    assert secret in again and len(secret) == 32  # the same secret on a reload
    other = new_client(personas.app)
    login(other, ben.username, PASSWORD)
    assert secret not in other.get("/account/totp").text  # another session, another secret
    code = pyotp.TOTP(secret).now()
    on = ben.post_form("/account/totp", {"code": code, "current_password": PASSWORD})
    assert on.status_code == 200
    with personas.database.reader() as session:
        row = session.get(AccountRow, ben.account_id)
        assert row is not None and row.totp_confirmed and row.totp_secret
        assert secret not in row.totp_secret  # sealed at rest (test_totp_sealed.py)
        assert test_keys().open(row.id, row.totp_secret) == secret


def test_a_login_over_plain_http_from_another_machine_says_it_needs_https(
    app: FastAPI, sqlite_database: Database
) -> None:
    """Issue 12 item 13. Over http:// to another machine's address the browser drops
    the Secure session cookie (httpx's cookie jar does the same), so the login form comes
    back without it: the page warns before anyone types, and the refusal says why
    instead of "form expired". On this machine's own address the old words stay."""
    from fastapi.testclient import TestClient

    create_account(sqlite_database, FAST_AUTH, username="sam", password=PASSWORD, role="person")
    remote = TestClient(app, base_url="http://192.168.1.20:8000", follow_redirects=False)
    page = remote.get("/login")
    assert "Your browser did not keep the login cookie" in page.text
    refused = remote.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": "sam", "password": PASSWORD},
    )
    assert refused.status_code == 403
    assert "Logins need HTTPS" in refused.text
    assert "only over HTTPS" in refused.text and "Form expired" not in refused.text

    local = TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False)
    page = local.get("/login")
    assert "did not keep the login cookie" not in page.text
    stale = local.post("/login", data={"csrf_token": "x", "username": "sam", "password": "x"})
    assert stale.status_code == 403 and "Form expired" in stale.text
