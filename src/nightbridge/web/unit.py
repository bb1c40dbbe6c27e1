"""One unit of work per request: the audit rows a request queues (``storage.deferred``)
commit with its own write transaction, or are written as it ends.

A pure ASGI wrapper (no body buffering). It opens the request's queue; when the app has
answered, rows that no write transaction took -- a person's write refused before
anything was stored, or one that stored nothing -- are written in one short
transaction, in the thread pool (never on the event loop).
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from nightbridge.storage.deferred import close_queue, open_queue

log = logging.getLogger("nightbridge.web")


class RequestUnit:
    def __init__(self, app: ASGIApp, database: Any) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = open_queue()
        try:
            await self.app(scope, receive, send)
        finally:
            left = close_queue(token)
            if left:
                await run_in_threadpool(self._write, left)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        from nightbridge.storage.database import StoreBusy
        from nightbridge.storage.repositories.audit import AuditRepository

        try:
            with self.database.transaction() as session:
                for row in rows:
                    AuditRepository(session).append(**row)
        except StoreBusy:
            # the answer has gone out (a 503 when the request's own write was refused
            # for the same reason); said in the server's log, without any content
            log.warning("store busy: %d audit row(s) of a request not written", len(rows))
