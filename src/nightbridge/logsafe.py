"""Logs without health data (OWASP ASVS 5.0 16.2.5 and 14.2.4; HIPAA 164.312(b)).

An unexpected error's message can hold the very values that caused it (a diary note in a
``UnicodeEncodeError``, a number in PostgreSQL's "invalid input syntax", a line of an
export in a parser's complaint), so Nightbridge never writes an exception's message to a
log or a terminal: ``redacted_traceback`` keeps the exception types, files, lines and
source lines, and drops every message and note. SQL parameters are hidden by the engine
(``hide_parameters=True`` in ``storage.database``), and the access log carries paths
without their query strings (``DropQueryString``).

``log_config(level)`` is the logging configuration ``nightbridge serve`` gives uvicorn:
the redacting formatter on every handler, the query string filter on the access log, and
``BackgroundStreamHandler`` for every one: a record is formatted where it is logged and
written by a thread of its own, so a log output nobody reads (a full pipe, a stalled
journal) never stops the server's event loop (issue 12 item 1: with a plain
StreamHandler, a few 500s' tracebacks into an unread pipe froze every request).

Standard library only (the CLI imports it on its error path).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
import traceback
from typing import Any, TextIO

HIDDEN = "(message hidden: it may hold health data)"


def redacted_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its causes) with every exception message left out."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    for position, item in enumerate(reversed(chain)):
        if position:
            lines.append("\nDuring the handling of that, another exception occurred:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(item.__traceback__))
        lines.append(f"{type(item).__module__}.{type(item).__qualname__} {HIDDEN}\n")
    return "".join(lines).rstrip("\n")


def error_name(exc: BaseException) -> str:
    """The exception's class name alone (what a person may be shown)."""
    return type(exc).__name__


class RedactingFormatter(logging.Formatter):
    """A formatter whose tracebacks never carry exception messages."""

    def formatException(self, ei: Any) -> str:
        exc = ei[1] if isinstance(ei, tuple) else None
        if exc is None:
            return ""
        return redacted_traceback(exc)

    def formatStack(self, stack_info: str) -> str:
        return stack_info


class BackgroundStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A StreamHandler whose writes happen on its own thread, never the caller's.

    ``emit`` formats the record and queues the line (at most ``capacity`` lines wait);
    a daemon thread writes them. When the stream blocks (a pipe nobody reads) and the
    queue is full, new lines are dropped and counted, and the count is written when the
    stream moves again: the server keeps answering, at worst with a gap in its log.
    ``flush`` waits (at most ``flush_timeout`` seconds) for the queued lines to be out.
    """

    def __init__(
        self, stream: TextIO | None = None, capacity: int = 10_000, flush_timeout: float = 5.0
    ) -> None:
        super().__init__(stream)
        self._lines: queue.Queue[str] = queue.Queue(capacity)
        self._dropped = 0
        self._flush_timeout = flush_timeout
        self._write_lock = threading.Lock()
        self._writer = threading.Thread(target=self._write_lines, name="log-writer", daemon=True)
        self._writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        try:
            self._lines.put_nowait(line)
        except queue.Full:
            self._dropped += 1

    def _write_lines(self) -> None:
        while True:
            line = self._lines.get()
            # a closed or broken stream: there is nowhere else to say so
            with contextlib.suppress(Exception):
                self._write(line)
            self._lines.task_done()

    def _write(self, line: str) -> None:
        dropped, self._dropped = self._dropped, 0
        with self._write_lock:  # not self.lock: logging holds that around emit()
            if dropped:
                self.stream.write(
                    f"WARNING: nightbridge: {dropped} log lines dropped "
                    "(the log output was not being read)\n"
                )
            self.stream.write(line)
            self.stream.flush()

    def setStream(self, stream: TextIO) -> TextIO | None:  # type: ignore[override]
        self.flush()
        with self._write_lock:
            return super().setStream(stream)  # type: ignore[no-any-return]

    def flush(self) -> None:
        deadline = time.monotonic() + self._flush_timeout
        while self._lines.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        # no stream.flush() here: the writer flushes after each line, and a blocked
        # stream must not block the caller


class DropQueryString(logging.Filter):
    """For uvicorn's access log: the request path without its query string (a query can
    hold a date, a rise time or a search; paths hold only ids)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def log_config(level: str = "warning") -> dict[str, Any]:
    """uvicorn's logging configuration with the redacting formatter everywhere and the
    access log without query strings."""
    formatter = {"()": "nightbridge.logsafe.RedactingFormatter"}
    stream = {"class": "nightbridge.logsafe.BackgroundStreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"drop_query": {"()": "nightbridge.logsafe.DropQueryString"}},
        "formatters": {
            "default": {**formatter, "fmt": "%(levelname)s: %(name)s: %(message)s"},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
                "use_colors": False,
            },
        },
        "handlers": {
            "default": {**stream, "formatter": "default"},
            "access": {**stream, "formatter": "access", "filters": ["drop_query"]},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {
                "handlers": ["access"],
                "level": level.upper(),
                "propagate": False,
            },
            "nightbridge": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "sqlalchemy": {"handlers": ["default"], "level": "WARNING", "propagate": False},
        },
    }
