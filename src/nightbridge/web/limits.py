"""Request bodies: anything above ``Settings.max_body_kib`` (1 MiB) is refused with 413
before it is read (OWASP ASVS 5.0 2.4.1 and 15.2.2: no denial of service through costly
requests; CWE-400). One anonymous 200 MiB login used to raise the server from 107 to
711 MiB; bench/bench_body_limit.py measures it.

Pure ASGI middleware, outside everything else in the app (``web.app.NightbridgeApp``):

- a declared ``Content-Length`` above the limit is answered at once, without reading a
  byte of the body and without running the app;
- a body without a length (``Transfer-Encoding: chunked``) is counted as it streams in,
  and the read that goes past the limit raises ``BodyTooLarge`` (an HTTP 413), which the
  app's error handlers turn into the usual error page or ``{"detail"}`` JSON.

The one exception is the streamed device upload (``web.csrf.STREAMED_UPLOADS``), which
writes to disk as it reads and keeps its own, much larger limit (docs/web-imports.md).
"""

from __future__ import annotations

import html
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def describe_limit(max_bytes: int) -> str:
    """``1 MiB``, ``64 KiB`` or ``100 bytes``: the limit as a person reads it."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if max_bytes >= size:
            return f"{max_bytes / size:g} {unit}"
    return f"{max_bytes} bytes"


def too_large_message(max_bytes: int) -> str:
    return (
        f"What was sent is larger than {describe_limit(max_bytes)}, more than any form or "
        "API call here takes. Nothing was saved. (Device exports go through Import, which "
        "takes large files.)"
    )


class BodyTooLarge(HTTPException):
    """The body went past the limit while it was being read."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; None without one; -1 if it is not a number."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 19 else -1
    return None


class BodyLimit:
    """Refuse request bodies above ``max_bytes`` (413), except on ``exempt`` paths."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, exempt: frozenset[str]) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must be 0 or more")
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") in self.exempt:
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > self.max_bytes):
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        """A small 413 of our own (the app is not run): JSON under /api, else HTML."""
        message = too_large_message(self.max_bytes)
        if scope.get("path", "").startswith("/api"):
            body = json.dumps({"detail": message}).encode()
            content_type = b"application/json"
        else:
            body = (
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>Too large - Nightbridge</title></head><body><main><h1>Too large</h1>"
                f'<p>{html.escape(message)}</p><p><a href="/">Back to Nightbridge</a></p>'
                '<p><a href="/help-now">Need help now</a></p></main></body></html>'
            ).encode()
            content_type = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
