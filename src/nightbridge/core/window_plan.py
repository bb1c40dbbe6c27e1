"""The sleep window in force: the fixed rise time and the window a person keeps to.

CBT-I sleep restriction (definitions.md section 2; Spielman, Saskin & Thorpy, Sleep
1987;10:45-56) asks the person, with their clinician, to choose a FIXED rise time and a
window of time in bed (bedtime = rise - window); the window is reviewed once a week
from the last 7 mornings. A ``WindowPlan`` is one such choice: who made it, on which
date, and which answer of the window rules it took (``core.window.ACTIONS``), or
``set`` when a person or clinician typed the numbers in. The plans in force form a
history, one per change (newest last), so a report can say "5 h 30 from Nov 3".

``window_min`` is None when only the rise time has been chosen (the window has not
started yet: still collecting the diary, or deferred in early withdrawal).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.window import ACTIONS
from nightbridge.core.wording import action_words

#: Who may set a plan.
SETTERS: tuple[str, ...] = ("person", "clinician")
#: What set it: an answer of the window rules, or ``set`` (numbers typed in).
PLAN_ACTIONS: tuple[str, ...] = (*ACTIONS, "set")
#: A window in force is reviewed once a week (Spielman et al. 1987: weekly titration).
REVIEW_EVERY_DAYS = 7
#: Bounds of a window in force, minutes (as ``nightbridge window --current``).
WINDOW_MIN_BOUNDS: tuple[int, int] = (60, 24 * 60)


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """A rise time and window (minutes, or None before the window starts) in force from
    ``set_on``, set by ``set_by`` (``person``/``clinician``) through ``action``."""

    rise: dt.time
    window_min: int | None
    set_on: dt.date
    set_by: str
    action: str

    @property
    def bedtime(self) -> dt.time | None:
        """rise - window, on the clock (None without a window)."""
        if self.window_min is None:
            return None
        rise = dt.datetime.combine(dt.date(2000, 1, 2), self.rise)
        return (rise - dt.timedelta(minutes=self.window_min)).time()

    @property
    def review_on(self) -> dt.date:
        """The first morning on which the weekly step applies to this window."""
        return self.set_on + dt.timedelta(days=REVIEW_EVERY_DAYS)

    def due_for_review(self, on: dt.date) -> bool:
        """True once a full week of mornings has been spent on this window."""
        return on >= self.review_on

    def to_dict(self) -> dict[str, Any]:
        bedtime = self.bedtime
        return {
            "rise": self.rise.strftime("%H:%M"),
            "window_min": self.window_min,
            "bedtime": bedtime.strftime("%H:%M") if bedtime else None,
            "set_on": self.set_on.isoformat(),
            "set_by": self.set_by,
            "action": self.action,
        }


def make_plan(
    *,
    rise: dt.time,
    window_min: int | None,
    set_on: dt.date,
    set_by: str,
    action: str = "set",
    floor_min: int = 300,
) -> WindowPlan:
    """A checked ``WindowPlan``; ``InvalidInput`` names every bad field.

    The window is never below the person's ``floor_min`` (definitions.md section 2:
    300 min by default; Spielman et al. 1987) nor above 24 h.
    """
    problems: list[Problem] = []
    if set_by not in SETTERS:
        problems.append(Problem("by", f"must be one of {', '.join(SETTERS)} (got {set_by!r})"))
    if action not in PLAN_ACTIONS:
        problems.append(Problem("action", f"{action!r} is not a window action"))
    if window_min is not None:
        low, high = max(WINDOW_MIN_BOUNDS[0], floor_min), WINDOW_MIN_BOUNDS[1]
        if not low <= window_min <= high:
            problems.append(
                Problem(
                    "window_min",
                    f"must be between {low} and {high} minutes (got {window_min}); "
                    f"the window never goes below the floor of {floor_min} min",
                )
            )
    if problems:
        raise InvalidInput(problems)
    return WindowPlan(
        rise=rise.replace(second=0, microsecond=0),
        window_min=window_min,
        set_on=set_on,
        set_by=set_by,
        action=action,
    )


def describe_history(plans: list[WindowPlan]) -> list[str]:
    """Plain lines for a report, oldest first: "window 5 h 30 (00:30 to 06:00) from
    2026-11-03, set by a clinician (set by hand)"; a rise-only plan reads "rise time 06:00, no
    window yet from ..."."""
    lines: list[str] = []
    for plan in plans:
        who = "the person" if plan.set_by == "person" else "a clinician"
        if plan.window_min is None:
            what = f"rise time {plan.rise:%H:%M}, no window yet"
        else:
            hours, minutes = divmod(plan.window_min, 60)
            bedtime = plan.bedtime
            assert bedtime is not None  # window_min is set
            what = f"window {hours} h {minutes:02d} ({bedtime:%H:%M} to {plan.rise:%H:%M})"
        lines.append(
            f"{what} from {plan.set_on.isoformat()}, set by {who} ({action_words(plan.action)})"
        )
    return lines
