"""The actor's own account: password change; and "who looked at my data"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.accounts.accounts import change_password, get_account
from nightbridge.services.accounts.auth import (
    LoginRefused,
    end_other_sessions,
    start_enrolment,
    verify_password,
    verify_totp,
)
from nightbridge.services.audit import list_person_events
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.web.deps import AuditScope, CurrentActor, DatabaseDep, SettingsDep, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.sessions import current_session

router = APIRouter(include_in_schema=False)


@router.get("/account")
def account_page(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    account = get_account(database, actor.account_id or 0)
    return render(request, "account.html", {"account": account, "errors": {}})


@router.post("/account/password")
def password_change(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=2048)],
) -> Response:
    info = current_session(request)
    errors: dict[str, list[str]] = {}
    try:
        change_password(
            database,
            settings.auth,
            actor,
            current=current_password,
            new=new_password,
            keep_token=info.token if info else None,
        )
    except InvalidInput as exc:
        errors = errors_by_field(exc)
    account = get_account(database, actor.account_id or 0)
    return render(
        request,
        "account.html",
        {"account": account, "errors": errors, "changed": not errors},
        status_code=422 if errors else 200,
    )


@router.get("/account/activity")
def activity(
    request: Request, scope: AuditScope, database: DatabaseDep, mine: bool = False
) -> Response:
    """Who looked at my data: others by default; ``?mine=1`` adds my own visits."""
    skip = None if mine else scope.actor.account_id
    events = list_person_events(database, scope.person_id, except_account=skip)
    return render(request, "account_activity.html", {"events": events, "mine": mine})


def _enrol_page(
    request: Request, database: DatabaseDep, account_id: int, **extra: object
) -> Response:
    account = get_account(database, account_id)
    if account.totp_confirmed:
        raise NotFound("two-step login is already on")
    secret, uri = start_enrolment(database, account_id)
    context = {"secret": secret, "uri": uri, "action": "/account/totp", "reauth": True, **extra}
    return render(
        request, "totp_enrol.html", context, status_code=422 if extra.get("error") else 200
    )


@router.get("/account/totp")
def totp_setup(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    """A person turns on two-step login (clinicians and admins have it already)."""
    return _enrol_page(request, database, actor.account_id or 0)


@router.post("/account/totp")
def totp_confirm(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=20)],
    current_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Confirm with the password (re-authentication, ASVS 7.5.1) and a first code."""
    account_id = actor.account_id or 0
    with database.reader() as session:
        row = AccountRepository(session).get(account_id)
        password_hash = row.password_hash if row else ""
    if not verify_password(settings.auth, password_hash, current_password):
        return _enrol_page(request, database, account_id, error="That is not your password.")
    try:
        verify_totp(database, settings.auth, account_id, code, confirm=True)
    except LoginRefused as exc:
        return _enrol_page(request, database, account_id, error=str(exc))
    account = get_account(database, account_id)
    return render(request, "account.html", {"account": account, "errors": {}, "totp_on": True})


@router.post("/account/sessions/end-others")
def end_others(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    """Log out every other device of this account (ASVS 7.5.2)."""
    info = current_session(request)
    end_other_sessions(database, actor.account_id or 0, info.token if info else None)
    account = get_account(database, actor.account_id or 0)
    return render(request, "account.html", {"account": account, "errors": {}, "ended": True})
