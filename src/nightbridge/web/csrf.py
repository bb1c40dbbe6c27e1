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

from nightbridge.core.errors import NightbridgeError
from nightbridge.web.sessions import current_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
JSON_EXEMPT = frozenset({"/api/auth/login"})


class CsrfRefused(NightbridgeError):
    """The form was stale or forged: no valid CSRF token for this session."""


class LoginRequired(NightbridgeError):
    """No logged-in session: pages redirect to /login, the API answers 401."""


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: refuse unsafe requests without the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.url.path in JSON_EXEMPT and content_type == "application/json":
        return
    info = current_session(request)
    if info is None:
        if request.url.path != "/login":
            raise LoginRequired("log in first")
        raise CsrfRefused("This form has expired. Reload the page and try again.")
    sent = request.headers.get(HEADER)
    if sent is None and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.form()
        value = form.get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), info.csrf_token.encode()):
        raise CsrfRefused("This form has expired. Reload the page and try again.")
