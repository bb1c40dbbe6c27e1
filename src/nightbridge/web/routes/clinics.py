"""Clinic pages: a clinician's clinics and invites; a clinic's page (members, and for its
clinic admins: invite, remove, share code, on-call address); a site admin creates
clinics. Every permission is decided in ``services.access`` (through the services)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.clinic.clinics import (
    CLINIC_INVITE_TTL,
    MAX_OPEN_INVITES,
    ROLE_WORDS,
    answer_invite,
    clinic_detail,
    create_clinic,
    invite_clinician,
    list_clinics,
    pending_invites,
    remove_member,
    rotate_share_code,
    set_on_call_email,
)
from nightbridge.web.deps import CurrentActor, DatabaseDep, RowId, render
from nightbridge.web.forms import errors_by_field

router = APIRouter(include_in_schema=False)


def _clinics_page(
    request: Request, actor: CurrentActor, database: DatabaseDep, **extra: object
) -> Response:
    if actor.role not in ("clinician", "admin"):
        raise NotFound("clinics are for clinicians and site admins")
    context: dict[str, object] = {
        "clinics": list_clinics(database, actor),
        "invites": pending_invites(database, actor),
        "errors": {},
        "form": {"clinic_name": "", "admin_username": ""},
        "role_words": ROLE_WORDS,
        "done": "",
        **extra,
    }
    status = 422 if context.get("errors") else 200
    return render(request, "clinics/index.html", context, status_code=status)


@router.get("/clinics")
def clinics_page(
    request: Request, actor: CurrentActor, database: DatabaseDep, done: str = ""
) -> Response:
    return _clinics_page(request, actor, database, done=done[:20])


@router.post("/clinics")
def clinic_create(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    clinic_name: Annotated[str, Form(max_length=200)],
    admin_username: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        created = create_clinic(database, actor, name=clinic_name, admin_username=admin_username)
    except InvalidInput as exc:
        form = {"clinic_name": clinic_name, "admin_username": admin_username}
        return _clinics_page(request, actor, database, errors=errors_by_field(exc), form=form)
    return RedirectResponse(f"/clinics?done=created-{created.id}", status_code=303)


@router.post("/clinic-invites/{invite_id}/accept")
def invite_accept(invite_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    joined = answer_invite(database, actor, invite_id, accept=True)
    assert joined is not None
    return RedirectResponse(f"/clinics/{joined.id}?done=joined", status_code=303)


@router.post("/clinic-invites/{invite_id}/decline")
def invite_decline(invite_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    answer_invite(database, actor, invite_id, accept=False)
    return RedirectResponse("/clinics?done=declined", status_code=303)


def _clinic_page(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    clinic_id: int,
    **extra: object,
) -> Response:
    detail = clinic_detail(database, actor, clinic_id)
    context: dict[str, object] = {
        "detail": detail,
        "clinic": detail.clinic,
        "errors": {},
        "form": {"username": "", "on_call_email": detail.clinic.on_call_email or ""},
        "role_words": ROLE_WORDS,
        "invite_days": CLINIC_INVITE_TTL.days,
        "max_open": MAX_OPEN_INVITES,
        "done": "",
        **extra,
    }
    status = 422 if context.get("errors") else 200
    return render(request, "clinics/clinic.html", context, status_code=status)


@router.get("/clinics/{clinic_id}")
def clinic_page(
    request: Request,
    clinic_id: RowId,
    actor: CurrentActor,
    database: DatabaseDep,
    done: str = "",
) -> Response:
    return _clinic_page(request, actor, database, clinic_id, done=done[:20])


@router.post("/clinics/{clinic_id}/invites")
def clinic_invite(
    request: Request,
    clinic_id: RowId,
    actor: CurrentActor,
    database: DatabaseDep,
    username: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        invite_clinician(database, actor, clinic_id, username=username)
    except InvalidInput as exc:
        form = {"username": username}
        return _clinic_page(
            request, actor, database, clinic_id, errors=errors_by_field(exc), form=form
        )
    return RedirectResponse(f"/clinics/{clinic_id}?done=invited", status_code=303)


@router.post("/clinics/{clinic_id}/members/{member_id}/remove")
def clinic_remove(
    request: Request,
    clinic_id: RowId,
    member_id: RowId,
    actor: CurrentActor,
    database: DatabaseDep,
) -> Response:
    try:
        remove_member(database, actor, clinic_id, member_id)
    except InvalidInput as exc:
        return _clinic_page(request, actor, database, clinic_id, errors=errors_by_field(exc))
    if member_id and actor.role == "clinician":
        try:
            clinic_detail(database, actor, clinic_id)
        except NotFound:  # they left the clinic themselves
            return RedirectResponse("/clinics?done=left", status_code=303)
    return RedirectResponse(f"/clinics/{clinic_id}?done=removed", status_code=303)


@router.post("/clinics/{clinic_id}/share-code")
def clinic_rotate(clinic_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    rotate_share_code(database, actor, clinic_id)
    return RedirectResponse(f"/clinics/{clinic_id}?done=code", status_code=303)


@router.post("/clinics/{clinic_id}/on-call")
def clinic_on_call(
    request: Request,
    clinic_id: RowId,
    actor: CurrentActor,
    database: DatabaseDep,
    on_call_email: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        set_on_call_email(database, actor, clinic_id, on_call_email)
    except InvalidInput as exc:
        form = {"username": "", "on_call_email": on_call_email}
        return _clinic_page(
            request, actor, database, clinic_id, errors=errors_by_field(exc), form=form
        )
    return RedirectResponse(f"/clinics/{clinic_id}?done=on-call", status_code=303)
