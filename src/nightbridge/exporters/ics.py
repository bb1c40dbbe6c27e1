"""An iCalendar file (RFC 5545) of the sleep window and the diary reminder, written by hand.

Events repeat daily (``RRULE:FREQ=DAILY``) at FLOATING local times (no ``TZID``, no
``Z``; RFC 5545 section 3.3.5, form 1): a bedtime at 23:45 stays at 23:45 on the wall
clock wherever the person is and across daylight-saving changes, which is what a
sleep window means. Lines end in CRLF and are folded at 75 octets (section 3.1);
text is escaped (section 3.3.11). UIDs are stable, so importing the file again
updates the events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

PRODID = "-//Nightbridge//Nightbridge sleep window//EN"
UID_DOMAIN = "nightbridge.invalid"


@dataclass(frozen=True, slots=True)
class DailyEvent:
    """One daily event: a stable key, a clock time, minutes long, summary and description."""

    key: str
    at: dt.time
    minutes: int
    summary: str
    description: str
    alarm: bool = True


def escape_text(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line to at most 75 octets per line (continuations start with a space),
    never splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(day: dt.date, at: dt.time) -> str:
    return dt.datetime.combine(day, at).strftime("%Y%m%dT%H%M%S")


def build_calendar(events: Sequence[DailyEvent], *, start: dt.date, now: dt.datetime) -> str:
    """The VCALENDAR text (CRLF line ends, folded) with one daily VEVENT per event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Nightbridge",
    ]
    for event in events:
        begin = dt.datetime.combine(start, event.at)
        end = begin + dt.timedelta(minutes=event.minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.key}@{UID_DOMAIN}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_local(start, event.at)}",
            f"DTEND:{end.strftime('%Y%m%dT%H%M%S')}",
            "RRULE:FREQ=DAILY",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            "TRANSP:TRANSPARENT",
        ]
        if event.alarm:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{escape_text(event.summary)}",
                "TRIGGER:PT0M",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def sleep_events(
    *, bedtime: dt.time | None, rise: dt.time | None, diary_at: dt.time | None
) -> list[DailyEvent]:
    """The sleep window's bedtime and rise time, and the morning diary reminder."""
    events = []
    if bedtime is not None:
        events.append(
            DailyEvent(
                "sleep-window-bedtime",
                bedtime,
                15,
                "Sleep window: bedtime",
                "Go to bed at this time if you are sleepy; not before. If you are not asleep "
                "in about 15-20 minutes, get up and return when sleepy (stimulus control).",
            )
        )
    if rise is not None:
        events.append(
            DailyEvent(
                "sleep-window-rise",
                rise,
                15,
                "Sleep window: get up",
                "Get up at this time every day, however you slept. Daytime sleepiness is "
                "expected in the first weeks: do not drive or operate machinery when sleepy.",
            )
        )
    if diary_at is not None:
        events.append(
            DailyEvent(
                "diary-reminder",
                diary_at,
                10,
                "Fill in the sleep diary",
                "Within an hour of getting up: the morning sleep diary for last night.",
            )
        )
    return events
