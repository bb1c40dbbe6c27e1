"""Taper schedules that a person or clinician sets (definitions.md section 5).

Nightbridge never suggests a dose: the start amount, the step percent and the step
length are always inputs. Each step::

    next = max(0, a - max(a * p / 100, m))      rounded half up to 0.1 of the unit

with ``p`` the step percent and ``m`` the smallest step (default 5 % of the start
amount, so that the schedule ends), so the schedule never steps up and ends with 0.
The pace (``p`` and the step length) has no default: whoever sets the taper gives
both. ``p`` above 25 is refused unless a clinician overrides it explicitly. A hold
keeps a step for longer (a pause is always allowed). When rounding to 0.1 would leave
an amount unchanged (a smallest step under 0.1 of the unit), the step goes down by 0.1
instead, so the schedule always ends.

Background (no guideline exists for kratom tapers): FDA Drug Safety Communication,
9 Apr 2019 (no abrupt discontinuation of opioids); HHS Guide for Clinicians on the
Appropriate Dosage Reduction or Discontinuation of Long-Term Opioid Analgesics, Oct 2019
(individualise; avoid rapid tapers); Dowell D et al., CDC Clinical Practice Guideline for
Prescribing Opioids for Pain, MMWR Recomm Rep 2022;71(3):1-95 (about 10 % per month or
slower after long use); Agnoli A et al., JAMA 2021;326:411-9 (tapering linked to
overdose and mental-health crises). Loss of tolerance after a taper raises overdose risk
on a return to the old amount (the warning shown at the end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.intake import IntakeEvent, normalise_name
from nightbridge.core.values import day_problem, number_problem

#: Largest step percent allowed without a clinician's explicit override.
MAX_STEP_PCT = Decimal(25)
#: Longest time between two steps: a year (the schedule's dates must stay real dates).
MAX_EVERY_DAYS = 365
#: Smallest step as a fraction of the start amount when none is given (5 %).
DEFAULT_MIN_STEP_FRACTION = Decimal("0.05")
#: Amounts are shown to 0.1 of the unit.
QUANTUM = Decimal("0.1")
#: A schedule longer than this is refused (it would not be a plan anyone can follow).
MAX_STEPS = 520

END_WARNING = (
    "Your tolerance is lower now. If you go back to the amount you used to take, even "
    "once, the risk of overdose is high. If you do use again, use much less, do not use "
    "alone, avoid alcohol and sedatives, and keep naloxone near you."
)


@dataclass(frozen=True, slots=True)
class Hold:
    """Keep step number ``step`` (1 = the start amount) for ``days`` days longer."""

    step: int
    days: int


@dataclass(frozen=True, slots=True)
class TaperStep:
    """One dated target: from ``date`` on, the amount is ``amount`` (per day)."""

    number: int
    date: dt.date
    amount: Decimal
    unit: str
    days: int
    held_days: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "amount": float(self.amount), "unit": self.unit}


@dataclass(frozen=True, slots=True)
class TaperPlan:
    """The schedule and the settings it came from."""

    substance: str
    unit: str
    start_amount: Decimal
    step_pct: Decimal
    every_days: int
    start: dt.date
    min_step: Decimal
    holds: tuple[Hold, ...]
    clinician_override: bool
    steps: tuple[TaperStep, ...]
    end_warning: str = END_WARNING

    @property
    def end(self) -> dt.date:
        """The date of the last step (the step of 0)."""
        return self.steps[-1].date

    def step_on(self, day: dt.date) -> TaperStep | None:
        """The step in force on ``day`` (None before the start)."""
        current = None
        for step in self.steps:
            if step.date <= day:
                current = step
        return current

    def large_steps(self) -> list[tuple[TaperStep, Decimal]]:
        """Steps that cut more than 25 % of the amount before them, with the percent cut."""
        found = []
        for before, step in zip(self.steps, self.steps[1:], strict=False):
            if before.amount > 0:
                pct = (before.amount - step.amount) * 100 / before.amount
                if pct > MAX_STEP_PCT:
                    found.append((step, pct.quantize(QUANTUM, ROUND_HALF_UP)))
        return found

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of docs/cli.md (``taper --json``), plus the settings and warning."""
        return {
            "steps": [s.to_dict() for s in self.steps],
            "substance": self.substance,
            "start_amount": float(self.start_amount),
            "step_pct": float(self.step_pct),
            "every_days": self.every_days,
            "min_step": float(self.min_step),
            "holds": [{"step": h.step, "days": h.days} for h in self.holds],
            "clinician_override": self.clinician_override,
            "end_warning": self.end_warning,
        }


def round_amount(value: Decimal) -> Decimal:
    """Half up to 0.1 of the unit (2.25 -> 2.3, 2.24 -> 2.2)."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def next_amount(amount: Decimal, step_pct: Decimal, min_step: Decimal) -> Decimal:
    """``max(0, a - max(a * p / 100, m))`` rounded half up to 0.1; always below ``a``."""
    cut = max(amount * step_pct / 100, min_step)
    following = round_amount(max(Decimal(0), amount - cut))
    if following >= amount:
        following = round_amount(max(Decimal(0), round_amount(amount) - QUANTUM))
    return following


#: What a missing part of the pace is refused with: the question, never a default.
PACE_REQUIRED = {
    "start_amount": "is missing: give the amount per day now, as you and your clinician "
    "agree it (Nightbridge never suggests one)",
    "step_pct": "is missing: give the percent cut at each step that you and your "
    "clinician agreed (Nightbridge never sets a pace)",
    "every_days": "is missing: give the number of days each step lasts, as you and your "
    "clinician agreed (Nightbridge never sets a pace)",
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal(field_name: str, value: object, problems: list[Problem]) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        problems.append(Problem(field_name, f"{value!r} is not a number"))
        return None
    reason = number_problem(number)
    if reason:
        problems.append(Problem(field_name, reason))
        return None
    return number


def build_taper(
    *,
    start_amount: object,
    unit: str,
    start: dt.date,
    step_pct: object,
    every_days: object,
    min_step: object | None = None,
    holds: Sequence[Hold] = (),
    clinician_override: bool = False,
    substance: str = "",
) -> TaperPlan:
    """The dated schedule from the given settings; every refused setting is reported.

    Refuses (InvalidInput): a missing start amount, step percent or step length
    (Nightbridge sets no pace: None or "" is refused, never filled in); a start amount
    under 0.1 of the unit; ``step_pct`` outside 0..25 (0..100 with
    ``clinician_override=True``); ``every_days`` under 1; a smallest step of 0 or less;
    a hold on a step that does not exist or of fewer than 1 day; a schedule of more than
    520 steps.
    """
    problems: list[Problem] = []
    a0 = None
    if _missing(start_amount):
        problems.append(Problem("start_amount", PACE_REQUIRED["start_amount"]))
    else:
        a0 = _decimal("start_amount", start_amount, problems)
    p = None
    if _missing(step_pct):
        problems.append(Problem("step_pct", PACE_REQUIRED["step_pct"]))
    else:
        p = _decimal("step_pct", step_pct, problems)
    m = _decimal("min_step", min_step, problems) if min_step is not None else None
    if a0 is not None and round_amount(a0) < QUANTUM:
        problems.append(Problem("start_amount", "must be at least 0.1"))
    if p is not None:
        limit = Decimal(100) if clinician_override else MAX_STEP_PCT
        if p < 0 or p > limit:
            reason = (
                f"must be between 0 and {limit}"
                if clinician_override or p < 0
                else f"{p}% is above {MAX_STEP_PCT}%: larger steps need a clinician's override"
            )
            problems.append(Problem("step_pct", reason))
    if isinstance(every_days, str) and every_days.strip().isdigit():
        every_days = int(every_days.strip())
    if _missing(every_days):
        problems.append(Problem("every_days", PACE_REQUIRED["every_days"]))
    elif isinstance(every_days, bool) or not isinstance(every_days, int) or every_days < 1:
        problems.append(Problem("every_days", "must be a whole number of days, 1 or more"))
    elif every_days > MAX_EVERY_DAYS:
        problems.append(Problem("every_days", f"must be {MAX_EVERY_DAYS} days or fewer"))
    start_problem = day_problem(start)
    if start_problem:
        problems.append(Problem("start", start_problem))
    if m is not None and m <= 0:
        problems.append(Problem("min_step", "must be greater than 0"))
    if not unit.strip():
        problems.append(Problem("unit", "is empty"))
    if problems or a0 is None or p is None or not isinstance(every_days, int):
        raise InvalidInput(problems)
    a0 = round_amount(a0)
    smallest = m if m is not None else a0 * DEFAULT_MIN_STEP_FRACTION

    amounts = [a0]
    while amounts[-1] > 0:
        if len(amounts) >= MAX_STEPS:
            raise InvalidInput.one(
                "min_step", f"the schedule would have more than {MAX_STEPS} steps"
            )
        amounts.append(next_amount(amounts[-1], p, smallest))

    extra: dict[int, int] = {}
    for hold in holds:
        if not 1 <= hold.step <= len(amounts) - 1:
            problems.append(
                Problem(
                    "hold", f"step {hold.step} is not a step before the end (1..{len(amounts) - 1})"
                )
            )
        elif hold.days < 1:
            problems.append(Problem("hold", "must hold for 1 day or more"))
        elif hold.days > MAX_EVERY_DAYS:
            problems.append(Problem("hold", f"must hold for {MAX_EVERY_DAYS} days or fewer"))
        else:
            extra[hold.step] = extra.get(hold.step, 0) + hold.days
    if problems:
        raise InvalidInput(problems)

    steps: list[TaperStep] = []
    day = start
    for number, amount in enumerate(amounts, start=1):
        held = extra.get(number, 0)
        length = every_days + held if amount > 0 else 0
        steps.append(TaperStep(number, day, amount, unit.strip(), length, held))
        day = day + dt.timedelta(days=length)
    return TaperPlan(
        substance=substance,
        unit=unit.strip(),
        start_amount=a0,
        step_pct=p,
        every_days=every_days,
        start=start,
        min_step=smallest,
        holds=tuple(holds),
        clinician_override=clinician_override,
        steps=tuple(steps),
    )


@dataclass(frozen=True, slots=True)
class StepAdherence:
    """Logged intake against one step: per-day totals over the days that have passed."""

    number: int
    start: dt.date
    end: dt.date  # last day of the step (inclusive)
    target: Decimal
    unit: str
    days_elapsed: int
    days_logged: int
    days_over: int
    mean_logged: float | None
    max_logged: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "step": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "target": float(self.target),
            "unit": self.unit,
            "days_elapsed": self.days_elapsed,
            "days_logged": self.days_logged,
            "days_over": self.days_over,
            "mean_logged": self.mean_logged,
            "max_logged": self.max_logged,
        }


def compare_intake(
    plan: TaperPlan,
    events: Iterable[IntakeEvent],
    *,
    tz: str,
    today: dt.date,
    substance_class: str | None = None,
) -> list[StepAdherence]:
    """Per step up to ``today``: how many days had intake logged and how many went over.

    Intake counts when it is the plan's substance (by name, or by ``substance_class``
    when given) in the plan's unit; amounts are summed per local date in ``tz``.
    A day with nothing logged is not assumed to be 0: it is simply not counted.
    """
    zone = ZoneInfo(tz)
    wanted = normalise_name(plan.substance)
    per_day: dict[dt.date, float] = {}
    for event in events:
        if event.unit != plan.unit:
            continue
        same = normalise_name(event.substance) == wanted or (
            substance_class is not None and event.substance_class == substance_class
        )
        if same:
            day = event.at.astimezone(zone).date()
            per_day[day] = per_day.get(day, 0.0) + event.amount
    result: list[StepAdherence] = []
    for step in plan.steps:
        if step.date > today:
            break
        last = step.date + dt.timedelta(days=max(step.days, 1) - 1)
        until = min(last, today)
        days = [step.date + dt.timedelta(days=i) for i in range((until - step.date).days + 1)]
        logged = [per_day[d] for d in days if d in per_day]
        result.append(
            StepAdherence(
                number=step.number,
                start=step.date,
                end=last,
                target=step.amount,
                unit=step.unit,
                days_elapsed=len(days),
                days_logged=len(logged),
                days_over=sum(1 for v in logged if v > float(step.amount) + 1e-9),
                mean_logged=round(sum(logged) / len(logged), 2) if logged else None,
                max_logged=max(logged) if logged else None,
            )
        )
    return result
