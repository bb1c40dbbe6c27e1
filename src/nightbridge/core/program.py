"""The six-week CBT-I program: lessons, when each opens, and which tools it unlocks.

The program follows the components of CBT-I named by the American Academy of Sleep
Medicine guideline (Edinger et al., J Clin Sleep Med 2021;17:255-62) and the six weekly
sessions used by digital CBT-I (e.g. Sleepio, FDA 510(k) K233577): sleep and withdrawal,
stimulus control (Bootzin 1972), the sleep window (Spielman, Saskin & Thorpy, Sleep
1987;10:45-56), wind-down and relaxation, thoughts about sleep, keeping the gains.

Opening rule (Nightbridge's own): lesson 1 is open from the start; lesson N opens
``7 * (N - 1)`` days after the program started, or at once when lesson N - 1 is
completed. A tool is unlocked when the lesson that introduces it is completed.
Safety tools (the relapse-prevention plan, "need help now", crisis numbers, the
breathing pacer) are never locked: :data:`ALWAYS_OPEN`.

Lesson files are Markdown with a small front matter block (``title``, ``week``,
``unlocks``, ``sources``); :func:`parse_lesson` reads the text a service passes in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nightbridge.core.errors import InvalidInput, Problem

#: Number of weekly lessons.
WEEKS = 6

#: Days between one lesson opening and the next (one lesson a week).
DAYS_PER_LESSON = 7

#: Tools that are open whatever the program state: nobody should have to finish a
#: lesson before they can reach their plan, a crisis line or the breathing pacer that
#: "need help now" links to. (Lesson 1 still introduces the pacer.)
ALWAYS_OPEN: frozenset[str] = frozenset(
    {"relapse_plan", "help_now", "craving_log", "box_breathing"}
)


@dataclass(frozen=True, slots=True)
class Lesson:
    """One weekly lesson: its week (1..6), title, the tools it unlocks, sources, body."""

    slug: str
    week: int
    title: str
    unlocks: tuple[str, ...]
    sources: tuple[str, ...]
    body: str


@dataclass(frozen=True, slots=True)
class LessonState:
    """Where one lesson stands for one person on one day."""

    lesson: Lesson
    open: bool
    completed: bool
    opens_on: dt.date  # the date it opens by time alone

    @property
    def status(self) -> str:
        """``completed`` | ``open`` | ``locked``."""
        if self.completed:
            return "completed"
        return "open" if self.open else "locked"


@dataclass(frozen=True, slots=True)
class ProgramStatus:
    """The whole program for one person on one day."""

    started_on: dt.date
    today: dt.date
    lessons: tuple[LessonState, ...]
    unlocked: frozenset[str]

    @property
    def current(self) -> LessonState | None:
        """The first open lesson not yet completed (None when all are done or locked)."""
        for state in self.lessons:
            if state.open and not state.completed:
                return state
        return None

    @property
    def completed_weeks(self) -> frozenset[int]:
        return frozenset(s.lesson.week for s in self.lessons if s.completed)

    def state_of(self, week: int) -> LessonState:
        for state in self.lessons:
            if state.lesson.week == week:
                return state
        raise InvalidInput.one("week", f"there is no lesson for week {week}")

    def is_unlocked(self, tool: str) -> bool:
        """True when ``tool`` may be used now."""
        return tool in ALWAYS_OPEN or tool in self.unlocked

    def unlocked_by(self, tool: str) -> int | None:
        """The week whose lesson unlocks ``tool`` (None if no lesson does)."""
        for state in self.lessons:
            if tool in state.lesson.unlocks:
                return state.lesson.week
        return None


def parse_lesson(slug: str, text: str) -> Lesson:
    """A lesson from its Markdown text with front matter.

    Front matter is the block between the first two ``---`` lines, with ``key: value``
    lines, inline lists ``[a, b]`` and indented ``- item`` lists. Raises InvalidInput
    naming the field when ``title``, ``week`` (1..6) or ``sources`` is missing.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InvalidInput.one("front_matter", f"{slug}: the lesson must start with '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise InvalidInput.one("front_matter", f"{slug}: no closing '---'") from None
    meta = _parse_front_matter(lines[1:end])
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    title = meta.get("title")
    if not isinstance(title, str) or not title:
        raise InvalidInput.one("title", f"{slug}: missing")
    week_text = meta.get("week")
    if not isinstance(week_text, str) or not week_text.isdigit():
        raise InvalidInput.one("week", f"{slug}: missing or not a whole number")
    week = int(week_text)
    if not 1 <= week <= WEEKS:
        raise InvalidInput.one("week", f"{slug}: must be 1..{WEEKS}, got {week}")
    sources = meta.get("sources")
    if not isinstance(sources, list) or not sources:
        raise InvalidInput.one("sources", f"{slug}: a lesson must name its sources")
    unlocks = meta.get("unlocks", [])
    if not isinstance(unlocks, list):
        raise InvalidInput.one("unlocks", f"{slug}: must be a list")
    return Lesson(
        slug=slug,
        week=week,
        title=title,
        unlocks=tuple(unlocks),
        sources=tuple(sources),
        body=body,
    )


def _parse_front_matter(lines: list[str]) -> dict[str, str | list[str]]:
    meta: dict[str, str | list[str]] = {}
    key: str | None = None
    for raw in lines:
        if not raw.strip():
            continue
        stripped = raw.strip()
        if stripped.startswith("- ") and key is not None:
            current = meta.setdefault(key, [])
            if isinstance(current, list):
                current.append(stripped[2:].strip())
            continue
        if ":" not in stripped:
            continue
        key, _, value = stripped.partition(":")
        key = key.strip()
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            meta[key] = [v.strip() for v in value[1:-1].split(",") if v.strip()]
        elif value:
            meta[key] = value
        else:
            meta[key] = []
    return meta


def order_lessons(lessons: Iterable[Lesson]) -> tuple[Lesson, ...]:
    """The lessons by week; refuses a program with a week missing or repeated."""
    ordered = tuple(sorted(lessons, key=lambda lesson: lesson.week))
    weeks = [lesson.week for lesson in ordered]
    if weeks != list(range(1, WEEKS + 1)):
        raise InvalidInput.one("week", f"the program needs one lesson per week 1..{WEEKS}")
    return ordered


def compute_program(
    lessons: Iterable[Lesson],
    started_on: dt.date,
    today: dt.date,
    completed: Iterable[int] = (),
) -> ProgramStatus:
    """Which lessons are open or completed on ``today``, and which tools are unlocked.

    Lesson N opens on ``started_on + 7 * (N - 1)`` days, or as soon as lesson N - 1 is
    completed (Nightbridge's own pacing: one lesson a week, as in six-session digital
    CBT-I, without holding back someone who is ready). Completed lessons stay open.
    """
    done = frozenset(completed)
    states: list[LessonState] = []
    unlocked: set[str] = set()
    for lesson in order_lessons(lessons):
        opens_on = started_on + dt.timedelta(days=DAYS_PER_LESSON * (lesson.week - 1))
        is_done = lesson.week in done
        is_open = is_done or today >= opens_on or lesson.week == 1 or (lesson.week - 1) in done
        states.append(LessonState(lesson, open=is_open, completed=is_done, opens_on=opens_on))
        if is_done:
            unlocked.update(lesson.unlocks)
    return ProgramStatus(
        started_on=started_on, today=today, lessons=tuple(states), unlocked=frozenset(unlocked)
    )


def check_completion(status: ProgramStatus, week: int) -> None:
    """Refuse to mark a lesson complete that is not open yet (InvalidInput on ``week``)."""
    state = status.state_of(week)
    if not state.open:
        raise InvalidInput.one(
            "week",
            f"lesson {week} opens on {state.opens_on.isoformat()} "
            f"or when lesson {week - 1} is completed",
        )


#: Longest text of one thought-record field, characters.
MAX_THOUGHT_TEXT = 1000


@dataclass(frozen=True, slots=True)
class ThoughtRecord:
    """A thought record (lesson 5; cognitive model of insomnia: Harvey, Behav Res Ther
    2002;40:869-93): the thought, belief in it before and after (0..100 %), the
    evidence for and against, and a more balanced thought."""

    at: dt.datetime
    thought: str
    belief_before: int
    situation: str = ""
    evidence_for: str = ""
    evidence_against: str = ""
    balanced: str = ""
    belief_after: int | None = None

    def to_columns(self) -> dict[str, object]:
        return {
            "at": self.at,
            "situation": self.situation,
            "thought": self.thought,
            "belief_before": self.belief_before,
            "evidence_for": self.evidence_for,
            "evidence_against": self.evidence_against,
            "balanced": self.balanced,
            "belief_after": self.belief_after,
        }


def _percent(value: object) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        return None
    number = int(text)
    return number if 0 <= number <= 100 else None


def validate_thought_record(at: dt.datetime, fields: Mapping[str, object]) -> ThoughtRecord:
    """A thought record from form values, or InvalidInput naming each bad field:
    ``thought`` is required, ``belief_before`` is 0..100, ``belief_after`` optional 0..100,
    every text at most 1000 characters."""
    problems: list[Problem] = []
    texts = {
        name: str(fields.get(name) or "").strip()
        for name in ("situation", "thought", "evidence_for", "evidence_against", "balanced")
    }
    if not texts["thought"]:
        problems.append(Problem("thought", "write the thought down"))
    for name, text in texts.items():
        if len(text) > MAX_THOUGHT_TEXT:
            problems.append(Problem(name, f"longer than {MAX_THOUGHT_TEXT} characters"))
    before = _percent(fields.get("belief_before"))
    if before is None:
        problems.append(Problem("belief_before", "a whole number 0..100"))
    after: int | None = None
    if fields.get("belief_after") not in (None, ""):
        after = _percent(fields.get("belief_after"))
        if after is None:
            problems.append(Problem("belief_after", "a whole number 0..100"))
    if problems or before is None:
        raise InvalidInput(problems)
    return ThoughtRecord(at=at, belief_before=before, belief_after=after, **texts)
