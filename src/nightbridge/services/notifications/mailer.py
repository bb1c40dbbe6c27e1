"""Sending one email through the configured relay (stdlib ``smtplib``).

``starttls`` (port 587): plain connection upgraded with STARTTLS, the certificate
checked (``ssl.create_default_context``); ``tls`` (port 465): TLS from the first byte;
``none``: no TLS, for a relay on this machine only. A login is made when
``smtp.username`` is set.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from nightbridge.settings import SmtpSettings


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        smtp = self.smtp
        if not smtp.host:
            raise RuntimeError("no mail relay set (NIGHTBRIDGE_SMTP_HOST)")
        timeout = smtp.timeout.total_seconds()
        client: smtplib.SMTP
        if smtp.tls == "tls":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            client.ehlo()
            if smtp.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp.username:
                client.login(smtp.username, smtp.read_password() or "")
            client.send_message(message)
