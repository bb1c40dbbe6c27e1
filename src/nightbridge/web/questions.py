"""The question a field is, as the person saw it on the page.

A refused value is named by the words of its form's label ("Minutes to fall asleep"), not
by the internal field name (``sol_min``). The JSON API's 422 body carries both: ``field``
(the name the API takes) and ``question`` (the label of the same field on the page), in
the one problem shape ``{"field", "question", "reason", "row"}`` (docs/web.md).

``QUESTIONS`` holds the labels of the forms (web/templates); a page whose label differs
for the same field name overrides it in ``PAGE_QUESTIONS`` by its path. A field with no
label here is named by its field name in words (``every_days`` -> "every days"), and
``tests/web/test_bad_values.py`` checks that every field of the API's models has one.
"""

from __future__ import annotations

import re

QUESTIONS: dict[str, str] = {
    # the morning diary (person/diary.html)
    "date": "The morning this is for",
    "bedtime": "Got into bed",
    "lights_off": "Started trying to sleep",
    "sol_min": "Minutes to fall asleep",
    "nwak": "Times you woke",
    "waso_min": "Minutes awake in the night, in total",
    "final_wake": "Woke for the last time",
    "out_of_bed": "Got out of bed",
    "quality": "How well did you sleep?",
    "rested": "How rested do you feel?",
    "caffeine": "Caffeinated drinks",
    "last_caffeine": "Time of the last caffeinated drink",
    "alcohol": "Alcoholic drinks",
    "last_alcohol": "Time of the last alcoholic drink",
    "note": "Note",
    "confirm": "Yes, these times are right",
    # the evening log (person/evening.html)
    "substance": "What",
    "amount": "Amount",
    "unit": "Unit",
    "time": "Time",
    "items": "What you took",
    "caffeine_cups": "Caffeinated drinks",
    "alcohol_drinks": "Alcoholic drinks",
    "screens_last_hour": "Screens in the last hour before bed",
    "exercise_min": "Minutes of exercise",
    "bedroom_temp_c": "Bedroom temperature (°C)",
    "nap_start": "If you napped yesterday: when did the nap start?",
    # the language (account.html, the chooser before login, PUT /api/me/language)
    "locale": "Language",
    # the safety profile (person/profile.html, account_admin.html, clinician/person.html)
    "tz": "Time zone",
    "region": "Where you are, for crisis and emergency lines",
    "conditions": "Do any of these apply to you?",
    "condition": "Do any of these apply to you?",
    "safety_critical_job": "A job or daily task where sleepiness is dangerous",
    "none": "None of these",
    # the check-in (person/checkin.html)
    "symptoms": "Withdrawal symptoms",
    "flags": "Warning signs",
    "flag": "Warning signs",
    "function": "How did you manage today?",
    "self_harm_thoughts": "Since yesterday, have you had thoughts of ending your life?",
    "phq9": "PHQ-9 questionnaire",
    "gad7": "GAD-7 questionnaire",
    # tonight's plan and the clinician's forms (person/plan.html, clinician/person.html)
    "rise": "Rise time",
    "current": "Your window now, in minutes",
    "window_min": "Window (minutes in bed)",
    "floor_min": "Shortest window (minutes)",
    "raise_at_pct": "Lengthen when sleep efficiency is at least (%)",
    "lower_at_pct": "Shorten when sleep efficiency is below (%)",
    "step_min": "Step (minutes)",
    "start_amount": "Start amount per day",
    "start": "Start date",
    "step_pct": "Step (%)",
    "every_days": "Every (days)",
    "min_step": "Smallest step (optional)",
    "holds": "Holds (optional)",
    "confirm_raise": "Yes, raise today's target",
    "clinician_override": "Clinician override",
    "body": "New note",
    # the toolkit (toolkit/*.html)
    "thought": "The thought",
    "situation": "What was happening?",
    "evidence_for": "Evidence for it",
    "evidence_against": "Evidence against it",
    "balanced": "A more balanced thought",
    "belief_before": "How strongly do you believe it? (0 to 100)",
    "belief_after": "Now, how strongly do you believe the first thought? (0 to 100)",
    "intensity": "How strong is it?",
    "morning_at": "Morning diary",
    "evening_at": "Evening log",
    # accounts, sharing and login
    "username": "Username",
    "password": "Password",
    "current_password": "Current password",
    "new_password": "New password",
    "display_name": "Name shown to clinicians",
    "role": "Role",
    "code": "Code",
    "next": "Page to open after logging in",
}

PAGE_QUESTIONS: dict[str, dict[str, str]] = {
    "/checkin": {"date": "Day"},
    "/log": {"date": "Day"},
    "/api/me/checkins": {"date": "Day"},
    "/sharing/redeem": {"code": "Invite code"},
    "/api/invites/redeem": {"code": "Invite code"},
    "/login/totp": {"code": "Code from the app"},
    "/api/auth/totp": {"code": "Code from the app"},
    "/account/totp": {"current_password": "Your password"},
}

_INDEX = re.compile(r"\.(\d+)$")
#: Check-in parts as the check-in route names them: ``symptom_aches`` (or the core's
#: ``symptom aches``) and ``phq9_item_2`` (``phq9 item 2``).
_SYMPTOM = re.compile(r"symptom[_ ]([a-z_]+)")
_ITEM = re.compile(r"(phq9|gad7)[_ ]item[_ ](\d+)")


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
