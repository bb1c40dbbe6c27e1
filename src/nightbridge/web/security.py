"""Security headers on every response (OWASP ASVS 5.0 3.4: CSP, nosniff, referrer policy,
framing; 14.3.2: no caching of sensitive data).

CSP: ``default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none';
form-action 'self'`` -- no inline scripts or styles, nothing from another origin.
``Cache-Control: no-store`` on everything but ``/static``.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nightbridge.logsafe import redacted_traceback

log = logging.getLogger("nightbridge.web")

CSP = (
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class SecurityHeaders:
    """Pure ASGI middleware (does not buffer bodies, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(HEADERS)
                extra["Cache-Control"] = "public, max-age=3600" if static else "no-store"
                if self.hsts:
                    extra["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                for name, value in extra.items():
                    key = name.lower().encode()
                    if key == b"cache-control" and key in present and not static:
                        headers = [(n, v) for n, v in headers if n.lower() != key]
                    elif key in present:
                        continue
                    headers.append((key, value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


LAST_RESORT_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b"<title>Something went wrong - Nightbridge</title></head><body><main>"
    b"<h1>Something went wrong</h1><p>Your last action may not have been saved. Please try "
    b'again.</p><p><a href="/help-now">Need help now</a></p></main></body></html>'
)


class LastResort:
    """The last-resort handler (ASVS 5.0 16.5.1, 16.5.4), outside the framework's own.

    An exception that escapes the app is logged here ONCE, with its traceback but never
    its message (``nightbridge.logsafe``: the message may hold the values that caused
    it), and goes no further: the server (uvicorn) would log it again, message and all.
    The framework has already answered 500 with the error page; if nothing was sent yet,
    a plain 500 page goes out.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            route = scope.get("route")
            where = getattr(route, "path", None) or scope.get("path", "")
            method = scope.get("method", "")
            log.error("unexpected error on %s %s\n%s", method, where, redacted_traceback(exc))
            if not started:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/html; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": LAST_RESORT_PAGE})
