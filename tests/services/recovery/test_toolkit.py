"""The program saved per person, lessons rendered safely, symptom plans from the latest
check-in, thought records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nightbridge.core.checkin import CheckinDay
from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.recovery.toolkit import (
    add_thought_record,
    complete_lesson,
    lesson,
    lessons,
    program_status,
    render_markdown,
    symptom_plans,
    thought_records,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.persons import PersonRepository

START = dt.date(2026, 3, 2)


def _person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz="Europe/London"), display_name="Ana")


def test_the_program_starts_when_lesson_one_is_done_and_remembers_its_start(
    database: Database,
) -> None:
    person = _person(database)
    assert program_status(database, person, today=START).started_on == START
    # looking does not start it: a week later, with nothing done, it starts "today"
    later = START + dt.timedelta(days=8)
    assert program_status(database, person, today=later).started_on == later
    complete_lesson(database, person, 1, today=START)
    status = program_status(database, person, today=later)
    assert status.started_on == START
    assert [s.status for s in status.lessons][:3] == ["completed", "open", "locked"]
    # by time alone: lesson 3 opens 14 days after the start
    assert program_status(database, person, today=START + dt.timedelta(days=14)).lessons[2].open


def test_completing_lesson_one_is_saved_and_unlocks_symptom_plans(database: Database) -> None:
    person = _person(database)
    assert not program_status(database, person, today=START).is_unlocked("symptom_plans")
    complete_lesson(database, person, 1, today=START)
    status = program_status(database, person, today=START)
    assert status.completed_weeks == {1}
    assert status.is_unlocked("symptom_plans")
    assert not status.is_unlocked("muscle_relaxation")
    assert status.lessons[1].open


def test_completing_twice_is_harmless(database: Database) -> None:
    person = _person(database)
    complete_lesson(database, person, 1, today=START)
    complete_lesson(database, person, 1, today=START)
    assert program_status(database, person, today=START).completed_weeks == {1}


def test_it_refuses_to_complete_a_locked_lesson_and_stores_nothing(database: Database) -> None:
    person = _person(database)
    with pytest.raises(InvalidInput) as caught:
        complete_lesson(database, person, 4, today=START)
    assert caught.value.problems[0].field == "week"
    assert program_status(database, person, today=START).completed_weeks == set()


def test_lessons_render_as_html_and_escape_raw_html() -> None:
    html = render_markdown(lesson(2).body)
    assert "<h1>" in html and "<ol>" in html and "<strong>" in html
    hostile = render_markdown("<script>alert(1)</script>\n\n[x](javascript:alert(1))")
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert 'href="javascript:' not in hostile


def test_every_lesson_names_its_sources() -> None:
    assert all(item.sources for item in lessons())


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_symptom_plans_follow_the_latest_check_in(database: Database) -> None:
    person = _person(database)
    today = dt.date(2026, 3, 10)
    with database.transaction() as session:
        repo = CheckinRepository(session)
        repo.save(person, CheckinDay(today - dt.timedelta(days=2), {"anxiety": 4, "aches": 3}))
        repo.save(person, CheckinDay(today, {"anxiety": 1, "restless_legs": 2, "headache": 1}))
    on, plans = symptom_plans(database, person)
    assert on == today
    assert [p.symptom for p in plans] == ["restless_legs"]


def test_no_symptom_plans_without_a_recent_check_in(database: Database) -> None:
    person = _person(database)
    assert symptom_plans(database, person) == (None, [])


def test_a_thought_record_is_kept_with_its_belief_ratings(database: Database) -> None:
    person = _person(database)
    add_thought_record(
        database,
        person,
        {
            "thought": "Tomorrow is ruined",
            "belief_before": "90",
            "belief_after": "40",
            "balanced": "I have got through days like this before.",
        },
    )
    (record,) = thought_records(database, person)
    assert (record.thought, record.belief_before, record.belief_after) == (
        "Tomorrow is ruined",
        90,
        40,
    )


def test_a_thought_record_without_the_thought_is_refused(database: Database) -> None:
    person = _person(database)
    with pytest.raises(InvalidInput) as caught:
        add_thought_record(database, person, {"belief_before": "120"})
    assert {p.field for p in caught.value.problems} == {"thought", "belief_before"}
    assert thought_records(database, person) == []
