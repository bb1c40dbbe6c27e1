"""Reminders for the morning diary and the evening log: the person's chosen times, and
an iCalendar file (RFC 5545) for calendars when browser notifications are not allowed.

The calendar has two daily events (``RRULE:FREQ=DAILY``) in floating local time, so a
reminder stays at 07:30 wherever the person is, each with a display alarm (``VALARM``)
at the event's start. Lines end in CRLF and are folded at 75 octets (RFC 5545 3.1).
The morning time defaults to 07:30: the Consensus Sleep Diary is filled in within an
hour of getting up (Carney et al., SLEEP 2012;35:287-302).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.toolkit import ToolkitRepository

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
PRODID = "-//Nightbridge//Reminders//EN"

#: (key, summary, description, path) of each reminder.
REMINDERS: tuple[tuple[str, str, str, str], ...] = (
    (
        "morning_at",
        "Nightbridge: morning sleep diary",
        "Fill in last night's sleep diary (within an hour of getting up).",
        "/diary",
    ),
    (
        "evening_at",
        "Nightbridge: evening log",
        "Log caffeine, alcohol, naps and screens, then start winding down.",
        "/evening",
    ),
)


def reminder_times(db: Database, person_id: int) -> dict[str, str]:
    with db.reader() as session:
        return dict(ToolkitRepository(session).reminder_times(person_id))


def save_reminder_times(db: Database, person_id: int, morning_at: str, evening_at: str) -> None:
    """Store both reminder times (``HH:MM``, 24-hour); InvalidInput names each bad one."""
    problems = [
        Problem(name, f"{value!r} is not a clock time (HH:MM, 00:00 to 23:59)")
        for name, value in (("morning_at", morning_at), ("evening_at", evening_at))
        if not _CLOCK.match(value.strip())
    ]
    if problems:
        raise InvalidInput(problems)
    with db.transaction() as session:
        ToolkitRepository(session).save_reminder_times(
            person_id, morning_at.strip(), evening_at.strip()
        )


def escape_text(text: str) -> str:
    """An RFC 5545 TEXT value (3.3.11): backslash, semicolon, comma and newline escaped."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = " " + char
            limit = 75
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def build_calendar(
    times: dict[str, str], *, base_url: str, start: dt.date, stamp: dt.datetime, uid_seed: str
) -> str:
    """The .ics text: one daily event with an alarm per reminder, from ``start``."""
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for key, summary, description, path in REMINDERS:
        hh, mm = times[key].split(":")
        begin = dt.datetime.combine(start, dt.time(int(hh), int(mm)))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{key.replace('_', '-')}-{uid_seed}@nightbridge.local",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{begin.strftime('%Y%m%dT%H%M%S')}",
            "DURATION:PT10M",
            "RRULE:FREQ=DAILY",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{base_url.rstrip('/')}{path}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(summary)}",
            "TRIGGER:PT0M",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def calendar_for(
    db: Database,
    person_id: int,
    *,
    base_url: str,
    today: dt.date,
    now: dt.datetime | None = None,
) -> str:
    """The person's reminders as an .ics calendar starting ``today``."""
    return build_calendar(
        reminder_times(db, person_id),
        base_url=base_url,
        start=today,
        stamp=now or dt.datetime.now(dt.UTC),
        uid_seed=f"person{person_id}",
    )


def unfold(text: str) -> Iterable[str]:
    """The logical lines of an .ics text (for reading one back)."""
    return text.replace("\r\n ", "").split("\r\n")
