"""Use cases of the recovery toolkit: the six-week program and its lessons, relaxation
exercises, supplements, symptom plans, thought records and evening items.

Content is loaded here (``nightbridge.content``) and passed into ``core``; every write is
one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

from nightbridge.content import list_files, load_json, read_text
from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.core.nudges import (
    EveningExtras,
    SymptomPlan,
    select_symptom_plans,
    validate_evening,
)
from nightbridge.core.program import (
    Lesson,
    ProgramStatus,
    ThoughtRecord,
    check_completion,
    compute_program,
    order_lessons,
    parse_lesson,
    validate_thought_record,
)
from nightbridge.core.values import parse_day
from nightbridge.i18n import current_locale
from nightbridge.services.sleep.diary import local_today, person_zone
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.toolkit import ToolkitRepository

#: The page that holds each tool a lesson unlocks.
TOOL_PAGES: Mapping[str, str] = {
    "box_breathing": "/relax/box_breathing",
    "muscle_relaxation": "/relax/muscle_relaxation",
    "body_scan": "/relax/body_scan",
    "mindful_walking": "/relax/mindful_walking",
    "symptom_plans": "/program#symptoms",
    "stimulus_control": "/plan",
    "sleep_window": "/plan",
    "thought_record": "/program/thoughts",
    "relapse_checkin": "/relapse/checkin",
    "relapse_plan": "/relapse",
    "help_now": "/help-now",
}

#: Plain names of the tools, for pages.
TOOL_NAMES: Mapping[str, str] = {
    "box_breathing": "Box breathing",
    "muscle_relaxation": "Progressive muscle relaxation",
    "body_scan": "Body scan",
    "mindful_walking": "Mindful walking",
    "symptom_plans": "Symptom plans",
    "stimulus_control": "Stimulus control card",
    "sleep_window": "Your sleep window",
    "thought_record": "Thought record",
    "relapse_checkin": "Weekly check-in",
    "relapse_plan": "Relapse-prevention plan",
    "help_now": "Need help now",
}


def lessons(locale: str | None = None) -> tuple[Lesson, ...]:
    """The six lessons from ``content/lessons/*.md``, by week, in ``locale`` (default:
    the language in force; a lesson not translated yet is read in English)."""
    return _lessons(locale or current_locale())


@cache
def _lessons(locale: str) -> tuple[Lesson, ...]:
    return order_lessons(
        parse_lesson(name, read_text(name, locale)) for name in list_files("lessons")
    )


def lesson(week: int) -> Lesson:
    for item in lessons():
        if item.week == week:
            return item
    raise NotFound(f"there is no lesson for week {week}")


@cache
def render_markdown(text: str) -> str:
    """Lesson Markdown as HTML. Raw HTML in the text is escaped, not passed through, and
    links are limited to http(s), mailto, tel and relative targets (markdown-it's
    CommonMark preset with ``html`` off and its link validator)."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False, "linkify": False}).render(text))


def program_status(db: Database, person_id: int, *, today: dt.date | None = None) -> ProgramStatus:
    """The person's program on ``today`` (default: their local today). Reading never
    writes: the program's start is stored when the first lesson is completed; until
    then it is today (so only lesson 1 is open by time)."""
    day = today or local_today(person_zone(db, person_id))
    with db.reader() as session:
        repo = ToolkitRepository(session)
        started = repo.program_start(person_id) or day
        done = repo.completed_weeks(person_id)
    return compute_program(lessons(), started, day, done)


def complete_lesson(
    db: Database, person_id: int, week: int, *, today: dt.date | None = None
) -> ProgramStatus:
    """Mark lesson ``week`` done (refused, naming ``week``, when it is not open yet).
    The first completion also stores the program's start date (``today``)."""
    if not isinstance(week, int) or not 1 <= week <= len(lessons()):
        raise InvalidInput.one("week", f"must be 1..{len(lessons())}")
    day = today or local_today(person_zone(db, person_id))
    with db.transaction() as session:
        repo = ToolkitRepository(session)
        started = repo.ensure_program(person_id, day)
        status = compute_program(lessons(), started, day, repo.completed_weeks(person_id))
        check_completion(status, week)
        repo.complete_lesson(person_id, week)
        done = repo.completed_weeks(person_id)
    return compute_program(lessons(), started, day, done)


def relaxation_exercises(locale: str | None = None) -> dict[str, dict[str, Any]]:
    """The relaxation exercises from ``content/relaxation/*.json``, by id, in ``locale``
    (default: the language in force)."""
    return _relaxation_exercises(locale or current_locale())


@cache
def _relaxation_exercises(locale: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name in list_files("relaxation"):
        doc: dict[str, Any] = load_json(name, locale)
        found[doc["id"]] = doc
    return found


def relaxation(exercise_id: str) -> dict[str, Any]:
    found = relaxation_exercises().get(exercise_id)
    if found is None:
        raise NotFound(f"no relaxation exercise {exercise_id!r}")
    return found


def supplements() -> dict[str, Any]:
    """``content/supplements.json``: items with grades, what is and is not known, sources."""
    doc: dict[str, Any] = load_json("supplements.json", current_locale())
    return doc


def symptom_plans(db: Database, person_id: int) -> tuple[dt.date | None, list[SymptomPlan]]:
    """The plans for symptoms rated moderate (2) or worse in the latest check-in of
    the last 7 days, with that check-in's date (None when there is none)."""
    from nightbridge.storage.repositories.checkins import CheckinRepository

    today = local_today(person_zone(db, person_id))
    with db.reader() as session:
        recent = CheckinRepository(session).between(person_id, today - dt.timedelta(days=6), today)
    rated = [c for c in recent if c.symptoms]
    if not rated:
        return None, []
    latest = rated[-1]
    return latest.date, select_symptom_plans(
        latest.symptoms, load_json("symptom_plans.json", current_locale())
    )


def save_evening(
    db: Database, person_id: int, fields: Mapping[str, Any], *, today: dt.date | None = None
) -> EveningExtras:
    """Store the evening items the diary does not hold (screens, bedroom temperature,
    nap start) for the night dated ``fields['date']`` (its morning)."""
    day = today or local_today(person_zone(db, person_id))
    raw_date = str(fields.get("date") or "").strip()
    date = parse_day(raw_date, "date") if raw_date else day
    screens = fields.get("screens_last_hour")
    extras = validate_evening(
        date,
        day,
        screens_last_hour=None if screens in (None, "") else str(screens) in ("1", "yes", "true"),
        bedroom_temp_c=fields.get("bedroom_temp_c"),
        nap_start=fields.get("nap_start"),
    )
    with db.transaction() as session:
        ToolkitRepository(session).save_evening(person_id, extras)
    return extras


def add_thought_record(
    db: Database, person_id: int, fields: Mapping[str, Any], *, now: dt.datetime | None = None
) -> ThoughtRecord:
    record = validate_thought_record(now or dt.datetime.now(dt.UTC), fields)
    with db.transaction() as session:
        ToolkitRepository(session).add_thought_record(person_id, record)
    return record


def thought_records(db: Database, person_id: int) -> list[ThoughtRecord]:
    with db.reader() as session:
        return ToolkitRepository(session).thought_records(person_id)
