"""The six-week CBT-I program: overview with hygiene nudges and symptom plans, the
weekly lessons, the thought record, supplements and reminders (docs/toolkit.md).

Every page about a person's data takes ``ReadScope``/``WriteScope`` (web/deps.py);
supplements are content only and need a signed-in actor.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.web.deps import (
    CurrentActor,
    DatabaseDep,
    FormDep,
    ReadScope,
    RowId,
    WriteScope,
    render,
)
from nightbridge.web.forms import errors_by_field

router = APIRouter(include_in_schema=False)


def _today(db: DatabaseDep, person_id: int) -> dt.date:
    from nightbridge.services.sleep.diary import local_today, person_zone

    return local_today(person_zone(db, person_id))


def _window(db: DatabaseDep, person_id: int, today: dt.date) -> object | None:
    """Tonight's sleep-window advice (definitions.md section 2)."""
    from nightbridge.services.sleep.dashboard import tonight_plan
    from nightbridge.services.sleep.profile import ScreenNeeded

    try:
        return tonight_plan(db, person_id, today)
    except ScreenNeeded:  # no window until the safety questions are answered
        return None


@router.get("/program")
def program_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.toolkit import TOOL_PAGES, program_status, symptom_plans
    from nightbridge.services.sleep.nudges import nudges_for

    today = _today(db, scope.person_id)
    status = program_status(db, scope.person_id, today=today)
    checked_on, plans = symptom_plans(db, scope.person_id)
    window = _window(db, scope.person_id, today) if status.is_unlocked("sleep_window") else None
    return render(
        request,
        "toolkit/program.html",
        {
            "title": "Your program",
            "status": status,
            "nudges": nudges_for(db, scope.person_id, today=today),
            "plans": plans,
            "checked_on": checked_on,
            "window": window,
            "tool_pages": TOOL_PAGES,
            "can_write": scope.is_self,
            "saved_last_night": request.query_params.get("saved") == "last-night",
        },
    )


@router.get("/program/lessons/{week}")
def lesson_page(request: Request, week: RowId, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.toolkit import TOOL_PAGES, program_status, render_markdown

    today = _today(db, scope.person_id)
    status = program_status(db, scope.person_id, today=today)
    try:
        state = status.state_of(week)
    except InvalidInput:
        raise NotFound(f"there is no lesson for week {week}") from None
    window = None
    if week == 3 and state.open:
        window = _window(db, scope.person_id, today)
    return render(
        request,
        "toolkit/lesson.html",
        {
            "title": state.lesson.title,
            "state": state,
            "body": render_markdown(state.lesson.body) if state.open else "",
            "window": window,
            "tool_pages": TOOL_PAGES,
            "can_write": scope.is_self,
        },
    )


@router.post("/program/lessons/{week}/complete")
def complete_lesson_submit(
    request: Request, week: RowId, db: DatabaseDep, scope: WriteScope
) -> Response:
    from nightbridge.services.recovery.toolkit import complete_lesson

    try:
        complete_lesson(db, scope.person_id, week)
    except InvalidInput as exc:
        return render(
            request,
            "toolkit/refused.html",
            {"title": "Not yet", "errors": errors_by_field(exc), "back": "/program"},
            status_code=422,
        )
    return RedirectResponse(f"/program/lessons/{week}?done=1", status_code=303)


@router.post("/program/nudges/{code}/dismiss")
def dismiss_nudge_submit(
    request: Request, code: str, db: DatabaseDep, scope: WriteScope
) -> Response:
    from nightbridge.services.sleep.nudges import dismiss_nudge

    try:
        dismiss_nudge(db, scope.person_id, code)
    except InvalidInput:
        raise NotFound(f"no nudge {code!r}") from None
    return RedirectResponse("/program#nudges", status_code=303)


@router.post("/program/evening")
def last_night_submit(
    request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope
) -> Response:
    """Last night's bedroom temperature and yesterday's nap start (evening items the
    diary and the evening log do not ask), dated by this morning."""
    from nightbridge.services.recovery.toolkit import save_evening

    today = _today(db, scope.person_id)
    fields = {
        "date": today.isoformat(),
        "bedroom_temp_c": str(form.get("bedroom_temp_c", "")).strip(),
        "nap_start": str(form.get("nap_start", "")).strip(),
    }
    try:
        save_evening(db, scope.person_id, fields, today=today)
    except InvalidInput as exc:
        return render(
            request,
            "toolkit/refused.html",
            {"title": "Not saved", "errors": errors_by_field(exc), "back": "/program#last-night"},
            status_code=422,
        )
    return RedirectResponse("/program?saved=last-night#last-night", status_code=303)


def _thoughts_page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    values: dict[str, str],
    errors: dict[str, list[str]],
    *,
    status_code: int = 200,
) -> Response:
    from nightbridge.services.recovery.toolkit import program_status, thought_records

    status = program_status(db, person_id, today=_today(db, person_id))
    return render(
        request,
        "toolkit/thoughts.html",
        {
            "title": "Thought record",
            "unlocked": status.is_unlocked("thought_record"),
            "opened_by": status.unlocked_by("thought_record"),
            "records": thought_records(db, person_id),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/program/thoughts")
def thoughts_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    return _thoughts_page(request, db, scope.person_id, {}, {})


@router.post("/program/thoughts")
def thoughts_submit(
    request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope
) -> Response:
    from nightbridge.services.recovery.toolkit import add_thought_record, program_status

    status = program_status(db, scope.person_id, today=_today(db, scope.person_id))
    if not status.is_unlocked("thought_record"):
        return _thoughts_page(request, db, scope.person_id, {}, {}, status_code=409)
    names = (
        "situation",
        "thought",
        "belief_before",
        "evidence_for",
        "evidence_against",
        "balanced",
        "belief_after",
    )
    values = {name: str(form.get(name, "")) for name in names}
    try:
        add_thought_record(db, scope.person_id, values)
    except InvalidInput as exc:
        return _thoughts_page(
            request, db, scope.person_id, values, errors_by_field(exc), status_code=422
        )
    return RedirectResponse("/program/thoughts", status_code=303)


@router.get("/program/supplements")
def supplements_page(request: Request, actor: CurrentActor) -> Response:
    from nightbridge.services.recovery.toolkit import supplements

    return render(
        request,
        "toolkit/supplements.html",
        {"title": "Supplements and evidence", "doc": supplements()},
    )


@router.get("/program/reminders")
def reminders_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.reminders import reminder_times

    return render(
        request,
        "toolkit/reminders.html",
        {
            "title": "Reminders",
            "times": reminder_times(db, scope.person_id),
            "errors": {},
        },
    )


@router.post("/program/reminders")
def reminders_submit(
    request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope
) -> Response:
    from nightbridge.services.recovery.reminders import save_reminder_times

    times = {k: str(form.get(k, "")) for k in ("morning_at", "evening_at")}
    try:
        save_reminder_times(db, scope.person_id, times["morning_at"], times["evening_at"])
    except InvalidInput as exc:
        return render(
            request,
            "toolkit/reminders.html",
            {"title": "Reminders", "times": times, "errors": errors_by_field(exc)},
            status_code=422,
        )
    return RedirectResponse("/program/reminders?saved=1", status_code=303)


@router.get("/program/reminders.ics")
def reminders_calendar(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.reminders import calendar_for

    text = calendar_for(
        db, scope.person_id, base_url=str(request.base_url), today=_today(db, scope.person_id)
    )
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="nightbridge-reminders.ics"'},
    )
