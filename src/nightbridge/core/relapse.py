"""Relapse prevention: the person's own plan, a craving log, and a weekly check-in.

The plan's sections (triggers, warning signs, coping steps, people to call, reasons)
follow the relapse-prevention model (Marlatt & Gordon 1985; Witkiewitz & Marlatt, Am
Psychol 2004;59:224-35). The weekly check-in borrows the idea of A-CHESS's weekly
check-in (Gustafson et al., JAMA Psychiatry 2014;71:566-72; its answers predicted next-week
lapses: Chih et al., J Subst Abuse Treat 2014;46:29-35), but its four questions are
Nightbridge's own and are NOT validated: the trend is a prompt to reach out, not a score.

Weekly check-in: four items rated 0..4 (0 not at all .. 4 very much): ``confidence`` and
``support`` (protective), ``cravings`` and ``stress`` (risk). Risk index, 0..16, higher
means more risk: ``cravings + stress + (4 - confidence) + (4 - support)``. Trend: the
latest index compared with the mean of up to three earlier weeks; ``rising`` when it is
at least 3 points higher, ``falling`` when at least 3 lower, else ``steady``
(Nightbridge's own thresholds). One check-in per week; weeks start on Monday.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.errors import InvalidInput, Problem

PLAN_LISTS: tuple[str, ...] = ("triggers", "warning_signs", "coping_steps", "reasons")
#: Longest text of one plan line, craving note or person's name, characters.
MAX_LINE = 300
#: Most lines in one plan section, and most people in the plan.
MAX_LINES = 20

CRAVING_MIN, CRAVING_MAX = 0, 10
CHECKIN_ITEMS: tuple[str, ...] = ("confidence", "support", "cravings", "stress")
PROTECTIVE_ITEMS: frozenset[str] = frozenset({"confidence", "support"})
ITEM_MIN, ITEM_MAX = 0, 4
#: Points of change in the risk index that count as a rising or falling trend.
TREND_STEP = 3
#: Earlier weeks the latest check-in is compared with.
TREND_BASELINE_WEEKS = 3

_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{1,30}$")


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone in the plan to call: a name and a number (tap to call)."""

    name: str
    phone: str

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` URI body (digits and a leading +)."""
        return tel_digits(self.phone)


def tel_digits(number: str) -> str:
    """A dialable number as a ``tel:`` URI body: its digits, with a leading + kept
    (RFC 3966 global numbers); '' when it has no digits."""
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    return ("+" if number.strip().startswith("+") else "") + digits


@dataclass(frozen=True, slots=True)
class RelapsePlan:
    """The person's plan, in their own words."""

    triggers: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    coping_steps: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    people: tuple[Contact, ...] = ()
    shared: bool = False  # shown to the person's clinicians when True

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in (*PLAN_LISTS, "people"))

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {name: list(getattr(self, name)) for name in PLAN_LISTS}
        doc["people"] = [{"name": c.name, "phone": c.phone} for c in self.people]
        doc["shared"] = self.shared
        return doc


def split_lines(text: str) -> list[str]:
    """Non-empty, stripped lines of a textarea."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_plan(
    lists: Mapping[str, Sequence[str]],
    people: Sequence[tuple[str, str]],
    shared: bool = False,
) -> RelapsePlan:
    """A plan from raw form values, or InvalidInput naming every bad field and row.

    Each section holds at most 20 lines of at most 300 characters; each person needs a
    name and a phone number (digits, spaces, + ( ) . / -). Empty people rows are dropped.
    """
    problems: list[Problem] = []
    cleaned: dict[str, tuple[str, ...]] = {}
    for name in PLAN_LISTS:
        lines = [line.strip() for line in lists.get(name, ()) if line.strip()]
        if len(lines) > MAX_LINES:
            problems.append(Problem(name, f"at most {MAX_LINES} lines"))
        for i, line in enumerate(lines, start=1):
            if len(line) > MAX_LINE:
                problems.append(Problem(name, f"longer than {MAX_LINE} characters", i))
        cleaned[name] = tuple(lines)
    contacts: list[Contact] = []
    rows = [(n.strip(), p.strip()) for n, p in people if n.strip() or p.strip()]
    if len(rows) > MAX_LINES:
        problems.append(Problem("people", f"at most {MAX_LINES} people"))
    for i, (name, phone) in enumerate(rows, start=1):
        if not name:
            problems.append(Problem("people.name", "a name is needed for this number", i))
        elif len(name) > MAX_LINE:
            problems.append(Problem("people.name", f"longer than {MAX_LINE} characters", i))
        if not phone:
            problems.append(Problem("people.phone", "a phone number is needed", i))
        elif not _PHONE.match(phone):
            problems.append(Problem("people.phone", "use digits, spaces and + ( ) - only", i))
        contacts.append(Contact(name, phone))
    if problems:
        raise InvalidInput(problems)
    return RelapsePlan(people=tuple(contacts), shared=shared, **cleaned)


@dataclass(frozen=True, slots=True)
class Craving:
    """One craving: when, how strong (0 none .. 10 strongest imaginable), what set it
    off and what helped."""

    at: dt.datetime
    intensity: int
    trigger: str = ""
    helped: str = ""


def validate_craving(
    at: dt.datetime, intensity: Any, trigger: str = "", helped: str = ""
) -> Craving:
    """A craving entry, or InvalidInput naming the field (intensity 0..10, texts <= 300)."""
    problems: list[Problem] = []
    value = _whole_number(intensity)
    if value is None or not CRAVING_MIN <= value <= CRAVING_MAX:
        problems.append(Problem("intensity", f"a whole number {CRAVING_MIN}..{CRAVING_MAX}"))
    if at.tzinfo is None:
        problems.append(Problem("at", "needs a time zone"))
    for name, text in (("trigger", trigger), ("helped", helped)):
        if len(text.strip()) > MAX_LINE:
            problems.append(Problem(name, f"longer than {MAX_LINE} characters"))
    if problems or value is None:
        raise InvalidInput(problems)
    return Craving(at=at, intensity=value, trigger=trigger.strip(), helped=helped.strip())


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (ISO 8601 weeks)."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeeklyCheckin:
    """One week's answers (0..4 each) and the risk index derived from them."""

    week_start: dt.date
    confidence: int
    support: int
    cravings: int
    stress: int

    @property
    def risk_index(self) -> int:
        """0..16, higher is more risk: cravings + stress + (4 - confidence) + (4 - support).
        Nightbridge's own, not validated."""
        return (
            self.cravings + self.stress + (ITEM_MAX - self.confidence) + (ITEM_MAX - self.support)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "confidence": self.confidence,
            "support": self.support,
            "cravings": self.cravings,
            "stress": self.stress,
            "risk_index": self.risk_index,
        }


def validate_checkin(day: dt.date, answers: Mapping[str, Any]) -> WeeklyCheckin:
    """A weekly check-in for the week containing ``day``; every item 0..4, or
    InvalidInput naming each bad item."""
    problems: list[Problem] = []
    values: dict[str, int] = {}
    for item in CHECKIN_ITEMS:
        value = _whole_number(answers.get(item))
        if value is None or not ITEM_MIN <= value <= ITEM_MAX:
            problems.append(Problem(item, f"a whole number {ITEM_MIN}..{ITEM_MAX}"))
        else:
            values[item] = value
    if problems:
        raise InvalidInput(problems)
    return WeeklyCheckin(week_start=week_start(day), **values)


@dataclass(frozen=True, slots=True)
class CheckinTrend:
    """The weekly check-ins oldest first, and which way the latest one points."""

    checkins: tuple[WeeklyCheckin, ...]
    direction: str  # "rising" | "falling" | "steady" | "too_few"
    change: float | None  # latest risk index minus the baseline mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "checkins": [c.to_dict() for c in self.checkins],
            "direction": self.direction,
            "change": self.change,
            "validated": False,
        }


def compute_trend(checkins: Iterable[WeeklyCheckin]) -> CheckinTrend:
    """The trend of the risk index: the latest week against the mean of up to three
    weeks before it (``rising`` at +3 or more, ``falling`` at -3 or less)."""
    ordered = tuple(sorted(checkins, key=lambda c: c.week_start))
    if len(ordered) < 2:
        return CheckinTrend(ordered, "too_few", None)
    latest = ordered[-1]
    baseline = ordered[-1 - TREND_BASELINE_WEEKS : -1]
    mean = sum(c.risk_index for c in baseline) / len(baseline)
    change = round(latest.risk_index - mean, 1)
    if change >= TREND_STEP:
        direction = "rising"
    elif change <= -TREND_STEP:
        direction = "falling"
    else:
        direction = "steady"
    return CheckinTrend(ordered, direction, change)
