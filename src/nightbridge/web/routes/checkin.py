"""The daily check-in page: withdrawal symptoms (0-4), red flags, daily function (1-5),
the question about thoughts of ending one's life (in Nightbridge's own words; PHQ-9 item
9 alone misses many at risk: Simon et al., Psychiatr Serv 2013;64:1195-1202), and PHQ-9
and GAD-7 when they are due (every 14 days; definitions.md section 3).

After saving, the alerts the check-in raised are at the top of the page (a chest pain
answer shows the emergency banner with the local number as a ``tel:`` link).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import int_problem, parse_day
from nightbridge.i18n import N_, current_locale
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.i18n import locale_for
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()

#: Plain words for the red flags (definitions.md section 4; names from docs/cli.md).
FLAG_LABELS: dict[str, str] = {
    "chest_pain": N_("Chest pain"),
    "breathing": N_("Trouble breathing, or slow or shallow breathing"),
    "seizure": N_("A seizure (fit)"),
    "fainting": N_("Fainting, or cannot stay awake"),
    "confusion": N_("New confusion"),
    "blue_lips": N_("Blue or grey lips or skin"),
    "vomiting_24h": N_("Vomiting or diarrhoea for 24 hours or more"),
    "no_fluids": N_("Cannot keep fluids down"),
    "jaundice": N_("Yellow skin or eyes"),
    "dark_urine": N_("Dark urine or pale stools"),
}
FUNCTION_LABELS = (
    (1, N_("Could not manage")),
    (2, N_("Hard")),
    (3, N_("Managed")),
    (4, N_("Well")),
    (5, N_("Very well")),
)
SELF_HARM_QUESTION = N_("Since yesterday, have you had thoughts of ending your life?")


def _instrument(name: str) -> dict[str, Any]:
    """The instrument in the reader's language where a translation is shipped (a
    validated one only in its published version, docs/instruments.md), else English with
    ``in_english`` set, so the page can say so and mark it ``lang="en"``."""
    from nightbridge.content import load_json, localised_name

    locale = current_locale()
    path = f"instruments/{name}.json"
    doc: dict[str, Any] = dict(load_json(path, locale))
    doc["in_english"] = locale != "en" and localised_name(path, locale) == path
    return doc


def _int_or_problem(text: str, field: str, problems: list[Problem]) -> int | None:
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None
    too_large = int_problem(number)
    if too_large:
        problems.append(Problem(field, too_large))
        return None
    return number


def parse_checkin_form(form: FormData) -> tuple[dt.date | None, dict[str, Any], list[Problem]]:
    """The form's values as ``record_checkin`` arguments, and the problems found."""
    from nightbridge.core.checkin import RED_FLAGS
    from nightbridge.core.instruments.withdrawal import SYMPTOMS

    problems: list[Problem] = []
    raw_date = str(form.get("date", "")).strip()
    day: dt.date | None = None
    try:
        day = parse_day(raw_date, "date")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    symptoms: dict[str, int] = {}
    for name in SYMPTOMS:
        value = _int_or_problem(str(form.get(f"symptom_{name}", "")), f"symptom {name}", problems)
        if value is not None:
            symptoms[name] = value
    flags = [str(f) for f in form.getlist("flag") if str(f) in RED_FLAGS]
    function = _int_or_problem(str(form.get("function", "")), "function", problems)
    answer = str(form.get("self_harm_thoughts", ""))
    self_harm = {"yes": True, "no": False}.get(answer)
    questionnaires: dict[str, list[int] | None] = {}
    for name, count in (("phq9", 9), ("gad7", 7)):
        texts = [str(form.get(f"{name}_{i}", "")).strip() for i in range(1, count + 1)]
        if not any(texts):
            questionnaires[name] = None
            continue
        answers: list[int] = []
        for i, text in enumerate(texts, start=1):
            if not text:
                problems.append(Problem(f"{name} item {i}", "answer every item, or none"))
                continue
            value = _int_or_problem(text, f"{name} item {i}", problems)
            answers.append(value if value is not None else -1)
        questionnaires[name] = answers
    args = {
        "symptoms": symptoms,
        "flags": flags,
        "function": function,
        "self_harm_thoughts": self_harm,
        **questionnaires,
    }
    return day, args, problems


def _page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    *,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status_code: int = 200,
    saved: Any = None,
    day_alerts: Any = (),
) -> Response:
    from nightbridge.core.instruments.withdrawal import SYMPTOMS
    from nightbridge.services.recovery.safety import crisis_lines_for
    from nightbridge.services.sleep.dashboard import last_questionnaires, person_today_date
    from nightbridge.services.sleep.dashboard import questionnaires_due as due_of

    locale_for(request)  # the crisis lines and the questionnaires in the reader's language
    today = person_today_date(db, person_id)
    due = due_of(last_questionnaires(db, person_id, today), today)
    withdrawal = _instrument("withdrawal")
    labels = {item["key"]: item["text"] for item in withdrawal["items"]}
    return render(
        request,
        "person/checkin.html",
        {
            "title": "Daily check-in",
            "today": today,
            "values": values,
            "errors": errors,
            "symptoms": [(name, labels.get(name, name)) for name in SYMPTOMS],
            "withdrawal": withdrawal,
            "flags": FLAG_LABELS,
            "function_labels": FUNCTION_LABELS,
            "self_harm_question": SELF_HARM_QUESTION,
            "crisis_lines": crisis_lines_for(db, person_id),
            "questionnaires": [
                _instrument(name) for name in ("phq9", "gad7") if name in due or values.get(name)
            ],
            "saved": saved,
            "day_alerts": day_alerts,
        },
        status_code=status_code,
    )


@router.get("/checkin", include_in_schema=False)
def checkin_page(
    request: Request, db: DatabaseDep, scope: ReadScope, saved: str | None = None
) -> Response:
    from nightbridge.services.recovery.checkins import list_checkins
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    stored = None
    alerts: list[Any] = []
    if saved:
        try:
            day = parse_day(saved, "saved")
        except InvalidInput:
            day = today
        found = list_checkins(db, scope.person_id, day, day)
        stored = found[0] if found else None
        alerts = alerts_between(db, scope.person_id, day, day)
    values: dict[str, Any] = {"date": today.isoformat(), "flag": []}
    if not saved:
        earlier = list_checkins(db, scope.person_id, today, today)
        if earlier:
            values.update(values_of(earlier[0]))
    return _page(
        request,
        db,
        scope.person_id,
        values=values,
        errors={},
        saved=stored,
        day_alerts=alerts,
    )


def values_of(checkin: Any) -> dict[str, Any]:
    """Form values of a stored check-in (today's answers so far are shown again; a
    second check-in the same day adds to the first)."""
    values: dict[str, Any] = {f"symptom_{k}": str(v) for k, v in checkin.symptoms.items()}
    values["flag"] = sorted(checkin.flags)
    if checkin.function is not None:
        values["function"] = str(checkin.function)
    if checkin.self_harm_thoughts is not None:
        values["self_harm_thoughts"] = "yes" if checkin.self_harm_thoughts else "no"
    return values


@router.post("/checkin", include_in_schema=False)
def checkin_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.recovery.checkins import record_checkin

    values: dict[str, Any] = {
        k: str(v) for k, v in form.items() if k not in ("csrf_token", "idempotency_key")
    }
    values["flag"] = [str(f) for f in form.getlist("flag")]
    for name in ("phq9", "gad7"):
        values[name] = any(k.startswith(f"{name}_") and v for k, v in values.items())
    day, args, problems = parse_checkin_form(form)

    def write(keyed: Database) -> str:
        if problems or day is None:
            raise InvalidInput(problems)
        record_checkin(keyed, scope.person_id, day, **args)
        return f"/checkin?saved={day.isoformat()}"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            errors.setdefault(p.field.replace(" ", "_"), []).append(p.reason)
        return _page(request, db, scope.person_id, values=values, errors=errors, status_code=422)
