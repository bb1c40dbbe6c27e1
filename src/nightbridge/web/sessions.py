"""The session cookie and the request's session (resolved once per request).

Cookie ``__Host-nb_session``: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain (the
``__Host-`` prefix makes browsers enforce the last three; RFC 6265bis 4.1.3.2; ASVS 5.0
3.3.1, 3.3.2, 3.3.4). Browsers treat http://127.0.0.1 and http://localhost as secure
contexts, so this works for ``make run`` on loopback.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from nightbridge.services.access import ANONYMOUS
from nightbridge.services.accounts.auth import (
    SessionInfo,
    end_session,
    open_session,
    resolve_session,
)
from nightbridge.storage.database import Database

COOKIE_NAME = "__Host-nb_session"
_UNSET = object()


def settings_of(request: Request) -> Any:
    return request.app.state.settings


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
    info = SessionInfo(token, csrf, stage, ANONYMOUS)
    if account_id is not None:
        info = resolve_session(request.app.state.database, settings_of(request).auth, token) or info
    request.state.nb_session = info
    return info


def apply_cookie(request: Request, response: Response) -> Response:
    """Set the session cookie if this request opened a session; clear it if it ended."""
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
