"""JSON API of the toolkit: program status, hygiene nudges, the weekly check-in trend.

Each route takes ``ReadScope`` (the permission check of web/deps.py): the person's own
data, or a person who shared with the clinician asking.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nightbridge.web.deps import DatabaseDep, ReadScope, RowId

router = APIRouter(prefix="/api")


@router.get("/persons/{person_id}/toolkit/program")
def program_json(person_id: RowId, db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.recovery.toolkit import program_status

    status = program_status(db, scope.person_id)
    return {
        "started_on": status.started_on.isoformat(),
        "lessons": [
            {
                "week": s.lesson.week,
                "title": s.lesson.title,
                "status": s.status,
                "opens_on": s.opens_on.isoformat(),
                "unlocks": list(s.lesson.unlocks),
            }
            for s in status.lessons
        ],
        "unlocked": sorted(status.unlocked),
    }


@router.get("/persons/{person_id}/toolkit/nudges")
def nudges_json(person_id: RowId, db: DatabaseDep, scope: ReadScope) -> list[dict[str, Any]]:
    from nightbridge.services.sleep.nudges import nudges_for

    return [n.to_dict() for n in nudges_for(db, scope.person_id)]


@router.get("/persons/{person_id}/toolkit/checkins")
def checkins_json(person_id: RowId, db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    """The weekly check-in trend: the person's own, or a clinician's when shared."""
    from nightbridge.core.errors import NotFound
    from nightbridge.services.recovery.relapse import checkin_trend, shared_with_clinician

    if scope.is_self:
        return checkin_trend(db, scope.person_id).to_dict()
    shared = shared_with_clinician(db, scope.person_id)
    if shared.trend is None:
        raise NotFound("not shared")
    return shared.trend.to_dict()
