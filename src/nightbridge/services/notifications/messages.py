"""What a notification email says: a count and a link, never health data.

An email crosses mail servers the clinic does not control and lands in inboxes and on
phone lock screens. So it names no person, no substance, no symptom, no score and no
alert's reason; not even a person's number (a link to their page would point at one
person). It says how many people have a new alert, the most urgent level among them
(emergency, crisis or urgent: what to open first), and links to the caseload, where
the person on call signs in to see who and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from nightbridge.core.alerts import level_rank

#: Where the links point (the caseload: alerts first), after ``public_url``.
CASELOAD_PATH = "/clinician"


@dataclass(frozen=True, slots=True)
class AlertNotice:
    """``people`` with a new alert; ``level`` the most urgent of their alerts."""

    people: int
    level: str


@dataclass(frozen=True, slots=True)
class DigestNotice:
    """The day's counts for one route."""

    day: dt.date
    people: int
    alerted: int
    quiet: int
    quiet_days: int


def most_urgent(levels: list[str]) -> str:
    return min(levels, key=level_rank)


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _link(public_url: str | None) -> str:
    if not public_url:
        return (
            "Open Nightbridge and go to your caseload. (This server has no public address "
            "set, so this email cannot link to it: NIGHTBRIDGE_PUBLIC_URL.)"
        )
    return f"Open Nightbridge: {public_url.rstrip('/')}{CASELOAD_PATH}"


_FOOTER = (
    "This email holds no health data on purpose: sign in to see who and why.\n"
    "Sent by Nightbridge; replies are not read.\n"
)


def alert_text(notice: AlertNotice, public_url: str | None) -> tuple[str, str]:
    """(subject, body) of an alert email."""
    has = "has" if notice.people == 1 else "have"
    subject = f"Nightbridge: a new {notice.level} alert in your clinic"
    body = (
        f"{_people(notice.people)} in your clinic {has} a new {notice.level} alert.\n\n"
        f"{_link(public_url)}\n\n{_FOOTER}"
    )
    return subject, body


def digest_text(notice: DigestNotice, public_url: str | None) -> tuple[str, str]:
    """(subject, body) of the daily digest: counts only."""
    subject = f"Nightbridge: daily summary for {notice.day.isoformat()}"
    body = (
        f"Daily summary for {notice.day.isoformat()}:\n\n"
        f"- {_people(notice.people)} {'shares' if notice.people == 1 else 'share'} "
        "with your clinic.\n"
        f"- {_people(notice.alerted)} had a new emergency, crisis or urgent alert "
        "in the last 24 hours.\n"
        f"- {_people(notice.quiet)} entered nothing in the last {notice.quiet_days} days.\n\n"
        f"{_link(public_url)}\n\n{_FOOTER}"
    )
    return subject, body


def build_email(
    *, subject: str, body: str, sender: str, recipient: str, now: dt.datetime
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: machine-sent; no auto-replies back to it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message
