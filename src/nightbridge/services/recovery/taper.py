"""Use cases of tapers: set the person's schedule, read it, hold a step, adherence, and
the history of changes.

A taper is always set by the person or their clinician: the start amount and the pace
(step percent and step length) are inputs, never defaults or suggestions
(definitions.md section 5). Saving the schedule in force again stores nothing; a change
that puts the target above the step in force today is refused unless confirmed
(core/taper_changes.py); every change is kept with who made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.taper import Hold, StepAdherence, TaperPlan, build_taper, compare_intake
from nightbridge.core.taper_changes import (
    TargetRaise,
    describe_schedule,
    same_schedule,
    target_from,
    target_raise,
)
from nightbridge.services.access import Actor
from nightbridge.services.recovery.safety import vocabulary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.tapers import StoredChange, TaperRepository

#: The field a refused raise is reported on (the confirmation the form and API take).
CONFIRM_FIELD = "confirm_raise"


@dataclass(frozen=True, slots=True)
class TaperSaved:
    """What a save did: ``changed`` is False when the schedule was the one in force
    (nothing stored); ``raised`` is the confirmed raise of today's target, if any."""

    plan: TaperPlan
    changed: bool
    raised: TargetRaise | None = None


def _by(actor: Actor | None) -> tuple[str, int | None]:
    """("person" | "clinician", account id) for the history; None is the person's own
    command line (no account)."""
    if actor is None:
        return "person", None
    return ("clinician" if actor.role == "clinician" else "person"), actor.account_id


def _today(session: object, person_id: int, today: dt.date | None) -> dt.date:
    if today is not None:
        return today
    profile = PersonRepository(session).get_profile(person_id)  # type: ignore[arg-type]
    return dt.datetime.now(ZoneInfo(profile.tz)).date()


def set_taper(
    db: Database,
    person_id: int,
    *,
    substance: str,
    start_amount: object,
    unit: str,
    start: dt.date,
    step_pct: object,
    every_days: object,
    min_step: object | None = None,
    holds: Sequence[Hold] = (),
    clinician_override: bool = False,
    by: Actor | None = None,
    confirm_raise: bool = False,
    today: dt.date | None = None,
) -> TaperSaved:
    """Build and store the person's taper (the previous one is kept, inactive).

    Stores nothing when the schedule is the one in force (``changed`` False). Refuses
    (InvalidInput on ``confirm_raise``) a schedule whose target from ``today`` (the
    person's today by default) is above the step in force, unless ``confirm_raise``.
    """
    if not substance.strip():
        raise InvalidInput.one("substance", "is empty")
    plan = build_taper(
        start_amount=start_amount,
        unit=unit,
        start=start,
        step_pct=step_pct,
        every_days=every_days,
        min_step=min_step,
        holds=holds,
        clinician_override=clinician_override,
        substance=" ".join(substance.split()),
    )
    set_by, account_id = _by(by)
    with db.transaction() as session:
        repo = TaperRepository(session)
        stored = repo.active(person_id)
        before = stored.plan if stored is not None else None
        if same_schedule(before, plan):
            assert before is not None  # same_schedule is False without one
            return TaperSaved(before, changed=False)
        raised = target_raise(before, plan, _today(session, person_id, today))
        if raised is not None and not confirm_raise:
            raise InvalidInput.one(CONFIRM_FIELD, raised.message())
        repo.save(
            person_id,
            plan,
            explicit_min_step=min_step is not None and str(min_step).strip() != "",
            set_by=set_by,
            set_by_account_id=account_id,
            raise_confirmed=raised is not None,
        )
    return TaperSaved(plan, changed=True, raised=raised)


def get_taper(db: Database, person_id: int) -> TaperPlan | None:
    """The person's active taper, or None."""
    with db.reader() as session:
        stored = TaperRepository(session).active(person_id)
    return stored.plan if stored is not None else None


def hold_step(
    db: Database, person_id: int, step: int, days: int, *, by: Actor | None = None
) -> TaperPlan:
    """Keep step ``step`` for ``days`` more days (a pause is always allowed)."""
    set_by, account_id = _by(by)
    with db.transaction() as session:
        repo = TaperRepository(session)
        stored = repo.active(person_id)
        if stored is None:
            raise InvalidInput.one("taper", "there is no taper to hold")
        plan = stored.plan
        # Validate by rebuilding with the new hold before storing it.
        build_taper(
            start_amount=plan.start_amount,
            unit=plan.unit,
            start=plan.start,
            step_pct=plan.step_pct,
            every_days=plan.every_days,
            min_step=plan.min_step,
            holds=(*plan.holds, Hold(step, days)),
            clinician_override=plan.clinician_override,
            substance=plan.substance,
        )
        repo.add_hold(stored.id, Hold(step, days), set_by=set_by, set_by_account_id=account_id)
        updated = repo.active(person_id)
    if updated is None:  # pragma: no cover - stored in this transaction
        raise InvalidInput.one("taper", "there is no taper to hold")
    return updated.plan


@dataclass(frozen=True, slots=True)
class TaperChange:
    """One line of the taper's history: who, when, from what to what."""

    at: dt.datetime
    kind: str  # "set" (a new schedule) or "hold" (a step held longer)
    set_by: str | None  # "person", "clinician", or None (not recorded, before 0013)
    by_username: str | None
    before: str | None
    after: str
    target_before: str | None
    target_after: str
    raise_confirmed: bool

    def who(self, viewer: str) -> str:
        """Who made it, in words for ``viewer`` ("person" or "clinician")."""
        if self.set_by == "clinician":
            name = f" ({self.by_username})" if self.by_username else ""
            return ("your clinician" if viewer == "person" else "a clinician") + name
        if self.set_by == "person":
            return "you" if viewer == "person" else "the person"
        return "not recorded"

    def what(self) -> str:
        """The change in words."""
        if self.kind == "hold":
            return "A step held longer"
        return "Schedule set" if self.before is None else "Schedule changed"

    def to_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "set_by": self.set_by,
            "by": self.by_username,
            "from": self.before,
            "to": self.after,
            "target_today_from": self.target_before,
            "target_today_to": self.target_after,
            "raise_confirmed": self.raise_confirmed,
        }


def _target(plan: TaperPlan, day: dt.date) -> str:
    return f"{target_from(plan, day).normalize():f} {plan.unit}"


def _change(stored: StoredChange, zone: ZoneInfo) -> TaperChange:
    day = stored.at.astimezone(zone).date()
    return TaperChange(
        at=stored.at,
        kind=stored.kind,
        set_by=stored.set_by,
        by_username=stored.set_by_username,
        before=describe_schedule(stored.before) if stored.before is not None else None,
        after=describe_schedule(stored.after),
        target_before=_target(stored.before, day) if stored.before is not None else None,
        target_after=_target(stored.after, day),
        raise_confirmed=stored.raise_confirmed,
    )


def taper_history(db: Database, person_id: int) -> list[TaperChange]:
    """Every change of the person's taper, newest first."""
    with db.reader() as session:
        zone = ZoneInfo(PersonRepository(session).get_profile(person_id).tz)
        stored = TaperRepository(session).changes(person_id)
    return [_change(s, zone) for s in reversed(stored)]


def taper_view(db: Database, person_id: int, *, today: dt.date | None = None) -> dict[str, object]:
    """The JSON of the taper pages: the schedule in force, today's target, the history
    (newest first) and the logged intake against each step."""
    with db.reader() as session:
        day = _today(session, person_id, today)
    plan = get_taper(db, person_id)
    step = plan.step_on(day) if plan is not None else None
    return {
        "today": day.isoformat(),
        "taper": plan.to_dict() if plan is not None else None,
        "target_today": (
            {"amount": float(step.amount), "unit": step.unit, "step": step.number}
            if step is not None
            else None
        ),
        "history": [c.to_dict() for c in taper_history(db, person_id)],
        "adherence": [s.to_dict() for s in taper_adherence(db, person_id, today=day)],
    }


def taper_adherence(
    db: Database, person_id: int, *, today: dt.date | None = None
) -> list[StepAdherence]:
    """Logged intake against each step of the active taper up to ``today``."""
    with db.reader() as session:
        profile = PersonRepository(session).get_profile(person_id)
        stored = TaperRepository(session).active(person_id)
        if stored is None:
            return []
        day = today or dt.datetime.now(ZoneInfo(profile.tz)).date()
        events = IntakeRepository(session).between(person_id, stored.plan.start, day)
    plan = stored.plan
    klass = vocabulary().classify(plan.substance)
    return compare_intake(
        plan,
        events,
        tz=profile.tz,
        today=day,
        substance_class=klass if klass != "other" else None,
    )
