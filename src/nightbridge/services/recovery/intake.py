"""Use cases of the intake log: log one intake (and the alerts it raises), list intake.

Nightbridge logs what was taken; it never suggests an amount (definitions.md section 5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nightbridge.core.alerts import Alert
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import IntakeEvent, make_intake_event
from nightbridge.core.interactions import Interaction, find_interactions
from nightbridge.i18n import current_locale
from nightbridge.services.recovery.safety import evaluate_in_session, interaction_rules, vocabulary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository

#: An intake logged more than this far in the future is refused (clock skew allowed).
FUTURE_SLACK = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """The stored event, the alerts in force on its local date, and the interactions
    (every severity, including ``caution``) among that day's intake."""

    event: IntakeEvent
    local_date: dt.date
    alerts: list[Alert] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


def log_intake(
    db: Database,
    person_id: int,
    substance: str,
    amount: object,
    unit: str,
    at: dt.datetime | None = None,
    *,
    product: str | None = None,
    strain: str | None = None,
    batch: str | None = None,
    lab_tested: bool | None = None,
    note: str | None = None,
    tz: str | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """Validate and store one intake, then evaluate and record that date's alerts, all in
    one transaction. ``at`` defaults to now; a time without a zone takes the person's."""
    current = now or dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        profile = PersonRepository(session).get_profile(person_id)
        zone = tz or profile.tz
        when = current if at is None else at
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(zone))
        event = make_intake_event(
            substance,
            amount,
            unit,
            when,
            vocabulary(),
            product=product,
            strain=strain,
            batch=batch,
            lab_tested=lab_tested,
            note=note,
        )
        if event.at > current + FUTURE_SLACK:
            raise InvalidInput.one("at", "is in the future")
        day = event.local_date(zone)
        repo = IntakeRepository(session)
        repo.add(person_id, event, day)
        alerts = evaluate_in_session(session, person_id, day, tz=zone)
        same_day = repo.between(person_id, day, day)
        interactions = find_interactions(
            same_day, profile.conditions, interaction_rules(current_locale())
        )
    return IntakeResult(event, day, alerts, interactions)


@dataclass(frozen=True, slots=True)
class IntakeRow:
    """One line of the Log page: what, how much, the unit, and the local time on ``day``."""

    substance: str
    amount: str
    unit: str
    time: str


def log_intakes(
    db: Database,
    person_id: int,
    day: dt.date,
    rows: list[IntakeRow],
    *,
    now: dt.datetime | None = None,
) -> list[IntakeEvent]:
    """Store several intakes of the person's local date ``day`` (each at its own time) in
    ONE transaction, then evaluate and record that day's alerts. Every row is checked
    first; a problem in any row stores nothing. Problems are named ``substance.N``,
    ``amount.N``, ``unit.N``, ``time.N`` (N counting rows from 0); empty rows are skipped."""
    from nightbridge.core.errors import Problem

    current = now or dt.datetime.now(dt.UTC)
    with db.reader() as session:
        zone_name = PersonRepository(session).get_profile(person_id).tz
    zone = ZoneInfo(zone_name)
    problems: list[Problem] = []
    events: list[IntakeEvent] = []
    for index, row in enumerate(rows):
        if not (row.substance.strip() or row.amount.strip()):
            continue
        try:
            hours, minutes = row.time.strip().split(":")[:2]
            clock = dt.time(int(hours), int(minutes[:2]))
        except ValueError:
            problems.append(Problem(f"time.{index}", "needs the time it was taken (HH:MM)"))
            continue
        when = dt.datetime.combine(day, clock, zone)
        if when > current + FUTURE_SLACK:
            problems.append(Problem(f"time.{index}", "is later than now"))
            continue
        try:
            events.append(
                make_intake_event(row.substance, row.amount, row.unit, when, vocabulary())
            )
        except InvalidInput as exc:
            for problem in exc.problems:
                name = "time" if problem.field == "at" else problem.field
                problems.append(Problem(f"{name}.{index}", problem.reason))
    if not events and not problems:
        problems.append(Problem("substance.0", "is empty: write what you took"))
    if problems:
        raise InvalidInput(problems)
    with db.transaction() as session:
        repo = IntakeRepository(session)
        for event in events:
            repo.add(person_id, event, event.local_date(zone_name))
        evaluate_in_session(session, person_id, day, tz=zone_name)
    return events


def list_intake(db: Database, person_id: int, start: dt.date, end: dt.date) -> list[IntakeEvent]:
    """Intake with a local date in ``start..end`` (both included), oldest first."""
    with db.reader() as session:
        return IntakeRepository(session).between(person_id, start, end)


def interactions_on(db: Database, person_id: int, day: dt.date) -> list[Interaction]:
    """The combinations (every severity, ``caution`` included) among the intake logged on
    the person's local date ``day``, most severe first."""
    with db.reader() as session:
        profile = PersonRepository(session).get_profile(person_id)
        events = IntakeRepository(session).between(person_id, day, day)
    return find_interactions(events, profile.conditions, interaction_rules(current_locale()))


@dataclass(frozen=True, slots=True)
class IntakeTrend:
    """One substance's logged total per local day and, with an active taper of it, the
    taper's target for each day (set by the clinician; Nightbridge never suggests one)."""

    substance: str
    unit: str
    amounts: dict[dt.date, float]
    targets: dict[dt.date, float]


def intake_trend(db: Database, person_id: int, start: dt.date, end: dt.date) -> IntakeTrend | None:
    """The tapered substance (or, without a taper, the kratom or opioid logged most often)
    per day over ``start..end``; None when there is nothing to show."""
    from nightbridge.services.recovery.taper import get_taper

    with db.reader() as session:
        zone = PersonRepository(session).get_profile(person_id).tz
    events = list_intake(db, person_id, start, end)
    taper = get_taper(db, person_id)
    if taper is not None:
        name, unit = taper.substance, taper.unit
    else:
        counts: dict[tuple[str, str], int] = {}
        for e in events:
            if e.substance_class in ("kratom", "opioid"):
                counts[(e.substance, e.unit)] = counts.get((e.substance, e.unit), 0) + 1
        if not counts:
            return None
        name, unit = max(counts, key=lambda k: counts[k])
    amounts: dict[dt.date, float] = {}
    for e in events:
        if e.substance.casefold() == name.casefold() and e.unit == unit:
            day = e.local_date(zone)
            amounts[day] = round(amounts.get(day, 0.0) + float(e.amount), 3)
    targets: dict[dt.date, float] = {}
    if taper is not None:
        day = start
        while day <= end:
            step = taper.step_on(day)
            if step is not None:
                targets[day] = float(step.amount)
            day += dt.timedelta(days=1)
    if not amounts and not targets:
        return None
    return IntakeTrend(name, unit, amounts, targets)
