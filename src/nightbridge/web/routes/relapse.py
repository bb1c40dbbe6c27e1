"""Relapse prevention: the person's plan (triggers, warning signs, coping steps, people
to call, reasons), the craving log, the weekly check-in with its trend, and the view a
clinician gets of it when the person shares it (core.relapse; docs/toolkit.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.idempotency import submit_form_once

router = APIRouter(include_in_schema=False)

#: Rows of "people to call" the form offers.
PEOPLE_ROWS = 5


def _plan_page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    from nightbridge.core.relapse import PLAN_LISTS
    from nightbridge.services.recovery.relapse import checkin_trend, content, cravings, get_plan
    from nightbridge.services.recovery.toolkit import program_status

    plan = get_plan(db, person_id)
    if values is None:
        values = {name: "\n".join(getattr(plan, name)) for name in PLAN_LISTS}
        values["people"] = [(c.name, c.phone) for c in plan.people]
        values["shared"] = plan.shared
    people = list(values["people"]) + [("", "")] * max(0, PEOPLE_ROWS - len(values["people"]))
    return render(
        request,
        "toolkit/relapse.html",
        {
            "title": "My relapse-prevention plan",
            "doc": content(),
            "values": values,
            "people": people,
            "errors": errors or {},
            "cravings": cravings(db, person_id, limit=10),
            "trend": checkin_trend(db, person_id),
            "checkin_open": program_status(db, person_id).is_unlocked("relapse_checkin"),
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=status_code,
    )


@router.get("/relapse")
def relapse_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    return _plan_page(request, db, scope.person_id)


@router.post("/relapse")
def relapse_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.core.relapse import PLAN_LISTS, split_lines
    from nightbridge.services.recovery.relapse import save_plan

    texts = {name: str(form.get(name, "")) for name in PLAN_LISTS}
    names = [str(v) for v in form.getlist("person_name")]
    phones = [str(v) for v in form.getlist("person_phone")]
    people = list(zip(names, phones, strict=False))
    shared = form.get("shared") == "yes"
    try:
        save_plan(
            db,
            scope.person_id,
            {name: split_lines(text) for name, text in texts.items()},
            people,
            shared=shared,
        )
    except InvalidInput as exc:
        values: dict[str, Any] = {**texts, "people": people, "shared": shared}
        return _plan_page(
            request,
            db,
            scope.person_id,
            values=values,
            errors=errors_by_field(exc),
            status_code=422,
        )
    return RedirectResponse("/relapse?saved=1#plan", status_code=303)


@router.post("/relapse/cravings")
def craving_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.recovery.relapse import log_craving

    def write(keyed: Database) -> str:
        log_craving(
            keyed,
            scope.person_id,
            str(form.get("intensity", "")),
            str(form.get("trigger", "")),
            str(form.get("helped", "")),
        )
        return "/relapse#cravings"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        return _plan_page(
            request, db, scope.person_id, errors=errors_by_field(exc), status_code=422
        )


def _checkin_page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    from nightbridge.services.recovery.relapse import checkin_trend, content
    from nightbridge.services.recovery.toolkit import program_status

    status = program_status(db, person_id)
    return render(
        request,
        "toolkit/relapse_checkin.html",
        {
            "title": "Weekly check-in",
            "doc": content(),
            "trend": checkin_trend(db, person_id),
            "unlocked": status.is_unlocked("relapse_checkin"),
            "opened_by": status.unlocked_by("relapse_checkin"),
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/relapse/checkin")
def checkin_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    return _checkin_page(request, db, scope.person_id)


@router.post("/relapse/checkin")
def checkin_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.core.relapse import CHECKIN_ITEMS
    from nightbridge.services.recovery.relapse import record_checkin
    from nightbridge.services.recovery.toolkit import program_status

    if not program_status(db, scope.person_id).is_unlocked("relapse_checkin"):
        return _checkin_page(request, db, scope.person_id, status_code=409)
    try:
        record_checkin(db, scope.person_id, {k: str(form.get(k, "")) for k in CHECKIN_ITEMS})
    except InvalidInput as exc:
        return _checkin_page(
            request, db, scope.person_id, errors=errors_by_field(exc), status_code=422
        )
    return RedirectResponse("/relapse/checkin", status_code=303)


@router.get("/persons/{person_id}/relapse")
def shared_relapse_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    """What a clinician sees: the plan and the check-in trend, only if shared."""
    from nightbridge.services.recovery.relapse import content, shared_with_clinician

    if scope.is_self:
        return RedirectResponse("/relapse", status_code=303)
    return render(
        request,
        "toolkit/relapse_shared.html",
        {
            "title": "Relapse prevention",
            "shared": shared_with_clinician(db, scope.person_id),
            "doc": content(),
            "person_id": scope.person_id,
        },
    )
