"""Account recovery on the web and the API (issue 14 item 5): recovery codes shown once at
enrolment, usable at the login's code step once each, made anew after the password; an
admin issues a reset code (page and API), the holder sets a new password at /reset, the
account's sessions end, and the person sees it on "Who looked at my data"."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import time_machine

from nightbridge.services.accounts.accounts import create_account
from tests.web.conftest import (
    FAST_AUTH,
    PASSWORD,
    Personas,
    csrf_from,
    login,
    new_client,
)

NEW = "a brand new long passphrase"
CODE = re.compile(r"<li><code>([A-Z0-9-]{14})</code></li>")


def _password_step(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": username, "password": password},
    )


def _code_step(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/login/totp")
    return client.post("/login/totp", data={"csrf_token": csrf_from(page.text), "code": code})


def test_recovery_codes_are_shown_at_enrolment_and_each_logs_in_once(
    personas: Personas,
) -> None:
    create_account(
        personas.database, FAST_AUTH, username="dr-new", password=PASSWORD, role="clinician"
    )
    client = new_client(personas.app)
    _password_step(client, "dr-new")
    page = client.get("/login/totp/enrol")
    secret = page.text.split('id="totp-secret">')[1].split("<")[0]
    done = client.post(
        "/login/totp/enrol",
        data={"csrf_token": csrf_from(page.text), "code": pyotp.TOTP(secret).now()},
    )
    codes = CODE.findall(done.text)
    assert done.status_code == 200 and len(codes) == 10
    assert "They are shown only now" in done.text
    assert client.get("/account/recovery-codes").status_code == 200  # logged in
    assert not CODE.findall(client.get("/account/recovery-codes").text)  # never shown again

    lost_phone = new_client(personas.app)
    assert _password_step(lost_phone, "dr-new").headers["location"].startswith("/login/totp")
    assert _code_step(lost_phone, codes[0]).status_code == 303
    assert lost_phone.get("/api/me").json()["username"] == "dr-new"
    again = new_client(personas.app)
    _password_step(again, "dr-new")
    assert _code_step(again, codes[0]).status_code == 401  # used
    assert _code_step(again, codes[1]).status_code == 303
    left = lost_phone.get("/account/recovery-codes").text
    assert 'id="codes-left">8<' in left

    # a new set after the password; the old set stops working
    csrf = lost_phone.get("/api/me").json()["csrf_token"]
    wrong = lost_phone.post(
        "/account/recovery-codes", data={"csrf_token": csrf, "current_password": "nope"}
    )
    assert wrong.status_code == 422 and "is not your current password" in wrong.text
    fresh = lost_phone.post(
        "/account/recovery-codes", data={"csrf_token": csrf, "current_password": PASSWORD}
    )
    new_codes = CODE.findall(fresh.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    third = new_client(personas.app)
    _password_step(third, "dr-new")
    assert _code_step(third, codes[2]).status_code == 401
    assert _code_step(third, new_codes[0]).status_code == 303
    # a person without two-step login has no such page
    assert personas.patient_a.client.get("/account/recovery-codes").status_code == 404


def test_an_admin_issues_a_reset_code_and_the_person_sets_a_new_password(
    personas: Personas,
) -> None:
    ana, admin = personas.patient_a, personas.admin
    phone = new_client(personas.app)
    login(phone, ana.username, PASSWORD)
    page = admin.client.get("/admin/accounts")
    assert f'action="/reset-codes/{ana.account_id}"' in page.text
    assert f'action="/reset-codes/{admin.account_id}"' not in page.text  # not their own
    issued = admin.post_form(f"/reset-codes/{ana.account_id}")
    assert issued.status_code == 200
    code = issued.text.split('id="reset-code">')[1].split("<")[0]
    assert len(code) == 19 and "shown only now" in issued.text
    assert personas.patient_b.post_form(f"/reset-codes/{ana.account_id}").status_code == 404
    assert personas.clinician_a.post_form(f"/reset-codes/{ana.account_id}").status_code == 404

    stranger = new_client(personas.app)
    form = stranger.get("/reset")
    assert form.status_code == 200 and 'name="code"' in form.text
    wrong_account = stranger.post(
        "/reset",
        data={
            "csrf_token": csrf_from(form.text),
            "username": personas.patient_b.username,
            "code": code,
            "new_password": NEW,
        },
    )
    assert wrong_account.status_code == 422 and "do not match an open code" in wrong_account.text
    done = stranger.post(
        "/reset",
        data={
            "csrf_token": csrf_from(form.text),
            "username": ana.username,
            "code": code,
            "new_password": NEW,
        },
    )
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert ana.client.get("/api/me").status_code == 401  # every session ended
    assert phone.get("/api/me").status_code == 401
    assert _password_step(new_client(personas.app), ana.username).status_code == 401
    fresh = new_client(personas.app)
    login(fresh, ana.username, NEW)
    activity = fresh.get("/account/activity?mine=1").text
    assert "issued a password reset code for" in activity
    assert "reset the password of" in activity
    used = stranger.post(
        "/reset",
        data={
            "csrf_token": csrf_from(form.text),
            "username": ana.username,
            "code": code,
            "new_password": "another long passphrase",
        },
    )
    assert used.status_code == 422


def test_the_api_issues_a_reset_code_that_expires(personas: Personas) -> None:
    ben, admin = personas.patient_b, personas.admin
    response = admin.send("POST", f"/api/accounts/{ben.account_id}/reset-code")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["username"] == ben.username and len(body["code"]) == 19
    assert (
        personas.clinician_a.send("POST", f"/api/accounts/{ben.account_id}/reset-code").status_code
        == 404
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=24, minutes=1)
    with time_machine.travel(later, tick=False):
        client = new_client(personas.app)
        form = client.get("/reset")
        expired = client.post(
            "/reset",
            data={
                "csrf_token": csrf_from(form.text),
                "username": ben.username,
                "code": body["code"],
                "new_password": NEW,
            },
        )
    assert expired.status_code == 422 and "do not match an open code" in expired.text
