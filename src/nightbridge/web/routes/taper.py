"""The person's taper page (``/taper``) and its JSON (``/api/me/taper``): the schedule in
force with today's target, logged intake against each step, the warning about lost
tolerance, and the history of every change (who, when, from what to what).

The schedule is set by the person with their clinician (the clinician's page, the API,
or ``nightbridge taper --save``); Nightbridge never suggests an amount or a pace.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import DatabaseDep, ReadScope, render

router = APIRouter()


@router.get("/taper", include_in_schema=False)
def taper_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.recovery.taper import get_taper, taper_adherence, taper_history
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    plan = get_taper(db, scope.person_id)
    return render(
        request,
        "person/taper.html",
        {
            "title": "My taper",
            "today": today,
            "taper": plan,
            "now": plan.step_on(today) if plan is not None else None,
            "adherence": taper_adherence(db, scope.person_id, today=today),
            "history": taper_history(db, scope.person_id),
        },
    )


@router.get("/api/me/taper", tags=["person"], summary="My taper in force and its history")
def api_my_taper(db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.recovery.taper import taper_view

    return taper_view(db, scope.person_id)
