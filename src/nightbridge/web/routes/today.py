"""The person's home page after login: alerts at the top (the alert hook of every page),
last night's numbers, tonight's plan and what is due today. ``/`` sends each role to its
home: a person to ``/today``, a clinician to the triage list, an admin to accounts.
"""

from __future__ import annotations

from typing import Any

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
    from nightbridge.services.sleep.dashboard import build_today

    view = build_today(db, scope.person_id)
    return render(request, "person/today.html", {"title": "Today", "view": view})


def page_alerts(request: Request, actor: Any) -> dict[str, Any]:
    """Context hook (web.registry.CONTEXT_HOOKS): the alerts in force today for the
    person who is logged in, most urgent first, shown at the top of every page with what
    to do and the local numbers as ``tel:`` links (definitions.md sections 4 and 6).
    Clinicians see alerts on the triage list and person pages instead.

    Evaluated from the stored data in a read snapshot (``services.recovery.safety.alerts_for``),
    so a rule that fires because time passed (poor sleep 7 days after the last dose)
    shows without waiting for a new entry; only a new or changed alert is written, so a
    page view does not take the write lock (pages stay readable during a long import)."""
    if actor.role != "person" or actor.person_id is None:
        return {}
    from nightbridge.services.recovery.safety import alerts_for
    from nightbridge.services.sleep.dashboard import person_today_date

    db = request.app.state.database
    today = person_today_date(db, actor.person_id)
    return {"alerts": alerts_for(db, actor.person_id, today)}
