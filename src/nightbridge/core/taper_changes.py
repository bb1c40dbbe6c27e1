"""Changes to a taper schedule: is it a change at all, does it raise today's target, and
how it reads in the history (definitions.md section 5).

A taper is set by people, and changed by people: a form saved again as it was is not a
change (nothing is stored), and a change whose target for today (or, for a schedule
that starts later, its first target) is above the step in force today is refused
unless whoever makes it confirms it. After days at a lower amount tolerance is lower,
so going back up (a restart at the old start amount is the usual accident) risks
overdose (FDA Drug Safety Communication, 9 Apr 2019; Agnoli A et al., JAMA
2021;326:411-9). Every change is kept and shown as "from what, to what".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from nightbridge.core.intake import normalise_name
from nightbridge.core.taper import TaperPlan


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def schedule_key(plan: TaperPlan) -> tuple[object, ...]:
    """What makes two schedules the same: the substance, the unit and every dated
    target (so settings that give the same dates and amounts are the same schedule)."""
    return (
        normalise_name(plan.substance),
        plan.unit,
        tuple((s.date, s.amount) for s in plan.steps),
    )


def same_schedule(before: TaperPlan | None, after: TaperPlan) -> bool:
    """True when saving ``after`` over ``before`` would change nothing."""
    return before is not None and schedule_key(before) == schedule_key(after)


def target_from(plan: TaperPlan, day: dt.date) -> Decimal:
    """The target in force on ``day``, or the first target of a schedule that starts
    later (no step of a schedule is above it: a schedule never steps up)."""
    step = plan.step_on(day)
    return step.amount if step is not None else plan.steps[0].amount


@dataclass(frozen=True, slots=True)
class TargetRaise:
    """A change that puts the target above the step in force today."""

    before: Decimal
    before_unit: str
    after: Decimal
    after_unit: str

    def message(self) -> str:
        """The refusal, for the person or clinician making the change."""
        if self.before_unit != self.after_unit:
            what = (
                f"the unit changes from {self.before_unit} to {self.after_unit}, so the new "
                f"target ({_amount(self.after)} {self.after_unit} a day) cannot be checked "
                f"against the step in force today ({_amount(self.before)} "
                f"{self.before_unit} a day)"
            )
        else:
            what = (
                f"this raises the target from {_amount(self.before)} {self.before_unit} a "
                f"day (the step in force today) to {_amount(self.after)} {self.after_unit} "
                "a day"
            )
        return (
            f"{what}. Tolerance is lower after a cut, so going back up risks overdose. "
            "If that is what you and the person agreed, confirm the raise and save again."
        )


def target_raise(before: TaperPlan | None, after: TaperPlan, today: dt.date) -> TargetRaise | None:
    """The raise ``after`` would make over ``before`` from ``today`` on, or None.

    A first taper raises nothing. A schedule of another substance replaces, it does not
    raise. The same substance in another unit cannot be compared, so it counts as a
    raise (to be confirmed).
    """
    if before is None or normalise_name(before.substance) != normalise_name(after.substance):
        return None
    now, new = target_from(before, today), target_from(after, today)
    if before.unit != after.unit or new > now:
        return TargetRaise(now, before.unit, new, after.unit)
    return None


def describe_schedule(plan: TaperPlan) -> str:
    """One line: "kratom, 12 g a day from 2026-03-01, down 10 % every 7 days (smallest
    step 0.6 g; step 3 held 7 more days)"."""
    extras = [f"smallest step {_amount(plan.min_step.quantize(Decimal('0.01')))} {plan.unit}"]
    extras += [f"step {h.step} held {h.days} more days" for h in plan.holds]
    if plan.clinician_override:
        extras.append("steps over 25 % allowed by a clinician")
    return (
        f"{plan.substance}, {_amount(plan.start_amount)} {plan.unit} a day from "
        f"{plan.start.isoformat()}, down {_amount(plan.step_pct)} % every "
        f"{plan.every_days} days ({'; '.join(extras)})"
    )
