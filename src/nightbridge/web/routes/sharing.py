"""Sharing pages: the person invites one clinician or shares with a clinic by its code
(view only, or view and manage) and revokes; the clinician redeems a code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.accounts.sharing import (
    create_invite,
    list_patients,
    list_shares,
    redeem_invite,
    revoke_share,
    share_with_clinic,
)
from nightbridge.web.deps import CurrentActor, DatabaseDep, RowId, SettingsDep, render
from nightbridge.web.forms import errors_by_field

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    **extra: object,
) -> Response:
    context: dict[str, object] = {
        "ttl_hours": int(settings.invite_ttl.total_seconds() // 3600),
        "errors": {},
        "form": {"clinician": "", "access": "", "share_code": "", "clinic_access": ""},
    }
    # the names shown are written to each person's audit trail (services.accounts.sharing)
    shown_by = f"{request.method} {request.url.path}"
    if actor.role == "person":
        context["shares"] = list_shares(database, actor, audit_as=shown_by)
    elif actor.role == "clinician":
        context["patients"] = list_patients(database, actor, audit_as=shown_by)
    else:
        raise NotFound("admins do not share health data")
    context.update(extra)
    status = 422 if context.get("errors") else 200
    return render(request, "sharing.html", context, status_code=status)


@router.get("/sharing")
def sharing_page(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    revoked: bool = False,
    redeemed: bool = False,
    clinic: bool = False,
) -> Response:
    return _page(
        request, actor, database, settings, revoked=revoked, redeemed=redeemed, clinic=clinic
    )


@router.post("/sharing/invites")
def invite(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    clinician: Annotated[str, Form(max_length=200)] = "",
    access: Annotated[str, Form(max_length=20)] = "manage",
) -> Response:
    """An invite code, for one named clinician if given, view only or view and manage."""
    try:
        created = create_invite(
            database, actor, clinician=clinician or None, access=access, ttl=settings.invite_ttl
        )
    except InvalidInput as exc:
        form = {"clinician": clinician, "access": access, "share_code": "", "clinic_access": ""}
        return _page(request, actor, database, settings, errors=errors_by_field(exc), form=form)
    return render(
        request,
        "sharing_invite.html",
        {"invite": created, "clinician": clinician.strip(), "access": access},
    )


@router.post("/sharing/clinic")
def share_clinic(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    share_code: Annotated[str, Form(max_length=64)],
    access: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The person shares with a clinic by its share code, view only or view and manage."""
    try:
        share_with_clinic(database, actor, share_code, access)
    except InvalidInput as exc:
        form = {"clinician": "", "access": "", "share_code": share_code, "clinic_access": access}
        errors = errors_by_field(exc)
        if "access" in errors:  # the clinic form's own radio group
            errors["clinic_access"] = errors.pop("access")
        return _page(request, actor, database, settings, errors=errors, form=form)
    return RedirectResponse("/sharing?clinic=1", status_code=303)


@router.post("/sharing/{share_id}/revoke")
def revoke(share_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    revoke_share(database, actor, share_id)
    return RedirectResponse("/sharing?revoked=1", status_code=303)


@router.post("/sharing/redeem")
def redeem(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=64)],
) -> Response:
    try:
        redeem_invite(database, actor, code)
    except InvalidInput as exc:
        return _page(request, actor, database, settings, errors=errors_by_field(exc))
    return RedirectResponse("/sharing?redeemed=1", status_code=303)
