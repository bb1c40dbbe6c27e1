"""A real SMTP server on this machine for the tests (aiosmtpd), and what it received.

``LocalSmtp`` listens on 127.0.0.1 on a free port in a thread of its own (aiosmtpd's
``Controller``), keeps every message it is given (``messages``: recipients and the
parsed email), and can be stopped and started again on the same port, to play a relay
that is down. ``settings_for(smtp)`` gives the ``SmtpSettings`` that send to it. The
``smtp_server`` fixture in tests/conftest.py hands one to a test.

In a browser test (a live server from ``tests/browser.py``'s ``serve_app``, which runs
the app's lifespan), build the app with
``Settings(auth=FAST_AUTH, public_url=..., smtp=settings_for(smtp_server))``: the app's
own sender thread sends right after the save that raised the alert commits, so
``smtp_server.wait_for(1, timeout=10)`` then ``leaks(smtp_server.messages[0], words=...,
numbers=...) == []`` checks that it arrived with no health data in it.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from nightbridge.settings import SmtpSettings

ONCALL = "oncall@clinic.example"
SENDER = "nightbridge@clinic.example"


@dataclass(frozen=True)
class Received:
    """One message as the server received it."""

    mail_from: str
    recipients: tuple[str, ...]
    raw: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        return str(text).replace("\r\n", "\n")


class _Keep:
    def __init__(self, into: list[Received], arrived: threading.Condition) -> None:
        self.into = into
        self.arrived = arrived

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.content.decode("utf-8", "replace")
        parsed = email.message_from_string(raw, policy=email.policy.default)
        with self.arrived:
            self.into.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), raw, parsed)  # type: ignore[arg-type]
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


def leaks(
    received: Received, *, words: tuple[str, ...] = (), numbers: tuple[int, ...] = ()
) -> list[str]:
    """What of ``words`` (case-insensitive, anywhere in the message as sent: headers and
    body) and of ``numbers`` (whole numbers in the body and the headers, but for the
    Message-ID and the Date) the email holds: [] when it holds none of them."""
    found = [w for w in words if w.lower() in received.raw.lower()]
    headers = " ".join(
        str(v) for k, v in received.message.items() if k not in ("Message-ID", "Date")
    )
    present = set(re.findall(r"\d+", received.body + " " + headers))
    found += [str(n) for n in numbers if str(n) in present]
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalSmtp:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.messages: list[Received] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(
                _Keep(self.messages, self._arrived), hostname=self.host, port=self.port
            )
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Until ``count`` messages have arrived (True), or ``timeout`` seconds (False):
        for a sender on another thread or process (the server's own, a browser test's)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)

    @property
    def running(self) -> bool:
        return self._controller is not None


def settings_for(smtp: LocalSmtp, **changes: Any) -> SmtpSettings:
    """Settings that send to ``smtp`` (no TLS: a relay on this machine) with the test
    on-call address."""
    values: dict[str, Any] = {
        "host": smtp.host,
        "port": smtp.port,
        "tls": "none",
        "sender": SENDER,
        "oncall": ONCALL,
        "timeout": dt.timedelta(seconds=5),
    }
    values.update(changes)
    return SmtpSettings(**values)
