"""Use cases of tapers: set the person's schedule, read it, hold a step, adherence.

A taper is always set by the person or their clinician: the start amount is an input,
never a suggestion (definitions.md section 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.taper import (
    DEFAULT_STEP_PCT,
    Hold,
    StepAdherence,
    TaperPlan,
    build_taper,
    compare_intake,
)
from nightbridge.services.recovery.safety import vocabulary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.tapers import TaperRepository


def set_taper(
    db: Database,
    person_id: int,
    *,
    substance: str,
    start_amount: object,
    unit: str,
    start: dt.date,
    step_pct: object = DEFAULT_STEP_PCT,
    every_days: int = 7,
    min_step: object | None = None,
    holds: Sequence[Hold] = (),
    clinician_override: bool = False,
) -> TaperPlan:
    """Build and store the person's taper (the previous one is kept, inactive)."""
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
    with db.transaction() as session:
        TaperRepository(session).save(person_id, plan, explicit_min_step=min_step is not None)
    return plan


def get_taper(db: Database, person_id: int) -> TaperPlan | None:
    """The person's active taper, or None."""
    with db.reader() as session:
        stored = TaperRepository(session).active(person_id)
    return stored.plan if stored is not None else None


def hold_step(db: Database, person_id: int, step: int, days: int) -> TaperPlan:
    """Keep step ``step`` for ``days`` more days (a pause is always allowed)."""
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
        repo.add_hold(stored.id, Hold(step, days))
        updated = repo.active(person_id)
    assert updated is not None  # stored in this transaction
    return updated.plan


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
