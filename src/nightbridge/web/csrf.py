"""CSRF: synchronizer tokens bound to the server-side session (OWASP CSRF Prevention
Cheat Sheet; ASVS 5.0 3.5.1).

Every request with an unsafe method (POST, PUT, PATCH, DELETE) must carry the session's
token, in the ``csrf_token`` form field (HTML forms) or the ``X-CSRF-Token`` header (the
JSON API, scripts). Comparison is constant-time. GET never changes state. The only
exemption is ``POST /api/auth/login`` with a JSON body, which a cross-site form cannot
send (it needs a CORS preflight that we never answer), and which has no session yet.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from nightbridge.core.errors import NightbridgeError
from nightbridge.web.sessions import (
    COOKIE_NAME,
    COOKIE_NEEDS_HTTPS,
    cookie_needs_https,
    current_session,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
JSON_EXEMPT = frozenset({"/api/auth/login"})
#: Routes that stream a multipart upload to disk instead of letting the framework parse
#: (and spool) the whole body here: without the header, their form-field token is left
#: to the route, which checks it with ``verify_form_token`` BEFORE storing any byte of
#: the file (web/routes/device_import.py; the token field comes first in the form).
STREAMED_UPLOADS = frozenset({"/imports"})


class CsrfRefused(NightbridgeError):
    """The form was stale or forged: no valid CSRF token for this session."""


class CookieNeedsHttps(CsrfRefused):
    """The login form came back without its cookie because the browser drops Secure
    cookies on plain HTTP from another machine: said as such, not as a stale form."""

    title = "Logins need HTTPS"


class LoginRequired(NightbridgeError):
    """No logged-in session: pages redirect to /login, the API answers 401."""


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuse unsafe requests without the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.url.path in JSON_EXEMPT and content_type == "application/json":
        return
    # Looking the session up reads (and may touch) the store: in the thread pool, never
    # on the event loop (storage.database.refuse_event_loop).
    info = await run_in_threadpool(current_session, request)
    if info is None:
        if request.url.path not in ("/login", "/reset"):  # the forms anyone may send
            raise LoginRequired("log in first")
        if COOKIE_NAME not in request.cookies and cookie_needs_https(request):
            raise CookieNeedsHttps(COOKIE_NEEDS_HTTPS)
        raise CsrfRefused("This form has expired. Reload the page and try again.")
    sent = request.headers.get(HEADER)
    if (
        sent is None
        and content_type == "multipart/form-data"
        and request.url.path in STREAMED_UPLOADS
    ):
        return
    if sent is None and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.form()
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), info.csrf_token.encode()):
        raise CsrfRefused("This form has expired. Reload the page and try again.")


def verify_form_token(request: Request, sent: str | None) -> None:
    """The check of ``verify_csrf`` for a token a ``STREAMED_UPLOADS`` route read itself."""
    info = current_session(request)
    if info is None:
        raise LoginRequired("log in first")
    if not sent or not hmac.compare_digest(sent.encode(), info.csrf_token.encode()):
        raise CsrfRefused("This form has expired. Reload the page and try again.")
