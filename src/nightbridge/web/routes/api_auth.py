"""JSON API for logging in, the actor's account, sharing and account admin.

The session cookie authenticates (set by ``POST /api/auth/login``); every unsafe request
carries the session's CSRF token in ``X-CSRF-Token`` (``web.csrf``). Health-data
endpoints use the same ``PersonScope`` dependency as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nightbridge.core.errors import NotFound
from nightbridge.services.accounts.accounts import create_account, list_accounts, update_account
from nightbridge.services.accounts.auth import LoginRefused, authenticate, verify_totp
from nightbridge.services.accounts.reset_codes import issue_reset_code
from nightbridge.services.accounts.sharing import (
    create_invite,
    list_patients,
    list_shares,
    redeem_invite,
    revoke_share,
)
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.audit import person_events_page
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.web.deps import (
    AdminActor,
    AuditScope,
    ClinicianActor,
    CurrentActor,
    Cursor,
    DatabaseDep,
    ReadScope,
    RowId,
    SettingsDep,
)
from nightbridge.web.models import ApiModel
from nightbridge.web.sessions import (
    apply_cookie,
    current_session,
    end_current_session,
    login_attempt,
    start_session,
)

router = APIRouter(prefix="/api")


class LoginIn(ApiModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class TotpIn(ApiModel):
    code: str = Field(max_length=20)


class SessionOut(BaseModel):
    stage: str
    csrf_token: str


class MeOut(BaseModel):
    account_id: int
    username: str
    role: str
    person_id: int | None
    csrf_token: str


class InviteOut(BaseModel):
    code: str
    expires_at: dt.datetime


class RedeemIn(ApiModel):
    code: str = Field(max_length=64)


class InviteIn(ApiModel):
    clinician: str | None = Field(
        default=None,
        max_length=200,
        description="the username of the clinician it is for (only they can redeem it)",
    )
    access: Literal["view", "manage"] = Field(
        default="manage",
        description="view: read only; manage: read and change settings, taper and notes",
    )


class ShareOut(BaseModel):
    id: int
    person_id: int
    kind: Literal["clinician", "clinic"]
    clinician_id: int | None
    clinic_id: int | None
    name: str = Field(
        description="the clinician's username or the clinic's name (for the person); "
        "the person's name (for a clinician)"
    )
    access: Literal["view", "manage"]
    since: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


class AuditEventOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    actor_role: str
    action: str
    object: str
    outcome: str
    detail: str


class AuditPageOut(BaseModel):
    """One page of the trail, newest first; ``older``: pass it as ``before`` for the next
    page (null on the last)."""

    events: list[AuditEventOut]
    older: int | None


class PersonOut(BaseModel):
    id: int
    display_name: str
    tz: str
    region: str


class AccountIn(ApiModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2048)
    role: str = Field(max_length=20)
    display_name: str = Field(default="", max_length=200)
    tz: str = Field(
        default="", max_length=64, description="a person's IANA time zone (needed for a person)"
    )
    region: str = Field(
        default="", max_length=8, description="a person's region for crisis lines (needed)"
    )


class AccountUpdate(ApiModel):
    unlock: bool = False
    disabled: bool | None = None
    reset_totp: bool = False
    end_sessions: bool = False


class ResetCodeOut(BaseModel):
    """A one-time password reset code: shown once (only its hash is kept)."""

    account_id: int
    username: str
    code: str
    expires_at: dt.datetime


class AccountOut(BaseModel):
    id: int
    username: str
    role: str
    person_id: int | None
    totp_confirmed: bool
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool
    created_at: dt.datetime


def _json(request: Request, body: BaseModel, status_code: int = 200) -> Response:
    response = JSONResponse(body.model_dump(mode="json"), status_code=status_code)
    return apply_cookie(request, response)


@router.post("/auth/login", response_model=SessionOut, tags=["auth"])
def api_login(
    request: Request, body: LoginIn, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """Password step. ``stage`` is ``full``, or ``totp`` (send the code next) or
    ``enrol`` (set up TOTP in the web app first)."""
    try:
        account_id, stage = authenticate(
            database, settings.auth, body.username, body.password, attempt=login_attempt(request)
        )
    except LoginRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=401)
    info = start_session(request, account_id=account_id, stage=stage)
    return _json(request, SessionOut(stage=stage, csrf_token=info.csrf_token))


@router.post("/auth/totp", response_model=SessionOut, tags=["auth"])
def api_totp(
    request: Request, body: TotpIn, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """TOTP step for clinicians and admins; a new session id and CSRF token follow."""
    info = current_session(request)
    if info is None or info.stage != "totp" or info.actor.account_id is None:
        return JSONResponse({"detail": "log in with a password first"}, status_code=401)
    try:
        verify_totp(
            database,
            settings.auth,
            info.actor.account_id,
            body.code,
            keys=TotpKeys.of(settings),
            attempt=login_attempt(request),
        )
    except LoginRefused as exc:
        return JSONResponse({"detail": str(exc)}, status_code=401)
    new = start_session(request, account_id=info.actor.account_id, stage="full")
    return _json(request, SessionOut(stage="full", csrf_token=new.csrf_token))


@router.post("/auth/logout", status_code=204, tags=["auth"])
def api_logout(request: Request, database: DatabaseDep) -> Response:
    end_current_session(request, database)
    return apply_cookie(request, Response(status_code=204))


@router.get("/me", response_model=MeOut, tags=["account"])
def api_me(request: Request, actor: CurrentActor) -> MeOut:
    info = current_session(request)
    if info is None or actor.account_id is None:
        raise NotFound("no account")
    return MeOut(
        account_id=actor.account_id,
        username=info.username,
        role=actor.role,
        person_id=actor.person_id,
        csrf_token=info.csrf_token,
    )


@router.get("/persons/{person_id}", response_model=PersonOut, tags=["persons"])
def api_person(person_id: int, scope: ReadScope, database: DatabaseDep) -> PersonOut:
    """The person's name, zone and region (the person, or a clinician they invited)."""
    with database.reader() as session:
        persons = PersonRepository(session)
        profile = persons.get_profile(scope.person_id)
        name = persons.display_name(scope.person_id)
    return PersonOut(id=scope.person_id, display_name=name, tz=profile.tz, region=profile.region)


@router.get("/persons/{person_id}/audit", response_model=AuditPageOut, tags=["persons"])
def api_person_audit(
    person_id: int,
    scope: AuditScope,
    database: DatabaseDep,
    mine: bool = False,
    before: Cursor = None,
) -> AuditPageOut:
    """Who looked at this person's data (the person only), newest first, a page at a time
    over the whole history, as on ``/account/activity``: others by default, ``mine=true``
    adds the person's own visits; ``before``: the ``older`` of the previous page."""
    skip = None if mine else scope.actor.account_id
    page = person_events_page(database, scope.person_id, before=before, except_account=skip)
    events = [AuditEventOut.model_validate(e.to_dict()) for e in page.events]
    return AuditPageOut(events=events, older=page.older)


@router.get("/shares", response_model=list[ShareOut], tags=["sharing"])
def api_shares(actor: CurrentActor, database: DatabaseDep) -> list[ShareOut]:
    """The person's shares (active and revoked)."""
    shares = list_shares(database, actor, audit_as="GET /api/shares")
    return [ShareOut.model_validate(s.to_dict()) for s in shares]


@router.post("/invites", response_model=InviteOut, status_code=201, tags=["sharing"])
def api_invite(
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    body: InviteIn | None = None,
) -> InviteOut:
    """A one-time invite code for the person's data (shown once), for one named
    clinician if given, view only or view and manage (at most 5 open at a time)."""
    body = body or InviteIn()
    invite = create_invite(
        database, actor, clinician=body.clinician, access=body.access, ttl=settings.invite_ttl
    )
    return InviteOut(code=invite.code, expires_at=invite.expires_at)


@router.post("/invites/redeem", response_model=ShareOut, status_code=201, tags=["sharing"])
def api_redeem(body: RedeemIn, actor: CurrentActor, database: DatabaseDep) -> ShareOut:
    """A clinician redeems a person's invite code."""
    return ShareOut.model_validate(redeem_invite(database, actor, body.code).to_dict())


@router.delete("/shares/{share_id}", status_code=204, tags=["sharing"])
def api_revoke(share_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    """The person stops sharing with a clinician (effective on their next request)."""
    revoke_share(database, actor, share_id)
    return Response(status_code=204)


@router.get("/patients", response_model=list[ShareOut], tags=["sharing"])
def api_patients(actor: ClinicianActor, database: DatabaseDep) -> list[ShareOut]:
    """The people who share with this clinician (404 for anyone else)."""
    patients = list_patients(database, actor, audit_as="GET /api/patients")
    return [ShareOut.model_validate(s.to_dict()) for s in patients]


@router.get("/admin/accounts", response_model=list[AccountOut], tags=["admin"])
def api_accounts(actor: AdminActor, database: DatabaseDep) -> list[AccountOut]:
    return [AccountOut.model_validate(a.to_dict()) for a in list_accounts(database)]


@router.post("/admin/accounts", response_model=AccountOut, status_code=201, tags=["admin"])
def api_account_create(
    body: AccountIn, actor: AdminActor, database: DatabaseDep, settings: SettingsDep
) -> AccountOut:
    account_id = create_account(
        database,
        settings.auth,
        username=body.username,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
        by=actor,
        tz=body.tz,
        region=body.region,
        ask_location=True,
    )
    view = next(a for a in list_accounts(database) if a.id == account_id)
    return AccountOut.model_validate(view.to_dict())


@router.patch("/admin/accounts/{account_id}", response_model=AccountOut, tags=["admin"])
def api_account_update(
    account_id: RowId, body: AccountUpdate, actor: AdminActor, database: DatabaseDep
) -> AccountOut:
    view = update_account(
        database,
        actor,
        account_id,
        unlock=body.unlock,
        disabled=body.disabled,
        reset_totp=body.reset_totp,
        end_sessions=body.end_sessions,
    )
    return AccountOut.model_validate(view.to_dict())


@router.post(
    "/accounts/{account_id}/reset-code",
    response_model=ResetCodeOut,
    status_code=201,
    tags=["admin"],
)
def api_reset_code(
    account_id: RowId, actor: CurrentActor, database: DatabaseDep, settings: SettingsDep
) -> ResetCodeOut:
    """Issue a one-time password reset code for an account (a site admin: any account
    but their own; a clinic admin: their clinic's members and the people who share with
    it). It expires (``reset_code_ttl``), works once, only for that account, at /reset;
    earlier open codes of the account end. Audited; the account's person sees it."""
    issued = issue_reset_code(database, actor, account_id, ttl=settings.reset_code_ttl)
    return ResetCodeOut(
        account_id=issued.account_id,
        username=issued.username,
        code=issued.code,
        expires_at=issued.expires_at,
    )
