"""Use case: change the person's settings (core.profile.Profile), every value checked."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.profile import CONDITIONS, Profile
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


def get_profile(db: Database, person_id: int) -> Profile:
    with db.reader() as session:
        return PersonRepository(session).get_profile(person_id)


def update_profile(db: Database, person_id: int, **changes: Any) -> Profile:
    """Apply ``changes`` (tz, region, conditions, safety_critical_job, and the window
    settings floor_min, raise_at_pct, lower_at_pct, step_min) in one transaction.

    Every value is checked first; ``InvalidInput`` names each bad field and nothing is
    changed. ``conditions`` replaces the whole set.
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
    return updated


def _check_zone(name: str, problems: list[Problem]) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("tz", f"{name!r} is not an IANA time zone (e.g. Europe/Berlin)"))
    return name


def _check_conditions(names: Iterable[str], problems: list[Problem]) -> frozenset[str]:
    chosen = frozenset(str(n).strip().lower() for n in names)
    for name in sorted(chosen - set(CONDITIONS)):
        problems.append(Problem("condition", f"{name!r} is not one of {', '.join(CONDITIONS)}"))
    return chosen
