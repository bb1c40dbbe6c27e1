"""Reminder times and the .ics calendar (RFC 5545)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.recovery.reminders import (
    build_calendar,
    calendar_for,
    escape_text,
    fold_line,
    reminder_times,
    save_reminder_times,
    unfold,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

STAMP = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(), display_name="Ana")


def test_reminders_default_to_half_past_seven_and_nine(database: Database) -> None:
    assert reminder_times(database, _person(database)) == {
        "morning_at": "07:30",
        "evening_at": "21:00",
    }


def test_it_refuses_a_reminder_time_that_is_not_a_clock_time(database: Database) -> None:
    person = _person(database)
    with pytest.raises(InvalidInput) as caught:
        save_reminder_times(database, person, "7am", "24:00")
    assert {p.field for p in caught.value.problems} == {"morning_at", "evening_at"}
    assert reminder_times(database, person)["morning_at"] == "07:30"


def test_the_calendar_has_two_daily_events_with_alarms_at_the_chosen_times(
    database: Database,
) -> None:
    person = _person(database)
    save_reminder_times(database, person, "06:45", "21:30")
    text = calendar_for(
        database,
        person,
        base_url="http://127.0.0.1:8000/",
        today=dt.date(2026, 3, 2),
        now=STAMP,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    lines = list(unfold(text))
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("BEGIN:VALARM") == 2
    assert "DTSTART:20260302T064500" in lines and "DTSTART:20260302T213000" in lines
    assert lines.count("RRULE:FREQ=DAILY") == 2
    assert "DTSTAMP:20260301T120000Z" in lines
    assert "URL:http://127.0.0.1:8000/diary" in lines


def test_text_values_are_escaped() -> None:
    assert escape_text("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"


@given(st.text(min_size=0, max_size=400))
def test_folding_keeps_every_line_within_75_octets_and_unfolds_back(text: str) -> None:
    line = "DESCRIPTION:" + text.replace("\r", "").replace("\n", "")
    folded = fold_line(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_a_calendar_built_twice_is_identical() -> None:
    times = {"morning_at": "07:30", "evening_at": "21:00"}
    kw = {"base_url": "http://x", "start": dt.date(2026, 3, 2), "stamp": STAMP, "uid_seed": "p1"}
    assert build_calendar(times, **kw) == build_calendar(times, **kw)  # type: ignore[arg-type]
