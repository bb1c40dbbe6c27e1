"""The person's home page after login: alerts at the top (the alert hook of every page),
last night's numbers, tonight's plan and what is due today. ``/`` sends each role to its
home: a person to ``/today``, a clinician to the triage list, an admin to accounts.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.web.deps import CurrentActor, DatabaseDep, ReadScope, render

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(actor: CurrentActor) -> Response:
    if actor.role == "clinician":
        return RedirectResponse("/clinician", status_code=303)
    if actor.role == "admin":
        return RedirectResponse("/admin/accounts", status_code=303)
    return RedirectResponse("/today", status_code=303)


@router.get("/today", include_in_schema=False)
def today_page(request: Request, db: DatabaseDep, scope: ReadScope) -> Response:
    from nightbridge.services.dashboard import build_today

    view = build_today(db, scope.person_id)
    return render(request, "person/today.html", {"title": "Today", "view": view})
