"""Use case: change the person's settings (core.profile.Profile), every value checked."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.profile import CONDITIONS, RESTRICTION_CONTRAINDICATIONS, Profile
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

_PROFILE_KEYS = ("tz", "region", "conditions", "safety_critical_job")
#: Ranges a clinician may set (definitions.md section 2; the floor stays within the
#: 4-5 h Spielman et al., Sleep 1987;10:45-56 name as the lowest window).
_WINDOW_RANGES: dict[str, tuple[float, float]] = {
    "floor_min": (240, 480),
    "raise_at_pct": (50, 100),
    "lower_at_pct": (50, 100),
    "step_min": (5, 60),
}


class ScreenNeeded(InvalidInput):
    """No sleep window until the restriction-safety screen is answered (definitions.md
    section 2): "not answered" is never taken as "no conditions"."""

    REASON = (
        "the safety questions are not answered yet (the conditions that make sleep "
        "restriction unsafe, or none of these): no sleep window is offered until they are. "
        "Answer them on the Safety profile page (/profile) or with PUT /api/me/profile"
    )

    def __init__(self) -> None:
        super().__init__([Problem("conditions", self.REASON)])


def require_screen(profile: Profile) -> None:
    """Raise ``ScreenNeeded`` unless the screen was answered."""
    if not profile.screened:
        raise ScreenNeeded()


def get_profile(db: Database, person_id: int) -> Profile:
    with db.reader() as session:
        return PersonRepository(session).get_profile(person_id)


def update_profile(db: Database, person_id: int, *, by: str = "person", **changes: Any) -> Profile:
    """Apply ``changes`` (tz, region, conditions, safety_critical_job, and the window
    settings floor_min, raise_at_pct, lower_at_pct, step_min) in one transaction.

    Every value is checked first; ``InvalidInput`` names each bad field and nothing is
    changed. ``conditions`` replaces the whole set and answers the restriction-safety
    screen (an empty set: "none of these"); a zone and a region given together mark
    them as chosen (``Profile.located``).
    """
    unknown = sorted(set(changes) - set(_PROFILE_KEYS) - set(_WINDOW_RANGES))
    if unknown:
        raise ValueError(f"unknown profile setting(s): {', '.join(unknown)}")
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    window: dict[str, Any] = {}
    if changes.get("tz") is not None:
        clean["tz"] = _check_zone(str(changes["tz"]), problems)
    if changes.get("region") is not None:
        from nightbridge.services.recovery.safety import offered_regions

        region = str(changes["region"]).strip().upper()
        codes = [r.code for r in offered_regions()]
        if region not in codes:
            problems.append(Problem("region", f"{region!r} is not one of {', '.join(codes)}"))
        clean["region"] = region
    if changes.get("conditions") is not None:
        clean["conditions"] = _check_conditions(changes["conditions"], problems)
        clean["screened"] = True
    if changes.get("tz") is not None and changes.get("region") is not None:
        clean["located"] = True
    if changes.get("safety_critical_job") is not None:
        clean["safety_critical_job"] = bool(changes["safety_critical_job"])
    for name, (low, high) in _WINDOW_RANGES.items():
        value = changes.get(name)
        if value is None:
            continue
        if not low <= value <= high:
            problems.append(Problem(name, f"must be between {low:g} and {high:g} (got {value})"))
        window[name] = value
    with db.transaction() as session:
        repo = PersonRepository(session)
        profile = repo.get_profile(person_id)
        settings = dataclasses.replace(profile.window, **window)
        if settings.lower_at_pct > settings.raise_at_pct:
            problems.append(
                Problem("lower_at_pct", "must not be above raise_at_pct"),
            )
        if problems:
            raise InvalidInput(problems)
        updated = dataclasses.replace(profile, window=settings, **clean)
        repo.save_profile(person_id, updated)
    _lift_to_floor(db, person_id, updated, by)
    return updated


def _lift_to_floor(db: Database, person_id: int, profile: Profile, by: str) -> None:
    """A window in force below the person's shortest window (a contraindication just
    recorded: never below 6.5 h; or a raised floor) is lifted to it at once, as a new
    plan, rather than kept until its weekly review (definitions.md section 2)."""
    from nightbridge.core.window import window_floor
    from nightbridge.services.sleep.window import current_plan, set_plan

    plan = current_plan(db, person_id)
    floor = window_floor(profile)
    below = plan is not None and plan.window_min is not None and plan.window_min < floor
    if profile.screened and plan is not None and below:
        set_plan(db, person_id, rise=plan.rise, window_min=floor, by=by)


def _check_zone(name: str, problems: list[Problem]) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("tz", f"{name!r} is not a time zone name (e.g. Europe/London)"))
    return name


def _check_conditions(names: Iterable[str], problems: list[Problem]) -> frozenset[str]:
    chosen = frozenset(str(n).strip().lower() for n in names)
    for name in sorted(chosen - set(CONDITIONS)):
        problems.append(Problem("condition", f"{name!r} is not one of {', '.join(CONDITIONS)}"))
    return chosen


def time_zones() -> list[str]:
    """The IANA zones a person may choose (``Area/City`` names, and UTC), sorted."""
    from zoneinfo import available_timezones

    areas = (z for z in available_timezones() if "/" in z)
    return [*sorted(z for z in areas if not z.startswith(("Etc/", "SystemV/"))), "UTC"]


def check_location(tz: str | None, region: str | None, problems: list[Problem]) -> None:
    """Both a zone and a region chosen (``InvalidInput`` problems otherwise): a new
    person is never silently UTC and US."""
    if not (tz or "").strip():
        problems.append(Problem("tz", "choose a time zone"))
    if not (region or "").strip():
        problems.append(Problem("region", "choose where the person is, for crisis lines"))


def located_profile(
    profile: Profile, tz: str | None, region: str | None, problems: list[Problem]
) -> Profile:
    """``profile`` in the chosen zone and region, marked as chosen; the problems (added
    to ``problems``) when either is missing or unknown (a new account's person)."""
    from nightbridge.services.recovery.safety import offered_regions

    found: list[Problem] = []
    check_location(tz, region, found)
    zone, code = (tz or "").strip(), (region or "").strip().upper()
    if zone:
        _check_zone(zone, found)
    codes = [r.code for r in offered_regions()]
    if code and code not in codes:
        found.append(Problem("region", f"{code!r} is not one of {', '.join(codes)}"))
    problems.extend(found)
    if found:
        return profile
    return dataclasses.replace(profile, tz=zone, region=code, located=True)


def save_safety_profile(
    db: Database,
    person_id: int,
    *,
    conditions: Iterable[str] | None,
    safety_critical_job: bool,
    none_of_these: bool,
    tz: str | None = None,
    region: str | None = None,
    ask_location: bool = False,
    by: str = "person",
) -> Profile:
    """Answer the first-login questions (the person, or a clinician for the screen).

    The screen takes the conditions that apply and the job question, or "none of
    these"; ticking nothing, or "none of these" with a condition, is refused so that
    "not answered" is never read as "no conditions". ``ask_location``: the zone and
    region must be given too.
    """
    chosen = sorted({str(c).strip().lower() for c in conditions or () if str(c).strip()})
    problems: list[Problem] = []
    if ask_location:
        check_location(tz, region, problems)
    # liver disease is asked beside the screen (for medicine warnings), not in it
    screen = [c for c in chosen if c in RESTRICTION_CONTRAINDICATIONS]
    if not screen and not safety_critical_job and not none_of_these:
        problems.append(
            Problem("conditions", "tick each one that applies, or \u201cNone of these\u201d")
        )
    elif none_of_these and (screen or safety_critical_job):
        problems.append(
            Problem(
                "conditions",
                "\u201cNone of these\u201d is ticked with a condition: untick one of them",
            )
        )
    if problems:
        raise InvalidInput(problems)
    return update_profile(
        db,
        person_id,
        by=by,
        conditions=chosen,
        safety_critical_job=safety_critical_job,
        tz=tz or None,
        region=region or None,
    )


def profile_dict(profile: Profile) -> dict[str, Any]:
    """The profile as the API and ``profile show --json`` give it."""
    return {
        "tz": profile.tz,
        "region": profile.region,
        "located": profile.located,
        "screened": profile.screened,
        "conditions": sorted(profile.conditions),
        "safety_critical_job": profile.safety_critical_job,
        "restriction_contraindicated": profile.restriction_contraindicated,
        "floor_min": profile.window.floor_min,
        "raise_at_pct": profile.window.raise_at_pct,
        "lower_at_pct": profile.window.lower_at_pct,
        "step_min": profile.window.step_min,
    }
