"""The actor's own account: password change; and "who looked at my data". A person also
sees their settings here (issue 13 item 7): the time zone and region in force (changed on
the safety profile page where it exists), the language (English; Spanish is planned) and
the reminder times (changed here, in the calendar file or as browser notifications)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.accounts.accounts import change_password, get_account
from nightbridge.services.accounts.auth import (
    LoginRefused,
    check_current_password,
    end_other_sessions,
    enrolment_secret,
    verify_totp,
)
from nightbridge.services.accounts.recovery_codes import codes_left, regenerate_codes
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.audit import person_events_page
from nightbridge.web.deps import (
    AuditScope,
    CurrentActor,
    Cursor,
    DatabaseDep,
    SettingsDep,
    render,
)
from nightbridge.web.forms import errors_by_field
from nightbridge.web.sessions import current_session, login_attempt

router = APIRouter(include_in_schema=False)


def person_settings(request: Request, database: DatabaseDep, actor: Any) -> dict[str, Any]:
    """The settings section of a person's account page (empty for other roles); the read
    goes through the one permission check and is audited."""
    if actor.role != "person" or actor.person_id is None:
        return {}
    from nightbridge.services.access import check_access
    from nightbridge.services.accounts.notes import list_notes
    from nightbridge.services.recovery.reminders import reminder_times
    from nightbridge.services.sleep.profile import get_profile

    check_access(database, actor, actor.person_id, "read", "GET /account (settings)")
    profile = get_profile(database, actor.person_id)
    return {
        "settings_of": {
            "tz": profile.tz,
            "region": profile.region,
            "reminders": reminder_times(database, actor.person_id),
            "profile_page": "/profile" in request.app.state.page_paths,
            "notes": list_notes(database, actor.person_id, shared_only=True),
        }
    }


@router.get("/account")
def account_page(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    account = get_account(database, actor.account_id or 0)
    context = {"account": account, "errors": {}, **person_settings(request, database, actor)}
    return render(request, "account.html", context)


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
            attempt=login_attempt(request),
        )
    except InvalidInput as exc:
        errors = errors_by_field(exc)
    account = get_account(database, actor.account_id or 0)
    return render(
        request,
        "account.html",
        {
            "account": account,
            "errors": errors,
            "changed": not errors,
            **person_settings(request, database, actor),
        },
        status_code=422 if errors else 200,
    )


@router.get("/account/activity")
def activity(
    request: Request,
    scope: AuditScope,
    database: DatabaseDep,
    mine: bool = False,
    before: Cursor = None,
) -> Response:
    """Who looked at my data, newest first, page by page over the whole history
    (``?before=`` the cursor of the older page): others by default; ``?mine=1`` adds my
    own visits. ``/api/persons/{id}/audit`` gives the same pages."""
    skip = None if mine else scope.actor.account_id
    page = person_events_page(database, scope.person_id, before=before, except_account=skip)
    context = {"events": page.events, "older": page.older, "mine": mine, "paged": before}
    return render(request, "account_activity.html", context)


def _offered_secret(request: Request, database: DatabaseDep, account_id: int) -> tuple[str, str]:
    """The TOTP secret this session offers: derived from its own secret, never stored
    before a code confirms it, so ``GET /account/totp`` changes nothing."""
    info = current_session(request)
    return enrolment_secret(database, account_id, info.csrf_token if info else "")


def _enrol_page(
    request: Request, database: DatabaseDep, account_id: int, **extra: object
) -> Response:
    account = get_account(database, account_id)
    if account.totp_confirmed:
        raise NotFound("two-step login is already on")
    secret, uri = _offered_secret(request, database, account_id)
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
    attempt = login_attempt(request)
    try:
        check_current_password(
            database,
            settings.auth,
            account_id,
            current_password,
            purpose="account/totp",
            attempt=attempt,
        )
    except InvalidInput as exc:
        reason = exc.problems[0].reason
        error = "That is not your password." if reason.startswith("is not") else reason
        return _enrol_page(request, database, account_id, error=error[:1].upper() + error[1:])
    secret, _ = _offered_secret(request, database, account_id)
    try:
        codes = verify_totp(
            database,
            settings.auth,
            account_id,
            code,
            keys=TotpKeys.of(settings),
            confirm=True,
            pending=secret,
            attempt=attempt,
        )
    except LoginRefused as exc:
        return _enrol_page(request, database, account_id, error=str(exc))
    context = {"codes": codes, "enrolled": True, "next": "/account"}
    return render(request, "recovery_codes.html", context)


def _recovery_page(
    request: Request, database: DatabaseDep, account_id: int, **extra: object
) -> Response:
    account = get_account(database, account_id)
    if not account.totp_confirmed:
        raise NotFound("two-step login is off")
    context = {"left": codes_left(database, account_id), "codes": [], "errors": {}, **extra}
    status = 422 if extra.get("errors") else 200
    return render(request, "recovery_codes.html", context, status_code=status)


@router.get("/account/recovery-codes")
def recovery_codes_page(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    """How many recovery codes are left, and a form to make a new set (GET writes nothing)."""
    return _recovery_page(request, database, actor.account_id or 0)


@router.post("/account/recovery-codes")
def recovery_codes_new(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    current_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """A new set after the current password (throttled and audited); shown once."""
    account_id = actor.account_id or 0
    _recovery_page(request, database, account_id)  # 404 unless two-step login is on
    try:
        codes = regenerate_codes(
            database, settings.auth, actor, current_password, attempt=login_attempt(request)
        )
    except InvalidInput as exc:
        return _recovery_page(request, database, account_id, errors=errors_by_field(exc))
    return render(request, "recovery_codes.html", {"codes": codes, "next": "/account"})


@router.post("/account/sessions/end-others")
def end_others(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    """Log out every other device of this account (ASVS 7.5.2)."""
    info = current_session(request)
    end_other_sessions(database, actor.account_id or 0, info.token if info else None)
    account = get_account(database, actor.account_id or 0)
    return render(request, "account.html", {"account": account, "errors": {}, "ended": True})
