"""Audit rows that wait for the request's own write transaction.

A person writing their own data needs no query to be authorized, yet the check's audit
row used to cost a write transaction of its own (and on SQLite a second turn at the one
write lock) before the write itself. Within a web request (``web.unit.RequestUnit``
opens the queue), such a row is queued here instead; the request's first write
transaction appends it and commits it together with the data (``Database.transaction``),
and a row no transaction took (the request wrote nothing, or its write was refused and
rolled back) is written by the request unit as the request ends. Either way every
access has its row; outside a request nothing is queued.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_QUEUE: ContextVar[list[dict[str, Any]] | None] = ContextVar(
    "nightbridge_audit_queue", default=None
)


def open_queue() -> Any:
    """Start a queue for this request; returns the token to ``close_queue`` with."""
    return _QUEUE.set([])


def close_queue(token: Any) -> list[dict[str, Any]]:
    """End the request's queue; the rows no transaction took."""
    rows = _QUEUE.get() or []
    _QUEUE.reset(token)
    return list(rows)


def is_open() -> bool:
    """True within a request whose queue is open (``defer`` will queue)."""
    return _QUEUE.get() is not None


def defer(row: dict[str, Any]) -> bool:
    """Queue an audit row (``AuditRepository.append`` keywords); False when no request
    queue is open (the caller writes it at once)."""
    queue = _QUEUE.get()
    if queue is None:
        return False
    queue.append(row)
    return True


def queued() -> list[dict[str, Any]]:
    """The rows waiting now (the same list: a transaction removes those it committed)."""
    return _QUEUE.get() or []
