"""Sharing through the pages and the API: invite once, redeem once, revoke now."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from nightbridge.services.accounts.sharing import INVITE_ALPHABET
from nightbridge.storage.tables.accounts import InviteRow
from tests.web.conftest import Personas

CODE = re.compile(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>")


def make_code(personas: Personas, who: str = "patient_b") -> str:
    response = personas.by_name[who].post_form("/sharing/invites")
    assert response.status_code == 200
    found = CODE.search(response.text)
    assert found, response.text
    return found.group(1)


def test_an_invite_code_is_shown_once_and_stored_only_as_a_hash(personas: Personas) -> None:
    code = make_code(personas)
    raw = code.replace("-", "")
    assert len(raw) == 12 and set(raw) <= set(INVITE_ALPHABET)
    with personas.database.reader() as session:
        stored = list(session.scalars(select(InviteRow.code_hash)))
    assert all(raw not in h and code not in h for h in stored)
    # the sharing page does not show it again
    assert code not in personas.patient_b.client.get("/sharing").text


def test_a_clinician_redeems_a_code_and_sees_that_person_only(personas: Personas) -> None:
    x, ben = personas.clinician_x, personas.patient_b
    assert x.send("GET", f"/api/persons/{ben.person_id}").status_code == 404
    code = make_code(personas)
    response = x.post_form("/sharing/redeem", {"code": code.lower()})  # case does not matter
    assert response.status_code == 303 and response.headers["location"] == "/sharing?redeemed=1"
    assert x.send("GET", f"/api/persons/{ben.person_id}").json()["display_name"] == "Ben"
    assert x.send("GET", f"/api/persons/{personas.patient_a.person_id}").status_code == 404
    patients = x.send("GET", "/api/patients").json()
    assert [p["person_id"] for p in patients] == [ben.person_id]
    assert "Ben" in x.client.get("/sharing").text


def test_a_code_works_only_once(personas: Personas) -> None:
    code = make_code(personas)
    assert personas.clinician_x.post_form("/sharing/redeem", {"code": code}).status_code == 303
    again = personas.clinician_a.post_form("/sharing/redeem", {"code": code})
    assert again.status_code == 422
    assert "is unknown, expired or already used" in again.text
    ben_id = personas.patient_b.person_id
    assert personas.clinician_a.send("GET", f"/api/persons/{ben_id}").status_code == 404


def test_a_code_expires_after_72_hours(personas: Personas) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        code = make_code(personas)
        clock.shift(dt.timedelta(hours=72, seconds=1))
        # the clinician logs in again after three days (their session has expired)
        x = personas.clinician_x
        from tests.web.conftest import PASSWORD, login, new_client

        x.client = new_client(personas.app)
        x.csrf_token = login(x.client, x.username, PASSWORD, x.totp_secret)
        refused = x.post_form("/sharing/redeem", {"code": code})
    assert refused.status_code == 422


def test_revoking_takes_effect_on_the_clinicians_next_request(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    url = f"/api/persons/{a.person_id}"
    assert clinician.send("GET", url).status_code == 200
    response = a.post_form(f"/sharing/{a.extra['share_id']}/revoke")
    assert response.status_code == 303
    assert clinician.send("GET", url).status_code == 404
    assert clinician.send("GET", "/api/patients").json() == []
    page = a.client.get("/sharing?revoked=1").text
    assert "Sharing stopped." in page and "Nobody else can see your data." in page
    assert "Stopped" in page and "clinician-a" in page


def test_a_person_cannot_revoke_someone_elses_share(personas: Personas) -> None:
    share_id = personas.patient_a.extra["share_id"]
    assert personas.patient_b.post_form(f"/sharing/{share_id}/revoke").status_code == 404
    url = f"/api/persons/{personas.patient_a.person_id}"
    assert personas.clinician_a.send("GET", url).status_code == 200


def test_the_person_sees_who_has_access(personas: Personas) -> None:
    page = personas.patient_a.client.get("/sharing").text
    assert "clinician-a" in page and "Stop sharing with clinician-a" in page
    assert "clinician-x" not in page
    shares = personas.patient_a.send("GET", "/api/shares").json()
    assert [(s["name"], s["active"]) for s in shares] == [("clinician-a", True)]


def test_the_api_revokes_with_delete(personas: Personas) -> None:
    a = personas.patient_a
    assert a.send("DELETE", f"/api/shares/{a.extra['share_id']}").status_code == 204
    url = f"/api/persons/{a.person_id}"
    assert personas.clinician_a.send("GET", url).status_code == 404


def test_a_person_cannot_redeem_and_a_clinician_cannot_invite(personas: Personas) -> None:
    code = make_code(personas)
    assert personas.patient_a.post_form("/sharing/redeem", {"code": code}).status_code == 404
    assert personas.clinician_a.post_form("/sharing/invites").status_code == 404
    assert personas.admin.client.get("/sharing").status_code == 404
