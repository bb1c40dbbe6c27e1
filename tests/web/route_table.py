"""THE ownership table: every route of the app (method + path) and what each persona
gets. ``test_routes_enumerated.py`` fails for any route missing here, and runs every
entry for every persona.

Add your route with one line, e.g.::

    ("GET", "/persons/{person_id}/diary"): entry(A + " clinician_a", anonymous=LOGIN),
    ("POST", "/diary"): entry(PATIENTS, form={"date": "2026-03-01"}),

``entry(ok, ...)``: ``ok`` names the personas that pass the permission check
(space-separated); every other logged-in persona must get ``not_found`` (404) unless
listed in ``forbidden`` (403) or given in ``other``; ``anonymous`` is LOGIN (pages:
303 to /login) or UNAUTHORIZED (API: 401). "Passes" means: not 401/403/404 and not sent
to /login -- a 422 for the sample body still passed the check.

Path parameters are filled from patient A's data: ``{person_id}`` is A's person,
``{share_id}`` A's share with clinician_a, ``{account_id}`` patient B's account,
``{clinic_id}`` "Test Clinic" (clinician_a its clinic admin), ``{member_id}`` clinician_a's
membership of it, ``{invite_id}`` its open invite to clinician_x; pass ``params={...}``
for others. Personas: patient_a, patient_b, clinician_a (invited by
A), clinician_x (not invited), admin, anonymous (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
NOT_FOUND = "not_found"
FORBIDDEN = "forbidden"
LOGIN = "login"
UNAUTHORIZED = "unauthorized"

SIGNED_IN_NAMES = ("patient_a", "patient_b", "clinician_a", "clinician_x", "admin")
A = "patient_a"
PATIENTS = "patient_a patient_b"
CLINICIANS = "clinician_a clinician_x"
A_AND_INVITED = "patient_a clinician_a"
ADMIN = "admin"
SIGNED_IN = " ".join(SIGNED_IN_NAMES)
EVERYONE = SIGNED_IN + " anonymous"


@dataclass(frozen=True)
class Entry:
    expect: Mapping[str, str]
    form: Mapping[str, str] | None = None
    json: Any = None
    params: Mapping[str, str] = field(default_factory=dict)


def entry(
    ok: str,
    *,
    anonymous: str = LOGIN,
    forbidden: str = "",
    other: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    json: Any = None,
    params: Mapping[str, str] | None = None,
) -> Entry:
    allowed, refused = set(ok.split()), set(forbidden.split())
    expect = {
        name: OK if name in allowed else FORBIDDEN if name in refused else NOT_FOUND
        for name in SIGNED_IN_NAMES
    }
    expect["anonymous"] = OK if "anonymous" in allowed else anonymous
    expect.update(other or {})
    return Entry(expect, form=form, json=json, params=params or {})


def api(ok: str, **kw: Any) -> Entry:
    kw.setdefault("anonymous", UNAUTHORIZED)
    return entry(ok, **kw)


def same_for_all(outcome: str, **kw: Any) -> Entry:
    expect = dict.fromkeys((*SIGNED_IN_NAMES, "anonymous"), outcome)
    return Entry(expect, **kw)


LOGIN_FORM = {"username": "patient-a", "password": "correct horse battery staple"}
PASSWORD_FORM = {"current_password": "wrong-wrong-wrong", "new_password": "a new long passphrase"}
DIARY_FORM = {
    "date": "2026-03-01",
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": "3",
}
#: A COWS rating (Wesson & Ling 2003): one allowed score per item, total 14.
COWS_ANSWERS = [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3]
COWS_FORM = {f"cows_{i}": str(v) for i, v in enumerate(COWS_ANSWERS, start=1)}
TAPER_FORM = {
    "substance": "kratom",
    "start_amount": "12",
    "unit": "g",
    "start": "2026-03-01",
    "step_pct": "10",
    "every_days": "7",
}
NEW_ACCOUNT = {
    "username": "new-person",
    "password": "a long first password",
    "role": "person",
    "tz": "Europe/London",
    "region": "UK",
}
NEW_CLINIC = {"clinic_name": "Hill Clinic", "admin_username": "clinician-x"}
CLINIC_SHARE = {"share_code": "AAAA-BBBB-CCCC", "access": "view"}
PROFILE_FORM = {"tz": "America/New_York", "region": "US", "none": "yes"}

ROUTES: dict[tuple[str, str], Entry] = {
    # --- platform pages (web/routes/auth.py, account.py, sharing.py, admin.py) ---
    ("GET", "/"): entry(SIGNED_IN),
    ("GET", "/help-now"): entry(EVERYONE),
    ("GET", "/setup"): same_for_all(NOT_FOUND),  # only while no account exists
    ("POST", "/setup"): entry("", other={"anonymous": LOGIN}, form=LOGIN_FORM),
    ("GET", "/login"): entry(EVERYONE),
    ("POST", "/login"): entry(SIGNED_IN, other={"anonymous": FORBIDDEN}, form=LOGIN_FORM),
    ("GET", "/login/totp"): entry(SIGNED_IN),
    ("POST", "/login/totp"): entry(SIGNED_IN, form={"code": "000000"}),
    ("GET", "/login/totp/enrol"): entry(SIGNED_IN),
    ("POST", "/login/totp/enrol"): entry(SIGNED_IN, form={"code": "000000"}),
    ("POST", "/logout"): same_for_all(LOGIN),
    ("GET", "/account"): entry(SIGNED_IN),
    ("POST", "/account/password"): entry(SIGNED_IN, form=PASSWORD_FORM),
    ("GET", "/account/activity"): entry(PATIENTS),
    ("POST", "/account/sessions/end-others"): entry(SIGNED_IN),
    ("POST", "/account/language"): entry(SIGNED_IN, form={"locale": "en"}),
    ("POST", "/language"): entry(SIGNED_IN, form={"locale": "en"}),
    ("GET", "/api/me/language"): api(SIGNED_IN),
    ("PUT", "/api/me/language"): api(SIGNED_IN, json={"locale": "en"}),
    ("GET", "/account/totp"): entry(PATIENTS),  # clinicians and admins have it on already
    ("POST", "/account/totp"): entry(PATIENTS, form={"code": "000000", "current_password": "x"}),
    ("GET", "/sharing"): entry(PATIENTS + " " + CLINICIANS),
    ("POST", "/sharing/invites"): entry(PATIENTS),
    ("POST", "/sharing/{share_id}/revoke"): entry(A),
    ("POST", "/sharing/redeem"): entry(CLINICIANS, form={"code": "AAAA-BBBB-CCCC"}),
    ("GET", "/admin/accounts"): entry(ADMIN),
    ("POST", "/admin/accounts"): entry(ADMIN, form=NEW_ACCOUNT),
    ("POST", "/admin/accounts/{account_id}"): entry(ADMIN, form={"op": "unlock"}),
    ("POST", "/reset-codes/{account_id}"): entry(ADMIN),
    ("GET", "/reset"): entry(EVERYONE),
    ("POST", "/reset"): entry(
        SIGNED_IN,
        other={"anonymous": FORBIDDEN},
        form={"username": "nobody-here", "code": "AAAA", "new_password": "a long new password"},
    ),
    ("GET", "/account/recovery-codes"): entry("clinician_a clinician_x admin"),
    ("POST", "/account/recovery-codes"): entry(
        "clinician_a clinician_x admin", form={"current_password": "wrong-wrong-wrong"}
    ),
    # --- platform API (web/routes/api_auth.py) ---
    ("GET", "/api/openapi.json"): entry(EVERYONE),
    ("POST", "/api/auth/login"): api(EVERYONE, json=LOGIN_FORM),
    ("POST", "/api/auth/totp"): same_for_all(UNAUTHORIZED, json={"code": "000000"}),
    ("POST", "/api/auth/logout"): api(SIGNED_IN),
    ("GET", "/api/me"): api(SIGNED_IN),
    ("GET", "/api/persons/{person_id}"): api(A_AND_INVITED),
    ("GET", "/api/persons/{person_id}/audit"): api(A),
    ("GET", "/api/shares"): api(PATIENTS),
    ("POST", "/api/invites"): api(PATIENTS),
    ("POST", "/api/invites/redeem"): api(CLINICIANS, json={"code": "AAAA-BBBB-CCCC"}),
    ("DELETE", "/api/shares/{share_id}"): api(A),
    ("GET", "/api/patients"): api(CLINICIANS),
    ("GET", "/api/admin/accounts"): api(ADMIN),
    ("POST", "/api/admin/accounts"): api(ADMIN, json=NEW_ACCOUNT),
    ("PATCH", "/api/admin/accounts/{account_id}"): api(ADMIN, json={"unlock": True}),
    ("POST", "/api/accounts/{account_id}/reset-code"): api(ADMIN),
    # --- clinics (web/routes/clinics.py, api_clinics.py): clinician_a is the clinic
    # admin of {clinic_id}; clinician_x has an open invite to it (docs/clinics.md) ---
    ("GET", "/clinics"): entry(CLINICIANS + " " + ADMIN),
    ("POST", "/clinics"): entry(ADMIN, form=NEW_CLINIC),
    ("GET", "/clinics/{clinic_id}"): entry("clinician_a"),
    ("POST", "/clinics/{clinic_id}/invites"): entry("clinician_a", form={"username": "x"}),
    ("POST", "/clinics/{clinic_id}/members/{member_id}/remove"): entry("clinician_a"),
    ("POST", "/clinics/{clinic_id}/share-code"): entry("clinician_a"),
    ("POST", "/clinics/{clinic_id}/on-call"): entry(
        "clinician_a", form={"on_call_email": "oncall@example.org"}
    ),
    ("POST", "/clinic-invites/{invite_id}/accept"): entry("clinician_x"),
    ("POST", "/clinic-invites/{invite_id}/decline"): entry("clinician_x"),
    ("POST", "/sharing/clinic"): entry(PATIENTS, form=CLINIC_SHARE),
    ("GET", "/api/clinics"): api(SIGNED_IN),
    ("POST", "/api/clinics"): api(ADMIN, json=NEW_CLINIC),
    ("GET", "/api/clinics/{clinic_id}"): api("clinician_a"),
    ("PATCH", "/api/clinics/{clinic_id}"): api(
        "clinician_a", json={"on_call_email": "oncall@example.org"}
    ),
    ("POST", "/api/clinics/{clinic_id}/share-code"): api("clinician_a"),
    ("POST", "/api/clinics/{clinic_id}/invites"): api("clinician_a", json={"username": "x"}),
    ("DELETE", "/api/clinics/{clinic_id}/members/{member_id}"): api("clinician_a"),
    ("GET", "/api/clinic-invites"): api(SIGNED_IN),
    ("POST", "/api/clinic-invites/{invite_id}/accept"): api("clinician_x"),
    ("POST", "/api/clinic-invites/{invite_id}/decline"): api("clinician_x"),
    ("POST", "/api/shares/clinic"): api(PATIENTS, json=CLINIC_SHARE),
    # --- the person's and clinician's pages (add yours below) ---
    ("GET", "/report"): entry(PATIENTS),
    ("GET", "/clinician/people/{person_id}/report"): entry("clinician_a"),
    # --- toolkit (web/routes/program.py, relax.py, relapse.py, help_now.py, toolkit_api.py) ---
    ("GET", "/program"): entry(PATIENTS),
    ("GET", "/program/lessons/{week}"): entry(PATIENTS, params={"week": "1"}),
    ("POST", "/program/lessons/{week}/complete"): entry(PATIENTS, params={"week": "1"}),
    ("POST", "/program/nudges/{code}/dismiss"): entry(PATIENTS, params={"code": "late_caffeine"}),
    ("POST", "/program/evening"): entry(PATIENTS, form={"bedroom_temp_c": "21.5"}),
    ("GET", "/program/thoughts"): entry(PATIENTS),
    ("POST", "/program/thoughts"): entry(
        PATIENTS, form={"thought": "I will never sleep", "belief_before": "80"}
    ),
    ("GET", "/program/supplements"): entry(SIGNED_IN),
    ("GET", "/program/reminders"): entry(PATIENTS),
    ("POST", "/program/reminders"): entry(
        PATIENTS, form={"morning_at": "07:15", "evening_at": "21:30"}
    ),
    ("GET", "/program/reminders.ics"): entry(PATIENTS),
    ("GET", "/relax"): entry(PATIENTS),
    ("GET", "/relax/{exercise_id}"): entry(PATIENTS, params={"exercise_id": "box_breathing"}),
    ("GET", "/sw.js"): entry(EVERYONE),
    ("GET", "/manifest.webmanifest"): entry(EVERYONE),
    ("GET", "/relapse"): entry(PATIENTS),
    ("POST", "/relapse"): entry(PATIENTS, form={"reasons": "my kids"}),
    ("POST", "/relapse/cravings"): entry(PATIENTS, form={"intensity": "6"}),
    ("GET", "/relapse/checkin"): entry(PATIENTS),
    ("POST", "/relapse/checkin"): entry(
        PATIENTS, form={"confidence": "3", "support": "3", "cravings": "1", "stress": "2"}
    ),
    ("GET", "/persons/{person_id}/relapse"): entry(A_AND_INVITED),
    ("GET", "/api/persons/{person_id}/toolkit/program"): api(A_AND_INVITED),
    ("GET", "/api/persons/{person_id}/toolkit/nudges"): api(A_AND_INVITED),
    ("GET", "/api/persons/{person_id}/toolkit/checkins"): api(A),
    # --- device exports in the web app and nights side by side (web/routes/device_import.py,
    # nights.py). Only the person uploads; no import job exists in the persona store, so
    # /imports/{job_id} is 404 for all here: test_device_import.py runs the personas
    # against a real job of patient A. ---
    ("GET", "/imports"): entry(PATIENTS),
    ("POST", "/imports"): entry(PATIENTS),
    ("GET", "/imports/{job_id}"): entry("", params={"job_id": "1"}),
    ("GET", "/api/me/imports/{job_id}"): api("", params={"job_id": "1"}),
    ("GET", "/nights"): entry(PATIENTS),
    ("GET", "/clinician/people/{person_id}/nights"): entry("clinician_a"),
    # --- the person's day and the clinician's view (web/routes/today.py, diary.py,
    # checkin.py, evening.py, plan.py, trends.py, clinician.py, api_person.py,
    # api_clinician.py); /clinician/* is for invited clinicians only ---
    ("GET", "/today"): entry(PATIENTS),
    ("GET", "/diary"): entry(PATIENTS),
    ("POST", "/diary"): entry(PATIENTS, form=DIARY_FORM),
    ("GET", "/checkin"): entry(PATIENTS),
    ("POST", "/checkin"): entry(PATIENTS, form={"date": "2026-03-01", "symptom_aches": "2"}),
    ("GET", "/checkin/isi"): entry(PATIENTS),
    ("POST", "/checkin/isi"): entry(PATIENTS, form={"isi": "10"}),
    ("GET", "/evening"): entry(PATIENTS),
    ("POST", "/evening"): entry(PATIENTS, form={"exercise_min": "20"}),
    ("GET", "/log"): entry(PATIENTS),
    ("POST", "/log"): entry(
        PATIENTS,
        form={"substance.0": "melatonin", "amount.0": "1", "unit.0": "mg", "time.0": "00:00"},
    ),
    ("GET", "/plan"): entry(PATIENTS),
    ("GET", "/taper"): entry(PATIENTS),
    ("GET", "/api/me/taper"): api(PATIENTS),
    ("POST", "/plan"): entry(PATIENTS, form={"rise": "07:00"}),
    ("GET", "/trends"): entry(PATIENTS),
    ("GET", "/profile"): entry(PATIENTS),
    ("POST", "/profile"): entry(PATIENTS, form=PROFILE_FORM),
    ("POST", "/clinician/people/{person_id}/profile"): entry("clinician_a", form={"none": "yes"}),
    ("GET", "/api/me/profile"): api(PATIENTS),
    ("PUT", "/api/me/profile"): api(PATIENTS, json={"conditions": []}),
    ("GET", "/api/people/{person_id}/profile"): api(A_AND_INVITED),
    ("PUT", "/api/people/{person_id}/profile"): api(A_AND_INVITED, json={"conditions": []}),
    ("GET", "/clinician"): entry(CLINICIANS),
    ("GET", "/clinician/people/{person_id}"): entry("clinician_a"),
    ("POST", "/clinician/people/{person_id}/settings"): entry(
        "clinician_a", form={"floor_min": "300"}
    ),
    ("POST", "/clinician/people/{person_id}/taper"): entry("clinician_a", form=TAPER_FORM),
    ("POST", "/clinician/people/{person_id}/window"): entry(
        "clinician_a", form={"rise": "06:30", "window_min": "330"}
    ),
    ("POST", "/clinician/people/{person_id}/notes"): entry("clinician_a", form={"body": "ok"}),
    ("POST", "/clinician/people/{person_id}/cows"): entry("clinician_a", form=COWS_FORM),
    ("POST", "/clinician/people/{person_id}/review"): entry("clinician_a"),
    ("GET", "/api/me/today"): api(PATIENTS),
    ("GET", "/api/me/trends"): api(PATIENTS),
    ("GET", "/api/me/notes"): api(PATIENTS),
    ("POST", "/api/me/diary"): api(PATIENTS, json=DIARY_FORM),
    ("POST", "/api/me/checkins"): api(PATIENTS, json={"date": "2026-03-01"}),
    ("POST", "/api/me/questionnaires/isi"): api(PATIENTS, json={"total": 10}),
    ("GET", "/api/me/questionnaires"): api(PATIENTS),
    ("POST", "/api/me/evening"): api(PATIENTS, json={"exercise_min": 20}),
    ("POST", "/api/me/intake"): api(
        PATIENTS,
        json={"items": [{"substance": "melatonin", "amount": "1", "unit": "mg", "time": "00:00"}]},
    ),
    ("GET", "/api/me/plan"): api(PATIENTS),
    ("GET", "/api/triage"): api(CLINICIANS),
    ("GET", "/api/caseload"): api(CLINICIANS),
    ("GET", "/api/people/{person_id}/review"): api("clinician_a"),
    ("POST", "/api/people/{person_id}/review"): api("clinician_a"),
    ("PUT", "/api/people/{person_id}/tags"): api("clinician_a", json={"tags": []}),
    ("PUT", "/api/people/{person_id}/assignment"): api("clinician_a", json={"assignee": None}),
    # a clinic's tags: clinician_a is clinic 1's admin (tests/services/clinic/test_tags.py)
    ("GET", "/api/clinics/{clinic_id}/tags"): api("clinician_a", params={"clinic_id": "1"}),
    ("POST", "/api/clinics/{clinic_id}/tags"): api(
        "clinician_a", params={"clinic_id": "1"}, json={"tag": "New intake"}
    ),
    ("DELETE", "/api/clinics/{clinic_id}/tags/{tag_id}"): api(
        "", params={"clinic_id": "1", "tag_id": "1"}
    ),
    ("GET", "/api/people/{person_id}/summary"): api(A_AND_INVITED),
    ("GET", "/api/people/{person_id}/notes"): api("clinician_a"),
    ("GET", "/api/people/{person_id}/questionnaires"): api(A_AND_INVITED),
    ("POST", "/api/people/{person_id}/cows"): api("clinician_a", json={"answers": COWS_ANSWERS}),
    ("POST", "/api/people/{person_id}/notes"): api("clinician_a", json={"body": "ok"}),
    ("PUT", "/api/people/{person_id}/settings"): api("clinician_a", json={"floor_min": 300}),
    ("GET", "/api/people/{person_id}/taper"): api(A_AND_INVITED),
    ("PUT", "/api/people/{person_id}/taper"): api(
        "clinician_a", json={**TAPER_FORM, "every_days": 7}
    ),
}
