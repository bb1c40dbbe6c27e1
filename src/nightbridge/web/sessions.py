"""The session cookie and the request's session (resolved once per request).

Cookie ``__Host-nb_session``: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain (the
``__Host-`` prefix makes browsers enforce the last three; RFC 6265bis 4.1.3.2; ASVS 5.0
3.3.1, 3.3.2, 3.3.4). Browsers treat http://127.0.0.1 and http://localhost as secure
contexts, so this works for ``make run`` on loopback.

Cookie ``__Host-nb_device`` (same flags, kept ``known_device_ttl``): a random token set
at each full login, so that this browser stays known to the account; while the account
is throttled after someone's failed guesses, a known browser may still log in
(``services.accounts.auth``). It opens nothing by itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from nightbridge.services.access import ANONYMOUS
from nightbridge.services.accounts.auth import (
    Attempt,
    SessionInfo,
    end_session,
    open_session,
    remember_device,
    resolve_session,
)
from nightbridge.settings import is_loopback
from nightbridge.storage.database import Database

COOKIE_NAME = "__Host-nb_session"
DEVICE_COOKIE = "__Host-nb_device"
_UNSET = object()


def login_attempt(request: Request) -> Attempt:
    """Where this login attempt comes from: the client's address (uvicorn has already
    replaced it by X-Forwarded-For when the proxy is trusted) and the device cookie."""
    address = request.client.host if request.client else ""
    return Attempt(client=address, device=request.cookies.get(DEVICE_COOKIE))


def settings_of(request: Request) -> Any:
    return request.app.state.settings


#: What a login refused for want of its cookie says, when plain HTTP is the reason.
COOKIE_NEEDS_HTTPS = (
    "Your browser did not keep the login cookie: this address is plain HTTP on another "
    "machine, and browsers keep login cookies only over HTTPS. Open Nightbridge at its "
    "https:// address (whoever runs it: see docs/deploy.md)."
)


def cookie_needs_https(request: Request) -> bool:
    """True when the browser will drop the session cookie: it is ``Secure`` and this
    page came over plain HTTP to an address other than this machine's (browsers keep a
    Secure cookie from http://localhost and http://127.0.0.1, nowhere else)."""
    return bool(
        settings_of(request).secure_cookies
        and request.url.scheme == "http"
        and not is_loopback(request.url.hostname)
    )


def current_session(request: Request) -> SessionInfo | None:
    """The live session of this request (or None), looked up once and cached; nothing
    is written when the route marked the request read-only (``request.state.nb_read_only``:
    "Need help now" never waits on a write lock)."""
    cached = getattr(request.state, "nb_session", _UNSET)
    if cached is None or isinstance(cached, SessionInfo):
        return cached
    info = resolve_session(
        request.app.state.database,
        settings_of(request).auth,
        request.cookies.get(COOKIE_NAME),
        read_only=getattr(request.state, "nb_read_only", False),
    )
    request.state.nb_session = info
    return info


def ensure_session(request: Request) -> SessionInfo:
    """The session, opening an anonymous one (for a login form's CSRF token) if none.

    The new cookie is set on the response by ``web.deps.render`` / ``apply_cookie``.
    """
    info = current_session(request)
    if info is not None:
        return info
    return start_session(request, account_id=None, stage="anonymous")


def start_session(request: Request, *, account_id: int | None, stage: str) -> SessionInfo:
    """A NEW session id for this browser (at login and each privilege step), replacing
    the old one; the cookie goes out with the response."""
    old = request.cookies.get(COOKIE_NAME)
    previous = getattr(request.state, "nb_new_token", None)
    token, csrf = open_session(
        request.app.state.database,
        account_id=account_id,
        stage=stage,
        replaces=previous or old,
        policy=settings_of(request).auth,
    )
    request.state.nb_new_token = token
    if stage == "full" and account_id is not None:
        request.state.nb_device = remember_device(
            request.app.state.database,
            settings_of(request).auth,
            account_id,
            request.cookies.get(DEVICE_COOKIE),
        )
    info = SessionInfo(token, csrf, stage, ANONYMOUS)
    if account_id is not None:
        info = resolve_session(request.app.state.database, settings_of(request).auth, token) or info
    request.state.nb_session = info
    return info


def apply_cookie(request: Request, response: Response) -> Response:
    """Set the session cookie if this request opened a session; clear it if it ended.
    Set the device cookie after a full login; mirror the account's language in its
    cookie (``web.i18n``)."""
    from nightbridge.web.i18n import sync_lang_cookie

    sync_lang_cookie(request, response)
    device = getattr(request.state, "nb_device", None)
    if device:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=int(settings_of(request).auth.known_device_ttl.total_seconds()),
            path="/",
            secure=settings_of(request).secure_cookies,
            httponly=True,
            samesite="lax",
        )
    token = getattr(request.state, "nb_new_token", None)
    if getattr(request.state, "nb_ended", False):
        response.delete_cookie(COOKIE_NAME, path="/", secure=True, httponly=True, samesite="lax")
    elif token:
        response.set_cookie(
            COOKIE_NAME,
            token,
            path="/",
            secure=settings_of(request).secure_cookies,
            httponly=True,
            samesite="lax",
        )
    return response


def end_current_session(request: Request, database: Database) -> None:
    """Log out: end this request's session in the store (if it has one) and mark it
    ended, so ``apply_cookie`` clears the cookie."""
    info = current_session(request)
    if info is not None:
        end_session(database, info.token)
    request.state.nb_ended = True
    request.state.nb_session = None
