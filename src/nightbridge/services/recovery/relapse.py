"""Use cases of relapse prevention: the plan, the craving log, the weekly check-in and
its trend, and what "need help now" shows (the plan with the region's crisis lines).

The trend is shown to the person, and to a clinician only when the person marked the
plan as shared (``RelapsePlan.shared``); the web layer's permission check decides who
the requester is, this module decides what a clinician may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.content import load_json
from nightbridge.core.alerts import Resource
from nightbridge.core.relapse import (
    CheckinTrend,
    Craving,
    RelapsePlan,
    WeeklyCheckin,
    compute_trend,
    validate_checkin,
    validate_craving,
    validate_plan,
)
from nightbridge.i18n import current_locale
from nightbridge.services.sleep.diary import local_today, person_zone
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.toolkit import ToolkitRepository


def content() -> dict[str, Any]:
    """``content/relapse_prevention.json``: plan sections, check-in items, sources."""
    doc: dict[str, Any] = load_json("relapse_prevention.json", current_locale())
    return doc


def get_plan(db: Database, person_id: int) -> RelapsePlan:
    """The person's plan (an empty plan when none is written yet)."""
    with db.reader() as session:
        return ToolkitRepository(session).plan(person_id) or RelapsePlan()


def save_plan(
    db: Database,
    person_id: int,
    lists: Mapping[str, Sequence[str]],
    people: Sequence[tuple[str, str]],
    *,
    shared: bool = False,
) -> RelapsePlan:
    """Validate and store the whole plan (replacing the old one) in one transaction."""
    plan = validate_plan(lists, people, shared=shared)
    with db.transaction() as session:
        ToolkitRepository(session).save_plan(person_id, plan)
    return plan


def log_craving(
    db: Database,
    person_id: int,
    intensity: Any,
    trigger: str = "",
    helped: str = "",
    *,
    at: dt.datetime | None = None,
) -> Craving:
    craving = validate_craving(at or dt.datetime.now(dt.UTC), intensity, trigger, helped)
    with db.transaction() as session:
        ToolkitRepository(session).add_craving(person_id, craving)
    return craving


def cravings(db: Database, person_id: int, limit: int = 50) -> list[Craving]:
    with db.reader() as session:
        return ToolkitRepository(session).cravings(person_id, limit)


def record_checkin(
    db: Database, person_id: int, answers: Mapping[str, Any], *, today: dt.date | None = None
) -> WeeklyCheckin:
    """Store this week's check-in (replacing an earlier one from the same week)."""
    day = today or local_today(person_zone(db, person_id))
    checkin = validate_checkin(day, answers)
    with db.transaction() as session:
        ToolkitRepository(session).save_checkin(person_id, checkin)
    return checkin


def checkin_trend(db: Database, person_id: int) -> CheckinTrend:
    with db.reader() as session:
        return compute_trend(ToolkitRepository(session).checkins(person_id))


@dataclass(frozen=True, slots=True)
class SharedRecovery:
    """What a clinician sees of a person's relapse prevention: the plan and the
    check-in trend, only when the person shared them."""

    shared: bool
    plan: RelapsePlan | None
    trend: CheckinTrend | None


def shared_with_clinician(db: Database, person_id: int) -> SharedRecovery:
    with db.reader() as session:
        repo = ToolkitRepository(session)
        plan = repo.plan(person_id)
        if plan is None or not plan.shared:
            return SharedRecovery(False, None, None)
        return SharedRecovery(True, plan, compute_trend(repo.checkins(person_id)))


@dataclass(frozen=True, slots=True)
class HelpNow:
    """Everything the "need help now" page shows: crisis lines first, then the plan."""

    region: str
    resources: tuple[Resource, ...]
    plan: RelapsePlan
    lapse_note: str


def help_now(db: Database, person_id: int | None, region: str | None = None) -> HelpNow:
    """The crisis lines of the person's region and their plan.

    Works without a person (signed out): the lines alone, with an empty plan, for the
    ``region`` chosen on the page, or the international lines when none is chosen (a
    region is never assumed: definitions.md section 6).
    """
    from nightbridge.services.recovery.safety import offered_regions, region_resources

    codes = {r.code for r in offered_regions()}
    region = region.strip().upper() if region and region.strip().upper() in codes else None
    plan = RelapsePlan()
    if person_id is not None:
        with db.reader() as session:
            region = PersonRepository(session).get_profile(person_id).region
            plan = ToolkitRepository(session).plan(person_id) or RelapsePlan()
    lines = region_resources(region)
    return HelpNow(
        region=lines.region,
        resources=lines.for_level("crisis"),
        plan=plan,
        lapse_note=str(content()["lapse_note"]),
    )
