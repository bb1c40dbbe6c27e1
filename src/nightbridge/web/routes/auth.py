"""Log in (password, then TOTP for clinicians and admins), set up TOTP, log out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.accounts.accounts import create_account, has_accounts
from nightbridge.services.accounts.auth import (
    LoginRefused,
    authenticate,
    enrolment_secret,
    verify_totp,
)
from nightbridge.services.accounts.reset_codes import ResetRefused, redeem_reset_code
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.web.deps import DatabaseDep, SettingsDep, render
from nightbridge.web.forms import errors_by_field, safe_next
from nightbridge.web.sessions import (
    COOKIE_NEEDS_HTTPS,
    apply_cookie,
    cookie_needs_https,
    current_session,
    end_current_session,
    ensure_session,
    login_attempt,
    start_session,
)

router = APIRouter(include_in_schema=False)


def _redirect(request: Request, path: str) -> Response:
    return apply_cookie(request, RedirectResponse(path, status_code=303))


def _not_pending(request: Request) -> Response:
    """Where to go when no login step is waiting: home if logged in, else /login."""
    info = current_session(request)
    return _redirect(request, "/" if info is not None and info.stage == "full" else "/login")


def _offered_secret(request: Request, database: DatabaseDep, account_id: int) -> tuple[str, str]:
    """The TOTP secret this login session offers (derived, not stored: a GET writes
    nothing) and its ``otpauth://`` URI."""
    info = current_session(request)
    return enrolment_secret(database, account_id, info.csrf_token if info else "")


def _pending(request: Request, stage: str) -> int | None:
    """The account id of a session waiting at ``stage``, else None."""
    info = current_session(request)
    if info is None or info.stage != stage:
        return None
    return info.actor.account_id


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    info = current_session(request)
    if info is not None and info.stage == "full":
        return _redirect(request, safe_next(next))
    ensure_session(request)
    first_run = not has_accounts(request.app.state.database)
    context = {
        "next": safe_next(next),
        "username": "",
        "first_run": first_run,
        "needs_https": COOKIE_NEEDS_HTTPS if cookie_needs_https(request) else "",
    }
    return render(request, "login.html", context)


@router.post("/login")
def login(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next(next)
    try:
        account_id, stage = authenticate(
            database, settings.auth, username, password, attempt=login_attempt(request)
        )
    except LoginRefused as exc:
        return render(
            request,
            "login.html",
            {"next": target, "username": username, "error": str(exc)},
            status_code=401,
        )
    start_session(request, account_id=account_id, stage=stage)
    query = urlencode({"next": target})
    if stage == "totp":
        return _redirect(request, f"/login/totp?{query}")
    if stage == "enrol":
        return _redirect(request, f"/login/totp/enrol?{query}")
    return _redirect(request, target)


@router.get("/login/totp")
def totp_form(request: Request, next: str = "/") -> Response:
    if _pending(request, "totp") is None:
        return _not_pending(request)
    return render(request, "totp.html", {"next": safe_next(next)})


@router.post("/login/totp")
def totp_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    account_id = _pending(request, "totp")
    if account_id is None:
        return _not_pending(request)
    try:
        verify_totp(
            database,
            settings.auth,
            account_id,
            code,
            keys=TotpKeys.of(settings),
            attempt=login_attempt(request),
        )
    except LoginRefused as exc:
        return render(
            request, "totp.html", {"next": safe_next(next), "error": str(exc)}, status_code=401
        )
    start_session(request, account_id=account_id, stage="full")
    return _redirect(request, safe_next(next))


@router.get("/login/totp/enrol")
def enrol_form(request: Request, database: DatabaseDep, next: str = "/") -> Response:
    account_id = _pending(request, "enrol")
    if account_id is None:
        return _not_pending(request)
    secret, uri = _offered_secret(request, database, account_id)
    return render(
        request, "totp_enrol.html", {"next": safe_next(next), "secret": secret, "uri": uri}
    )


@router.post("/login/totp/enrol")
def enrol_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    account_id = _pending(request, "enrol")
    if account_id is None:
        return _not_pending(request)
    secret, uri = _offered_secret(request, database, account_id)
    try:
        codes = verify_totp(
            database,
            settings.auth,
            account_id,
            code,
            keys=TotpKeys.of(settings),
            confirm=True,
            pending=secret,
            attempt=login_attempt(request),
        )
    except LoginRefused as exc:
        return render(
            request,
            "totp_enrol.html",
            {"next": safe_next(next), "secret": secret, "uri": uri, "error": str(exc)},
            status_code=401,
        )
    start_session(request, account_id=account_id, stage="full")
    # the recovery codes, shown once, then on to where the login was going
    context = {"codes": codes, "enrolled": True, "next": safe_next(next)}
    return render(request, "recovery_codes.html", context)


@router.post("/logout")
def logout(request: Request, database: DatabaseDep) -> Response:
    end_current_session(request, database)
    return _redirect(request, "/login")


@router.get("/reset")
def reset_form(request: Request) -> Response:
    """Set a new password with a reset code an admin issued (anyone may open it)."""
    ensure_session(request)
    return render(request, "reset.html", {"username": "", "errors": {}})


@router.post("/reset")
def reset_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    code: Annotated[str, Form(max_length=60)],
    new_password: Annotated[str, Form(max_length=2048)],
) -> Response:
    """Throttled and audited like a login; every refusal in the same words."""
    context: dict[str, object] = {"username": username, "errors": {}}
    try:
        redeem_reset_code(
            database, settings.auth, username, code, new_password, attempt=login_attempt(request)
        )
    except InvalidInput as exc:
        errors = errors_by_field(exc)
        return render(request, "reset.html", {**context, "errors": errors}, status_code=422)
    except ResetRefused as exc:
        return render(request, "reset.html", {**context, "error": str(exc)}, status_code=422)
    return render(request, "reset.html", {"done": True})


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def _setup_open(request: Request, database: DatabaseDep, settings: SettingsDep) -> None:
    """``/setup`` exists only while the store has no account, and (unless the settings
    allow it) only for a browser on this machine."""
    host = request.client.host if request.client else ""
    if has_accounts(database) or (host not in LOOPBACK and not settings.allow_remote_setup):
        raise NotFound("no such page")


@router.get("/setup")
def setup_form(request: Request, database: DatabaseDep, settings: SettingsDep) -> Response:
    _setup_open(request, database, settings)
    ensure_session(request)
    return render(request, "account_setup.html", {"errors": {}, "form": {"role": "person"}})


@router.post("/setup")
def setup(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=2048)],
    role: Annotated[str, Form(max_length=20)] = "person",
) -> Response:
    """The first account: ``person`` (this machine's owner) or ``admin`` (a clinic)."""
    _setup_open(request, database, settings)
    if role not in ("person", "admin"):
        role = "person"
    try:
        create_account(
            database,
            settings.auth,
            username=username,
            password=password,
            role=role,
            first_only=True,
        )
    except InvalidInput as exc:
        context = {"errors": errors_by_field(exc), "form": {"username": username, "role": role}}
        return render(request, "account_setup.html", context, status_code=422)
    return _redirect(request, "/login")
