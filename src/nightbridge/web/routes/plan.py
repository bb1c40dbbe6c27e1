"""Tonight's plan: the sleep window with the reason for it (definitions.md section 2:
Spielman, Saskin & Thorpy, Sleep 1987;10:45-56; compression for contraindications;
deferral in early withdrawal) and the stimulus-control instructions (Bootzin 1972),
which apply whatever the window says.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import DatabaseDep, ReadScope, render

router = APIRouter()


@router.get("/plan", include_in_schema=False)
def plan_page(
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    rise: str | None = None,
    current: str | None = None,
) -> Response:
    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.dashboard import person_today_date, recent_rise, tonight_plan
    from nightbridge.services.window import parse_rise, stimulus_control

    today = person_today_date(db, scope.person_id)
    errors: dict[str, list[str]] = {}
    chosen = None
    window = None
    if rise:
        try:
            chosen = parse_rise(rise)
        except InvalidInput as exc:
            errors.update({p.field: [p.reason] for p in exc.problems})
    if current:
        try:
            window = int(current)
        except ValueError:
            errors["current"] = [f"{current!r} is not a number of minutes"]
    rise_time = chosen or recent_rise(db, scope.person_id, today)
    try:
        advice = tonight_plan(db, scope.person_id, today, rise=rise_time, current=window)
    except InvalidInput as exc:
        errors.update({p.field: [p.reason] for p in exc.problems})
        advice = tonight_plan(db, scope.person_id, today, rise=rise_time)
    return render(
        request,
        "person/plan.html",
        {
            "title": "Tonight's plan",
            "plan": advice,
            "rise_value": rise if "rise" in errors else rise_time.strftime("%H:%M"),
            "current_value": current or "",
            "errors": errors,
            "stimulus": stimulus_control(),
        },
        status_code=422 if errors else 200,
    )
