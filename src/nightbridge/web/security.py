"""Security headers on every response (OWASP ASVS 5.0 3.4: CSP, nosniff, referrer policy,
framing; 14.3.2: no caching of sensitive data).

CSP: ``default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none';
form-action 'self'`` -- no inline scripts or styles, nothing from another origin.
``Cache-Control: no-store`` on everything but ``/static``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
