"""Use case: the sleep window for a person's stored diary (docs/definitions.md section 2)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.window import (
    START_SPAN_DAYS,
    WARNINGS,
    WindowAdvice,
    WithdrawalContext,
    recommend_window,
    window_floor,
)
from nightbridge.core.window_plan import WindowPlan, make_plan
from nightbridge.i18n import current_locale
from nightbridge.services.sleep.diary import list_nights, local_today
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.window_plans import WindowPlanRepository

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_rise(text: str) -> dt.time:
    """A rise time ``HH:MM``; ``InvalidInput`` on field ``rise`` otherwise."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise InvalidInput.one("rise", f"{text!r} is not a clock time (HH:MM, 00:00 to 23:59)")
    return dt.time(int(match.group(1)), int(match.group(2)))


def current_plan(db: Database, person_id: int) -> WindowPlan | None:
    """The rise time and window in force (the last plan stored), if any."""
    with db.reader() as session:
        return WindowPlanRepository(session).current(person_id)


def plan_history(db: Database, person_id: int) -> list[WindowPlan]:
    """Every plan stored for the person, oldest first."""
    with db.reader() as session:
        return WindowPlanRepository(session).history(person_id)


def set_plan(
    db: Database,
    person_id: int,
    *,
    rise: dt.time,
    window_min: int | None,
    by: str,
    action: str = "set",
    on: dt.date | None = None,
) -> WindowPlan:
    """Store a rise time and window (minutes, or None: rise only) as the plan in force
    from ``on`` (default: today in the person's zone), in one transaction.

    ``by`` is ``person`` or ``clinician``; ``action`` the window answer it takes, or
    ``set``. The window is never below the person's shortest window
    (``core.window.window_floor``: ``floor_min``, and at least 6.5 h when restriction is
    contraindicated; definitions.md section 2); ``InvalidInput`` names the field
    otherwise and nothing is stored.
    """
    from nightbridge.services.sleep.profile import require_screen

    with db.transaction() as session:
        profile = PersonRepository(session).get_profile(person_id)
        if window_min is not None:
            require_screen(profile)  # no window before the restriction-safety screen
        plan = make_plan(
            rise=rise,
            window_min=window_min,
            set_on=on or local_today(profile.tz),
            set_by=by,
            action=action,
            floor_min=window_floor(profile),
        )
        WindowPlanRepository(session).add(person_id, plan)
    return plan


def accept_advice(
    db: Database, person_id: int, advice: WindowAdvice, *, by: str, on: dt.date | None = None
) -> WindowPlan:
    """Store ``advice`` (its rise time and window) as the plan in force.

    An answer without a window (``collect``, ``defer``) stores the rise time alone, but
    never replaces a window in force: ``InvalidInput`` on field ``accept`` then. The
    same rise time and window as the plan in force, before its weekly review, store
    nothing (the week on it is not restarted) and return the plan in force.
    """
    plan = current_plan(db, person_id)
    if plan is not None and (plan.rise, plan.window_min) == (advice.rise, advice.window_min):
        with db.reader() as session:
            zone = PersonRepository(session).get_profile(person_id).tz
        if not plan.due_for_review(on or local_today(zone)):
            return plan
    if advice.window_min is None and plan is not None and plan.window_min is not None:
        raise InvalidInput.one(
            "accept",
            f"this answer ({advice.action}) has no window to use; your window of "
            f"{plan.window_min} min stays in force",
        )
    return set_plan(
        db,
        person_id,
        rise=advice.rise,
        window_min=advice.window_min,
        by=by,
        action=advice.action,
        on=on,
    )


def sleep_window(
    db: Database,
    person_id: int,
    *,
    rise: dt.time | None = None,
    current: int | None = None,
    on: dt.date | None = None,
    withdrawal: WithdrawalContext | None = None,
    tz: str | None = None,
) -> WindowAdvice:
    """The window for the morning ``on`` (default: today) from the stored diary.

    ``rise`` is the fixed rise time and ``current`` the window in force (minutes; None
    when starting); either, when not given, comes from the plan in force
    (``current_plan``). Without a rise time given or stored: ``InvalidInput`` on field
    ``rise``. ``withdrawal`` comes from the safety store (early withdrawal defers the
    window); ``tz`` overrides the profile's zone.

    A stored window is titrated once a week (Spielman et al., Sleep 1987;10:45-56):
    before a full week of mornings on it (``WindowPlan.review_on``) the answer is
    ``keep``, unless withdrawal defers the window or the diary is too thin to judge.
    """
    from nightbridge.services.sleep.profile import require_screen

    with db.reader() as session:
        profile = PersonRepository(session).get_profile(person_id)
    require_screen(profile)
    if current is not None and not 60 <= current <= 24 * 60:
        raise InvalidInput.one("current", f"must be between 60 and 1440 minutes (got {current})")
    plan = current_plan(db, person_id) if rise is None or current is None else None
    if rise is None:
        if plan is None:
            raise InvalidInput.one(
                "rise",
                "no rise time is stored yet: give one (HH:MM), e.g. --rise 07:00, "
                "and store it with --accept",
            )
        rise = plan.rise
    in_force: WindowPlan | None = None
    if current is None and plan is not None and plan.window_min is not None:
        in_force, current = plan, plan.window_min
    zone = tz or profile.tz
    day = on or local_today(zone)
    # The rules read at most the last 14 mornings, and compression also the diary's first
    # 14 (its baseline): load only those, not years of diary.
    nights = list_nights(db, person_id, day - dt.timedelta(days=START_SPAN_DAYS - 1), day, tz=zone)
    if profile.restriction_contraindicated and current is not None:
        with db.reader() as session:
            first = DiaryRepository(session).first_date(person_id)
        if first is not None and first < day - dt.timedelta(days=START_SPAN_DAYS - 1):
            baseline_end = first + dt.timedelta(days=START_SPAN_DAYS - 1)
            nights = list_nights(db, person_id, first, min(baseline_end, day), tz=zone) + nights
    advice = recommend_window(
        nights,
        reference_date=day,
        rise=rise,
        profile=profile,
        current_window_min=current,
        withdrawal=withdrawal,
    )
    if in_force is not None and not in_force.due_for_review(day):
        return hold_until_review(advice, in_force, floor=window_floor(profile))
    return advice


def hold_until_review(
    advice: WindowAdvice, plan: WindowPlan, *, floor: int | None = None
) -> WindowAdvice:
    """``advice`` for a window set less than a week ago: a weekly step (increase,
    decrease, keep, compress) becomes ``keep`` the window in force until
    ``plan.review_on``; ``defer`` and ``collect`` stand as they are."""
    if advice.action in ("defer", "collect") or plan.window_min is None:
        return advice
    if floor is not None and plan.window_min < floor:
        # below the person's shortest window (a condition recorded since it was set:
        # never below 6.5 h then): the rules' answer stands at once, not in a week
        return advice
    return WindowAdvice(
        action="keep",
        rise=advice.rise,
        window_min=plan.window_min,
        nights_used=advice.nights_used,
        mean_tst_min=advice.mean_tst_min,
        pooled_se_pct=advice.pooled_se_pct,
        reasons=(
            f"Your window of {plan.window_min} min has been in force since "
            f"{plan.set_on.isoformat()}; the weekly step is due on "
            f"{plan.review_on.isoformat()}, after a full week of mornings on it: keep it "
            "until then.",
            *WARNINGS,
        ),
    )


def stimulus_control() -> dict[str, Any]:
    """The stimulus control instructions (Bootzin), with their sources."""
    doc: dict[str, Any] = load_json("stimulus_control.json", current_locale())
    return doc


def withdrawal_for(
    db: Database, person_id: int, on: dt.date | None, *, tz: str | None = None
) -> WithdrawalContext:
    """The withdrawal context for the morning ``on`` (default today) from the safety store:
    the last kratom or opioid dose and the days with a moderate-or-worse symptom score
    (``services.recovery.withdrawal.withdrawal_context``)."""
    from nightbridge.services.recovery.withdrawal import withdrawal_context

    if on is None:
        with db.reader() as session:
            zone = tz or PersonRepository(session).get_profile(person_id).tz
        on = local_today(zone)
    return withdrawal_context(db, person_id, on)


@dataclass(frozen=True, slots=True)
class WindowInForce:
    """The ONE answer to "what is my window tonight?" that Today, Plan, Trends, the
    reports and the calendar all show (issue 13 item 4).

    ``plan`` is the stored plan in force on the day (the last one set on or before it;
    ``set_by`` says whether the person or the clinician set it); ``advice`` is this
    week's answer of the rules for it (``sleep_window``, held until the weekly review).
    The window followed tonight is the plan's, except while early withdrawal defers the
    window (definitions.md section 2; hazard H25): then no window is in force, whoever
    set it, and every page says that it waits. Without a stored plan there is no window
    in force; ``advice`` may suggest one to start with."""

    on: dt.date
    plan: WindowPlan | None
    advice: WindowAdvice | None

    @property
    def paused(self) -> bool:
        """A stored window waiting while early withdrawal lasts."""
        return (
            self.plan is not None
            and self.plan.window_min is not None
            and self.advice is not None
            and self.advice.action == "defer"
        )

    @property
    def window_min(self) -> int | None:
        """The window followed tonight (minutes), or None."""
        if self.plan is None or self.plan.window_min is None or self.paused:
            return None
        return self.plan.window_min

    @property
    def bedtime(self) -> dt.time | None:
        return self.plan.bedtime if self.window_min is not None and self.plan else None

    @property
    def rise(self) -> dt.time | None:
        if self.plan is not None:
            return self.plan.rise
        return self.advice.rise if self.advice is not None else None

    @property
    def by_clinician(self) -> bool:
        return self.plan is not None and self.plan.set_by == "clinician"

    def to_dict(self) -> dict[str, Any]:
        bedtime = self.bedtime
        return {
            "window_min": self.window_min,
            "bedtime": bedtime.strftime("%H:%M") if bedtime else None,
            "rise": self.rise.strftime("%H:%M") if self.rise else None,
            "paused": self.paused,
            "set_by": self.plan.set_by if self.plan else None,
            "set_on": self.plan.set_on.isoformat() if self.plan else None,
            "advice": self.advice.action if self.advice else None,
        }


def window_in_force(
    db: Database,
    person_id: int,
    on: dt.date,
    *,
    rise: dt.time | None = None,
    tz: str | None = None,
) -> WindowInForce:
    """The plan in force on ``on`` and this week's advice for it (see ``WindowInForce``).
    ``rise`` is the rise time to advise for when no plan is stored (default: none, and
    then no advice)."""
    from nightbridge.services.recovery.withdrawal import withdrawal_context

    plans = [p for p in plan_history(db, person_id) if p.set_on <= on]
    stored = plans[-1] if plans else None
    chosen = stored.rise if stored is not None else rise
    if chosen is None:
        return WindowInForce(on, None, None)
    advice = sleep_window(
        db,
        person_id,
        rise=chosen,
        current=stored.window_min if stored is not None else None,
        on=on,
        tz=tz,
        withdrawal=withdrawal_context(db, person_id, on),
    )
    if stored is not None and stored.window_min is not None and not stored.due_for_review(on):
        with db.reader() as session:
            floor = window_floor(PersonRepository(session).get_profile(person_id))
        advice = hold_until_review(advice, stored, floor=floor)
    return WindowInForce(on, stored, advice)
