"""The question a field is, as the person saw it on the page.

A refused value is named by the words of its form's label ("Minutes to fall asleep"), not
by the internal field name (``sol_min``). The JSON API's 422 body carries both: ``field``
(the name the API takes) and ``question`` (the label of the same field on the page), in
the one problem shape ``{"field", "question", "reason", "row"}`` (docs/web.md). The
labels are English, marked for the catalogue: the pages show them with ``_()``; the
JSON API keeps them in English.

``QUESTIONS`` holds the labels of the forms (web/templates); a page whose label differs
for the same field name overrides it in ``PAGE_QUESTIONS`` by its path. A field with no
label here is named by its field name in words (``every_days`` -> "every days"), and
``tests/web/test_bad_values.py`` checks that every field of the API's models has one.
"""

from __future__ import annotations

import re

from nightbridge.core.caseload import LABELS as CASELOAD_LABELS
from nightbridge.i18n import N_

QUESTIONS: dict[str, str] = {
    # the morning diary (person/diary.html)
    "date": N_("The morning this is for"),
    "bedtime": N_("Got into bed"),
    "lights_off": N_("Started trying to sleep"),
    "sol_min": N_("Minutes to fall asleep"),
    "nwak": N_("Times you woke"),
    "waso_min": N_("Minutes awake in the night, in total"),
    "final_wake": N_("Woke for the last time"),
    "out_of_bed": N_("Got out of bed"),
    "quality": N_("How well did you sleep?"),
    "rested": N_("How rested do you feel?"),
    "caffeine": N_("Caffeinated drinks"),
    "last_caffeine": N_("Time of the last caffeinated drink"),
    "alcohol": N_("Alcoholic drinks"),
    "last_alcohol": N_("Time of the last alcoholic drink"),
    "note": N_("Note"),
    "confirm": N_("Yes, these times are right"),
    # the evening log (person/evening.html)
    "substance": N_("What"),
    "amount": N_("Amount"),
    "unit": N_("Unit"),
    "time": N_("Time"),
    "items": N_("What you took"),
    "caffeine_cups": N_("Caffeinated drinks"),
    "alcohol_drinks": N_("Alcoholic drinks"),
    "screens_last_hour": N_("Screens in the last hour before bed"),
    "exercise_min": N_("Minutes of exercise"),
    "bedroom_temp_c": N_("Bedroom temperature (°C)"),
    "nap_start": N_("If you napped yesterday: when did the nap start?"),
    # the language (account.html, the chooser before login, PUT /api/me/language)
    "locale": N_("Language"),
    # the safety profile (person/profile.html, account_admin.html, clinician/person.html)
    "tz": N_("Time zone"),
    "region": N_("Where you are, for crisis and emergency lines"),
    "conditions": N_("Do any of these apply to you?"),
    "condition": N_("Do any of these apply to you?"),
    "safety_critical_job": N_("A job or daily task where sleepiness is dangerous"),
    "none": N_("None of these"),
    # the check-in (person/checkin.html)
    "symptoms": N_("Withdrawal symptoms"),
    "flags": N_("Warning signs"),
    "flag": N_("Warning signs"),
    "function": N_("How did you manage today?"),
    "self_harm_thoughts": N_("Since yesterday, have you had thoughts of ending your life?"),
    "phq9": N_("PHQ-9 questionnaire"),
    "gad7": N_("GAD-7 questionnaire"),
    # the ISI page (person/isi.html) and the COWS form (clinician/person.html)
    "isi": N_("ISI total (0-28)"),
    "cows": N_("COWS"),
    # tonight's plan and the clinician's forms (person/plan.html, clinician/person.html)
    "rise": N_("Rise time"),
    "current": N_("Your window now, in minutes"),
    "window_min": N_("Window (minutes in bed)"),
    "floor_min": N_("Shortest window (minutes)"),
    "raise_at_pct": N_("Lengthen when sleep efficiency is at least (%)"),
    "lower_at_pct": N_("Shorten when sleep efficiency is below (%)"),
    "step_min": N_("Step (minutes)"),
    "start_amount": N_("Start amount per day"),
    "start": N_("Start date"),
    "step_pct": N_("Step (%)"),
    "every_days": N_("Every (days)"),
    "min_step": N_("Smallest step (optional)"),
    "holds": N_("Holds (optional)"),
    "confirm_raise": N_("Yes, raise today's target"),
    "clinician_override": N_("Clinician override"),
    "body": N_("New note"),
    # the toolkit (toolkit/*.html)
    "thought": N_("The thought"),
    "situation": N_("What was happening?"),
    "evidence_for": N_("Evidence for it"),
    "evidence_against": N_("Evidence against it"),
    "balanced": N_("A more balanced thought"),
    "belief_before": N_("How strongly do you believe it? (0 to 100)"),
    "belief_after": N_("Now, how strongly do you believe the first thought? (0 to 100)"),
    "intensity": N_("How strong is it?"),
    "morning_at": N_("Morning diary"),
    "evening_at": N_("Evening log"),
    # the caseload's tags and assigned clinician (docs/caseload.md; English only yet)
    "tags": "Tags",
    "tag": "Tag",
    "assignee": "Assigned clinician",
    "clinic_id": "Clinic",
    # accounts, sharing and login
    "username": N_("Username"),
    "password": N_("Password"),
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "display_name": N_("Name shown to clinicians"),
    "role": N_("Role"),
    "code": N_("Code"),
    "next": N_("Page to open after logging in"),
    # clinics (clinics/*.html, sharing.html)
    "clinic_name": N_("Clinic name"),
    "admin_username": N_("Username of its first clinic admin"),
    "share_code": N_("Clinic share code"),
    "access": N_("What they may do"),
    "clinic_access": N_("What the clinic's team may do"),
    "clinician": N_("Clinician's username"),
    "invite": N_("Invite"),
    "member": N_("Member"),
    "on_call_email": N_("On-call email address"),
}

#: The caseload's filters as its page labels them.
_CASELOAD = CASELOAD_LABELS

PAGE_QUESTIONS: dict[str, dict[str, str]] = {
    "/clinician": _CASELOAD,
    "/api/caseload": _CASELOAD,
    "/checkin": {"date": N_("Day")},
    "/log": {"date": N_("Day")},
    "/api/me/checkins": {"date": N_("Day")},
    "/api/me/questionnaires/isi": {"total": N_("ISI total (0-28)")},
    "/api/people/{person_id}/cows": {"answers": N_("COWS")},
    "/sharing/redeem": {"code": N_("Invite code")},
    "/api/invites/redeem": {"code": N_("Invite code")},
    "/login/totp": {"code": N_("Code from the app")},
    "/api/auth/totp": {"code": N_("Code from the app")},
    "/account/totp": {"current_password": N_("Your password")},
    "/api/shares/clinic": {"access": N_("What the clinic's team may do")},
}

_INDEX = re.compile(r"\.(\d+)$")
#: Check-in parts as the check-in route names them: ``symptom_aches`` (or the core's
#: ``symptom aches``) and ``phq9_item_2`` (``phq9 item 2``), ``cows item 3``.
_SYMPTOM = re.compile(r"symptom[_ ]([a-z_]+)")
_ITEM = re.compile(r"(phq9|gad7|cows)[_ ]item[_ ](\d+)")


def question_for(field: str, path: str = "") -> str:
    """The label of ``field`` (``symptoms.aches``, ``phq9.3`` name their part) on the page
    at ``path``; the field name in words when it has none."""
    if not field:
        return "The request"
    item_of = _ITEM.fullmatch(field)
    if item_of:
        return f"{QUESTIONS[item_of.group(1)]}, question {int(item_of.group(2))}"
    symptom = _SYMPTOM.fullmatch(field)
    if symptom:
        return f"{QUESTIONS['symptoms']}: {_symptom_words(symptom.group(1))}"
    head, _, rest = field.partition(".")
    page = PAGE_QUESTIONS.get(path, {})
    known = page.get(head) or QUESTIONS.get(head)
    if known is None:
        known = head.replace("_", " ").strip()
    if not rest:
        return known
    item = _INDEX.search(field)
    if item and rest.isdigit():
        return f"{known}, item {int(item.group(1)) + 1}"
    return f"{known}: {rest.replace('_', ' ').replace('.', ', ')}"


def _symptom_words(key: str) -> str:
    """A withdrawal symptom as the check-in lists it ("muscle or bone aches")."""
    from nightbridge.content import load_json

    items = load_json("instruments/withdrawal.json")["items"]
    words = {item["key"]: item["text"] for item in items}
    return str(words.get(key, key.replace("_", " ")))
