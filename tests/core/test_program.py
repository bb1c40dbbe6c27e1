"""The six-week program: when lessons open, what completing them unlocks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.program import (
    Lesson,
    check_completion,
    compute_program,
    parse_lesson,
)

START = dt.date(2026, 3, 2)


def _lesson(week: int, unlocks: tuple[str, ...] = ()) -> Lesson:
    return Lesson(f"week{week}", week, f"Week {week}", unlocks or (f"tool{week}",), ("S 2020",), "")


LESSONS = [_lesson(w) for w in range(1, 7)]


def test_only_the_first_lesson_is_open_on_the_first_day() -> None:
    status = compute_program(LESSONS, START, START)
    assert [s.status for s in status.lessons] == ["open"] + ["locked"] * 5
    assert status.current is not None and status.current.lesson.week == 1
    assert status.unlocked == frozenset()


# (days since start, weeks open by time alone)
OPENING = [(0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (35, 6), (400, 6)]


@pytest.mark.parametrize(("days", "open_weeks"), OPENING)
def test_a_lesson_opens_a_week_after_the_one_before(days: int, open_weeks: int) -> None:
    status = compute_program(LESSONS, START, START + dt.timedelta(days=days))
    assert [s.open for s in status.lessons] == [w <= open_weeks for w in range(1, 7)]


def test_completing_a_lesson_opens_the_next_at_once_and_unlocks_its_tool() -> None:
    status = compute_program(LESSONS, START, START, completed={1})
    assert [s.status for s in status.lessons][:3] == ["completed", "open", "locked"]
    assert status.is_unlocked("tool1")
    assert not status.is_unlocked("tool2")
    assert status.current is not None and status.current.lesson.week == 2


def test_the_relapse_plan_help_now_and_the_pacer_are_never_locked() -> None:
    status = compute_program(LESSONS, START, START)
    for tool in ("relapse_plan", "help_now", "craving_log", "box_breathing"):
        assert status.is_unlocked(tool), tool


def test_it_refuses_to_complete_a_lesson_that_is_not_open() -> None:
    status = compute_program(LESSONS, START, START)
    with pytest.raises(InvalidInput) as caught:
        check_completion(status, 3)
    assert caught.value.problems[0].field == "week"
    assert "2026-03-16" in caught.value.problems[0].reason


def test_it_refuses_a_program_with_a_missing_week() -> None:
    with pytest.raises(InvalidInput):
        compute_program(LESSONS[:5], START, START)


@given(
    days=st.integers(min_value=0, max_value=100),
    completed=st.sets(st.integers(min_value=1, max_value=6)),
)
def test_open_lessons_never_have_a_gap_before_the_last_completed_one(
    days: int, completed: set[int]
) -> None:
    status = compute_program(LESSONS, START, START + dt.timedelta(days=days), completed)
    # every completed lesson is open; lesson 1 is always open
    assert status.lessons[0].open
    assert all(s.open for s in status.lessons if s.completed)
    # unlocked tools are exactly those of completed lessons
    assert status.unlocked == {f"tool{w}" for w in completed}


LESSON_TEXT = """---
title: Teach your bed to mean sleep
week: 2
unlocks: [stimulus_control, other]
sources:
  - Bootzin RR. Stimulus control treatment for insomnia. 1972.
---

# Heading

Body.
"""


def test_it_reads_a_lessons_front_matter() -> None:
    lesson = parse_lesson("week2.md", LESSON_TEXT)
    assert lesson.week == 2
    assert lesson.title == "Teach your bed to mean sleep"
    assert lesson.unlocks == ("stimulus_control", "other")
    assert lesson.sources == ("Bootzin RR. Stimulus control treatment for insomnia. 1972.",)
    assert lesson.body.startswith("# Heading")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("no front matter", "front_matter"),
        ("---\ntitle: x\nweek: 2\n", "front_matter"),
        ("---\nweek: 2\nsources: [a]\n---\n", "title"),
        ("---\ntitle: x\nweek: 9\nsources: [a]\n---\n", "week"),
        ("---\ntitle: x\nweek: 2\n---\n", "sources"),
    ],
)
def test_it_refuses_a_lesson_without_its_front_matter(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_lesson("bad.md", text)
    assert caught.value.problems[0].field == field
