"""The clinician's view: the triage list, and one person's page with the same charts,
alerts and their evidence, questionnaires over time, intake against the taper, and the
forms a clinician may use (sleep-window settings, taper schedule, notes).

Every page about a person goes through ``ReadScope``/``ManageScope`` (the one permission
check, audited); the ``/clinician`` pages are for clinicians only (``ClinicianActor``),
so a person manages their own settings and taper on their own pages, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import parse_day
from nightbridge.web.deps import (
    ClinicianActor,
    DatabaseDep,
    FormDep,
    ManageScope,
    ReadScope,
    render,
)
from nightbridge.web.forms import errors_by_field

router = APIRouter()

WINDOW_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("floor_min", "Shortest window (minutes)", "300 = 5 h"),
    ("raise_at_pct", "Lengthen when sleep efficiency is at least (%)", "default 90"),
    ("lower_at_pct", "Shorten when sleep efficiency is below (%)", "default 85"),
    ("step_min", "Step (minutes)", "default 15"),
)
TAPER_FIELDS: tuple[str, ...] = (
    "substance",
    "start_amount",
    "unit",
    "start",
    "step_pct",
    "every_days",
    "min_step",
    "holds",
)
#: What the "saved" banner says for each form (never the form's internal name).
SAVED: dict[str, str] = {
    "settings": "Saved: the sleep-window settings.",
    "window": "Saved: the rise time and window.",
    "taper": "Saved: the taper schedule.",
    "taper-unchanged": "Nothing changed: this is the taper schedule in force, so nothing "
    "was stored.",
    "note": "Saved: the note.",
}


def parse_holds(text: str) -> list[Any]:
    """``"3:7, 5:14"`` -> holds (step 3 held 7 more days, ...); InvalidInput on ``holds``."""
    from nightbridge.core.taper import Hold

    holds = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        step, sep, days = part.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            holds.append(Hold(int(step), int(days)))
        except ValueError:
            raise InvalidInput.one(
                "holds", f"{part.strip()!r} is not step:days (for example 3:7)"
            ) from None
    return holds


def holds_text(plan: Any) -> str:
    """The holds of ``plan`` as the form shows them (``"3:7, 5:14"``)."""
    return ", ".join(f"{h.step}:{h.days}" for h in plan.holds) if plan else ""


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """An alert's evidence as short readable lines (a list of interactions becomes the
    rule names and their one-line why, not a Python repr)."""
    lines: list[str] = []
    for key, value in evidence.items():
        label = key.replace("_", " ")
        if isinstance(value, list | tuple):
            parts = []
            for item in value:
                if isinstance(item, dict):
                    name = str(item.get("rule") or item.get("name") or item.get("code") or "")
                    why = str(item.get("why") or "")
                    parts.append(f"{name.replace('_', ' ')}: {why}" if why else name)
                else:
                    parts.append(str(item).replace("_", " "))
            lines.append(f"{label}: {'; '.join(parts)}")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items())
            lines.append(f"{label}: {inner}")
        else:
            lines.append(f"{label}: {value}")
    return lines


@router.get("/clinician", include_in_schema=False)
def triage_page(
    request: Request,
    db: DatabaseDep,
    actor: ClinicianActor,
    page: int = Query(default=1, ge=1, le=1_000_000),
) -> Response:
    from nightbridge.services.clinic.triage import triage_page as read_page

    found = read_page(db, actor, page=page)
    return render(
        request,
        "clinician/triage.html",
        {"title": "My people", "rows": found.rows, "listing": found},
    )


def person_page_context(db: DatabaseDep, person_id: int) -> dict[str, Any]:
    """Everything the clinician's person page shows (also used after a refused form)."""
    from nightbridge.core.window_plan import describe_history
    from nightbridge.services.accounts.notes import list_notes
    from nightbridge.services.recovery.intake import list_intake
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.recovery.taper import get_taper, taper_adherence, taper_history
    from nightbridge.services.sleep.dashboard import build_trends, person_today_date, person_zone
    from nightbridge.services.sleep.profile import get_profile
    from nightbridge.services.sleep.window import current_plan, plan_history
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.web.routes.trends import trend_charts

    today = person_today_date(db, person_id)
    view = build_trends(db, person_id, end=today, days=42)
    with db.reader() as session:
        name = PersonRepository(session).display_name(person_id)
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(person_zone(db, person_id))
    intake = [
        (e.at.astimezone(zone), e)
        for e in list_intake(db, person_id, today - dt.timedelta(days=13), today)
    ]
    return {
        "title": name or "Person",
        "person_id": person_id,
        "name": name,
        "today": today,
        "view": view,
        "charts": trend_charts(view, prefix="p-"),
        "alerts_now": alerts_between(db, person_id, today, today),
        "alerts_recent": alerts_between(db, person_id, today - dt.timedelta(days=41), today),
        "questionnaires": [c for c in view.checkins if c.phq9 is not None or c.gad7 is not None],
        "intake": list(reversed(intake)),
        "taper": get_taper(db, person_id),
        "taper_history": taper_history(db, person_id),
        "holds_text": holds_text,
        "adherence": taper_adherence(db, person_id, today=today),
        "notes": list_notes(db, person_id),
        "profile": get_profile(db, person_id),
        **screen_context(get_profile(db, person_id)),
        "window_fields": WINDOW_FIELDS,
        "window_plan": current_plan(db, person_id),
        "window_history": describe_history(plan_history(db, person_id)),
        "evidence_lines": evidence_lines,
        "errors": {},
        "form": "",
        "values": {},
    }


def screen_context(profile: Any) -> dict[str, Any]:
    """The restriction-safety screen's answers and labels (web/routes/safety_profile.py)."""
    from nightbridge.core.profile import CONDITION_LABELS, SAFETY_JOB_LABEL
    from nightbridge.web.routes.safety_profile import form_values

    return {
        "screen": form_values(profile),
        "condition_labels": CONDITION_LABELS,
        "job_label": SAFETY_JOB_LABEL,
    }


@router.get("/clinician/people/{person_id}", include_in_schema=False)
def person_page(
    request: Request, db: DatabaseDep, actor: ClinicianActor, scope: ReadScope, saved: str = ""
) -> Response:
    context = person_page_context(db, scope.person_id)
    context["saved"] = SAVED.get(saved, "")
    return render(request, "clinician/person.html", context)


def _refused(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    form: str,
    values: dict[str, str],
    exc: InvalidInput,
) -> Response:
    context = person_page_context(db, person_id)
    context.update({"errors": errors_by_field(exc), "form": form, "values": values})
    return render(request, "clinician/person.html", context, status_code=422)


def _number(values: dict[str, str], name: str, problems: list[Problem], kind: type = float) -> Any:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a number"))
        return None


@router.post("/clinician/people/{person_id}/settings", include_in_schema=False)
def save_settings(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.sleep.profile import update_profile

    values = {name: str(form.get(name, "")).strip() for name, _, _ in WINDOW_FIELDS}
    problems: list[Problem] = []
    changes = {
        name: _number(values, name, problems, int if name.endswith("_min") else float)
        for name, _, _ in WINDOW_FIELDS
    }
    try:
        if problems:
            raise InvalidInput(problems)
        update_profile(db, scope.person_id, by="clinician", **changes)
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "settings", values, exc)
    return RedirectResponse(f"/clinician/people/{scope.person_id}?saved=settings", status_code=303)


@router.post("/clinician/people/{person_id}/window", include_in_schema=False)
def save_window(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    """Set the rise time and window in force (by the clinician), from today; the window
    empty stores the rise time alone (definitions.md section 2)."""
    from nightbridge.services.sleep.window import parse_rise, set_plan

    values = {name: str(form.get(name, "")).strip() for name in ("rise", "window_min")}
    problems: list[Problem] = []
    rise = None
    try:
        rise = parse_rise(values["rise"])
    except InvalidInput as exc:
        problems.extend(exc.problems)
    window = _number(values, "window_min", problems, int)
    try:
        if problems or rise is None:
            raise InvalidInput(problems)
        set_plan(db, scope.person_id, rise=rise, window_min=window, by="clinician")
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "window", values, exc)
    return RedirectResponse(f"/clinician/people/{scope.person_id}?saved=window", status_code=303)


@router.post("/clinician/people/{person_id}/taper", include_in_schema=False)
def save_taper(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.recovery.taper import set_taper

    values = {name: str(form.get(name, "")).strip() for name in TAPER_FIELDS}
    values["clinician_override"] = "yes" if form.get("clinician_override") else ""
    problems: list[Problem] = []
    start: dt.date | None = None
    holds: list[Any] = []
    try:
        start = parse_day(values["start"], "start")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        holds = parse_holds(values["holds"])
    except InvalidInput as exc:
        problems.extend(exc.problems)
    every = _number(values, "every_days", problems, int)
    try:
        if problems or start is None:
            raise InvalidInput(problems)
        saved = set_taper(
            db,
            scope.person_id,
            substance=values["substance"],
            start_amount=values["start_amount"],
            unit=values["unit"],
            start=start,
            step_pct=values["step_pct"],
            every_days=every,
            min_step=values["min_step"] or None,
            holds=holds,
            clinician_override=bool(values["clinician_override"]),
            by=actor,
            confirm_raise=bool(form.get("confirm_raise")),
        )
    except InvalidInput as exc:
        return _refused(request, db, scope.person_id, "taper", values, exc)
    done = "taper" if saved.changed else "taper-unchanged"
    return RedirectResponse(f"/clinician/people/{scope.person_id}?saved={done}", status_code=303)


@router.post("/clinician/people/{person_id}/notes", include_in_schema=False)
def save_note(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    from nightbridge.services.accounts.notes import add_note

    body = str(form.get("body", ""))
    shared = form.get("shared") == "yes"
    try:
        add_note(db, scope.person_id, actor.account_id, body, shared=shared)
    except InvalidInput as exc:
        values = {"body": body, "shared": "yes" if shared else ""}
        return _refused(request, db, scope.person_id, "note", values, exc)
    return RedirectResponse(f"/clinician/people/{scope.person_id}?saved=note", status_code=303)
