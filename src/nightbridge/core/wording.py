"""Words for internal states, for the people who read them (issue 10 item 12, H18).

Alert levels, alert codes, sleep-window actions and check-in flag names are internal
values (``advise``, ``phq9_moderate``, ``defer``, ``vomiting_24h``); pages, reports and
CLI output show these words instead, never the values and never a reference to the
docs. ``for_clinician`` says what an alert means to the clinician reading it (what was
reported, and when to act, per the levels of definitions.md section 4); the person is
shown the alert's own message, which speaks to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(message: str) -> str:
    """Mark ``message`` for the translation catalogue (docs/i18n.md) without translating
    it: ``core`` stays English and free of I/O; the web and the CLI show it through
    ``nightbridge.i18n.gettext``."""
    return message


#: An alert level as a short label (a badge).
LEVEL_NAME: dict[str, str] = {
    "emergency": "Emergency",
    "crisis": "Crisis",
    "urgent": "Urgent",
    "advise": "Next contact",
}

#: What each level asks of the clinician (definitions.md section 4).
LEVEL_FOR_CLINICIAN: dict[str, str] = {
    "emergency": "The person was told to call the emergency number now.",
    "crisis": "The person was shown the crisis lines. Contact them today.",
    "urgent": "Contact the person today.",
    "advise": "Raise it at the next contact.",
}

#: The sleep window's actions (definitions.md section 2) in words.
ACTION_WORDS: dict[str, str] = {
    "start": N_("a first window"),
    "increase": N_("lengthen by one step"),
    "keep": N_("keep the window"),
    "decrease": N_("shorten by one step"),
    "compress": N_("sleep compression (time in bed comes down gently)"),
    "defer": N_("no window yet: waiting until early withdrawal has passed"),
    "collect": N_("no window yet: more diary nights needed first"),
    "set": N_("set by hand"),
}

#: Check-in warning signs (docs/cli.md flag names) as reported.
FLAG_WORDS: dict[str, str] = {
    "chest_pain": "chest pain",
    "breathing": "trouble breathing, or slow or shallow breathing",
    "seizure": "a seizure",
    "fainting": "fainting, or could not stay awake or be woken",
    "confusion": "new confusion",
    "blue_lips": "blue or grey lips or skin",
    "vomiting_24h": "vomiting or diarrhoea for 24 hours or more",
    "no_fluids": "could not keep fluids down",
    "jaundice": "yellow skin or eyes",
    "dark_urine": "dark urine or pale stools",
}


#: Short titles of the alerts (a list, a badge); interaction rules are "Possible
#: interaction".
ALERT_TITLES: dict[str, str] = {
    "red_flag_chest_pain": "Chest pain",
    "red_flag_breathing": "Breathing",
    "red_flag_seizure": "Seizure",
    "red_flag_fainting": "Fainting or cannot stay awake",
    "red_flag_confusion": "New confusion",
    "red_flag_blue_lips": "Blue or grey lips",
    "self_harm_thoughts": "Thoughts of ending their life",
    "phq9_item9": "PHQ-9 item 9",
    "phq9_severe": "PHQ-9 severe",
    "phq9_moderate": "PHQ-9 moderate",
    "gad7_moderate": "GAD-7 moderate",
    "fluid_loss": "Fluid loss",
    "liver_signs": "Signs of liver injury",
    "withdrawal_pregnancy": "Withdrawal in pregnancy",
    "lost_tolerance": "Use after a break (lost tolerance)",
    "poor_sleep_after_last_dose": "Poor sleep after the last dose",
    "low_function": "Low daily function",
    "taper_large_step": "Taper step over 25 %",
    "depressant_combination": "Depressants combined",
}


def alert_title(code: str) -> str:
    return ALERT_TITLES.get(code, "Possible interaction")


def level_name(level: str) -> str:
    return LEVEL_NAME.get(level, level.capitalize())


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " "))


def _flags(evidence: Mapping[str, Any]) -> str:
    names = list(evidence.get("flags") or []) or [evidence.get("flag", "")]
    return " and ".join(FLAG_WORDS.get(str(n), str(n).replace("_", " ")) for n in names if n)


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _what(code: str, e: Mapping[str, Any], message: str) -> str:
    """What was reported or found, in a clinician's words."""
    if code.startswith("red_flag_"):
        return f"Reported {_flags(e)} in the daily check-in."
    if code == "self_harm_thoughts":
        return "Answered yes to thoughts of ending their life in the daily check-in."
    if code == "phq9_item9":
        return (
            f"PHQ-9 item 9 (better off dead, or hurting themselves) scored "
            f"{e.get('phq9_item9')} of 3; PHQ-9 total {e.get('phq9_total')}."
        )
    if code == "phq9_severe":
        return f"PHQ-9 total {e.get('phq9_total')}: severe depression symptoms (20 or more)."
    if code == "phq9_moderate":
        return (
            f"PHQ-9 total {e.get('phq9_total')}: moderate or moderately severe depression "
            "symptoms (10-19)."
        )
    if code == "gad7_moderate":
        return f"GAD-7 total {e.get('gad7_total')}: moderate or severe anxiety symptoms (10+)."
    if code == "fluid_loss":
        return f"Reported {_flags(e)}: a risk of dehydration."
    if code == "liver_signs":
        return f"Reported possible signs of liver injury: {_flags(e)}."
    if code == "withdrawal_pregnancy":
        return f"Withdrawal symptom score {e.get('withdrawal_score')} of 68 while pregnant."
    if code == "lost_tolerance":
        return (
            f"Logged {', '.join(e.get('substances') or [])} after {e.get('days_without')} "
            f"days without (last on {e.get('previous_dose_date')}): tolerance is lower, "
            "so the old amount risks overdose."
        )
    if code == "poor_sleep_after_last_dose":
        return (
            f"Poor sleep on {len(e.get('poor_nights') or [])} of the last 7 nights "
            f"({e.get('nights_recorded')} recorded), {e.get('days_since_last_dose')} days "
            f"after the last dose ({e.get('last_dose_date')})."
        )
    if code == "low_function":
        return "Rated their day 1 of 5 on three days running."
    if code == "taper_large_step":
        return (
            f"Today's taper step (step {e.get('step')}, to {_num(e.get('amount'))} "
            f"{e.get('unit')}) cuts {_num(e.get('cut_pct'))} %, more than 25 %; the step "
            "can be held longer."
        )
    if code == "depressant_combination":
        whys = [str(i.get("why", "")) for i in e.get("interactions") or [] if i.get("why")]
        return "Logged kratom or an opioid on the same day as another depressant" + (
            f": {' '.join(whys)}" if whys else "."
        )
    if e.get("why"):
        substances = ", ".join(str(s) for s in e.get("substances") or [])
        return f"Possible interaction{f' ({substances})' if substances else ''}: {e['why']}"
    return f"The person was told: {message}"


def what_happened(alert: Any) -> str:
    """What was reported or found (the alert's evidence in words, for any reader)."""
    return _what(alert.code, alert.evidence or {}, alert.message)


def for_clinician(alert: Any) -> str:
    """The alert in a clinician's words: what was reported and what the level asks."""
    what = _what(alert.code, alert.evidence or {}, alert.message)
    return f"{what} {LEVEL_FOR_CLINICIAN.get(alert.level, '')}".strip()


#: The audit trail's actions and outcomes ("who looked at my data") in words.
AUDIT_ACTIONS: dict[str, str] = {
    "read": N_("looked at"),
    "write": N_("changed"),
    "manage": N_("changed"),
    "review": N_("reviewed"),
    "audit": N_("looked at"),
    "login": N_("logged in"),
    "reauth": N_("confirmed their password"),
    "account.create": N_("created"),
    "account.update": N_("changed"),
    "account.password": N_("changed the password of"),
    "account.password.reset": N_("reset the password of"),
    "account.reset_code": N_("issued a password reset code for"),
    "account.recovery_codes": N_("made new two-step recovery codes for"),
    "share.invite": N_("made"),
    "share.redeem": N_("used"),
    "share.revoke": N_("stopped"),
    "share.clinic": N_("made"),
}
AUDIT_OUTCOMES: dict[str, str] = {
    "ok": N_("done"),
    "allowed": N_("allowed"),
    "denied": N_("refused"),
}
#: The last word of a page's address, as what the page holds.
_PAGES: dict[str, str] = {
    "": N_("your data"),
    "report": N_("your report"),
    "nights": N_("your diary and device nights"),
    "relapse": N_("your relapse-prevention plan"),
    "summary": N_("your summary"),
    "notes": N_("the clinicians' notes"),
    "taper": N_("your taper"),
    "settings": N_("your sleep-window settings"),
    "window": N_("your sleep window"),
    "program": N_("your program"),
    "nudges": N_("your reminders and nudges"),
    "checkins": N_("your check-ins"),
    "audit": N_("the list of who looked at your data"),
    "activity": N_("the list of who looked at your data"),
    "patients": N_("the list of people who share with them"),
    "review": N_("your alerts"),
    "sharing": N_("the sharing page"),
    "today": N_("your Today page"),
    "diary": N_("your diary"),
    "checkin": N_("your check-in"),
    "evening": N_("your evening"),
    "log": N_("your log"),
    "plan": N_("your plan"),
    "trends": N_("your trends"),
    "profile": N_("your profile"),
}
_OBJECTS: dict[str, str] = {
    "account": N_("an account"),
    "invite": N_("an invite code"),
    "share": N_("a share"),
    "totp": N_("the two-step login"),
}


#: The roles an audit entry names, in words (the code is the English word).
AUDIT_ROLES: dict[str, str] = {
    "person": N_("person"),
    "clinician": N_("clinician"),
    "admin": N_("admin"),
    "host": N_("host"),
    "system": N_("system"),
}


def _same(text: str) -> str:
    return text


def audit_object(text: str, tr: Callable[[str], str] = _same) -> str:
    """An audit entry's object in words: a page address ("GET /clinician/people/{id}/
    report") as what the page holds ("your report", "through the app's API" for /api/),
    ``share/3`` as "a share". ``tr`` puts the words in the reader's language (the web
    passes ``gettext``; core stays English)."""
    _method, _, path = text.partition(" ")
    if path.startswith("/"):
        parts = [p for p in path.split("/") if p and not p.startswith("{")]
        skip = {"api", "clinician", "people", "persons", "me", "toolkit"}
        words = [p for p in parts if p not in skip]
        last = words[-1] if words else ""
        known = _PAGES.get(last)
        what = (
            tr(known) if known is not None else "your " + last.replace("_", " ").replace("-", " ")
        )
        return what + (tr(N_(" (through the app's API)")) if parts[:1] == ["api"] else "")
    head = text.split("/", 1)[0]
    known = _OBJECTS.get(head)
    return tr(known) if known is not None else head.replace("_", " ").replace(".", " ")


def audit_words(
    action: str, obj: str, outcome: str, tr: Callable[[str], str] = _same
) -> tuple[str, str]:
    """(what was done, the result) of one audit entry, in words (``tr``: as above)."""
    known = AUDIT_ACTIONS.get(action)
    verb = tr(known) if known is not None else action.replace("_", " ").replace(".", " ")
    result = AUDIT_OUTCOMES.get(outcome)
    return f"{verb} {audit_object(obj, tr)}", tr(result) if result is not None else outcome


def audit_role(role: str, tr: Callable[[str], str] = _same) -> str:
    """An audit entry's role in words (``tr``: as above)."""
    known = AUDIT_ROLES.get(role)
    return tr(known) if known is not None else role
