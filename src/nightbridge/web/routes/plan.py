"""Tonight's plan: the sleep window in force with this week's advice and its reasons
(definitions.md section 2: Spielman, Saskin & Thorpy, Sleep 1987;10:45-56; compression
for contraindications; deferral in early withdrawal), the stimulus-control
instructions (Bootzin 1972), which apply whatever the window says, and "Use this
window", which stores the advice as the plan in force (services.sleep.window.accept_advice).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.i18n import locale_for

router = APIRouter()


def _advice(
    db: DatabaseDep, person_id: int, rise: str | None, current: str | None
) -> tuple[Any, Any, dict[str, list[str]]]:
    """The plan in force, the advice for the chosen rise time and window (``rise`` and
    ``current`` as typed; empty: the plan in force), and the refused fields."""
    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.sleep.dashboard import person_today_date, tonight_plan
    from nightbridge.services.sleep.window import current_plan, parse_rise

    today = person_today_date(db, person_id)
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
    try:
        advice = tonight_plan(db, person_id, today, rise=chosen, current=window)
    except InvalidInput as exc:
        errors.update({p.field: [p.reason] for p in exc.problems})
        advice = tonight_plan(db, person_id, today, rise=chosen)
    return current_plan(db, person_id), advice, errors


def _page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    rise: str | None,
    current: str | None,
    *,
    errors: dict[str, list[str]] | None = None,
    saved: bool = False,
) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date, window_now
    from nightbridge.services.sleep.profile import get_profile
    from nightbridge.services.sleep.window import stimulus_control

    # The content read below (stimulus control) is in the account's language: put it in
    # force before reading, not only when the page renders.
    locale_for(request)
    if not get_profile(db, person_id).screened:
        # No window is offered until the restriction-safety screen is answered.
        context = {"title": "Tonight's plan", "screen_needed": True, "stimulus": stimulus_control()}
        return render(request, "person/plan.html", context, status_code=409 if errors else 200)
    plan, advice, found = _advice(db, person_id, rise, current)
    found.update(errors or {})
    held = (
        plan is not None
        and (plan.rise, plan.window_min) == (advice.rise, advice.window_min)
        and not plan.due_for_review(person_today_date(db, person_id))
    )
    return render(
        request,
        "person/plan.html",
        {
            "title": "Tonight's plan",
            "in_force": plan,
            "window": window_now(db, person_id, person_today_date(db, person_id)),
            "plan": advice,
            "rise_value": rise if "rise" in found else advice.rise.strftime("%H:%M"),
            "current_value": current or "",
            "errors": found,
            "saved": saved,
            "held": held,
            "stimulus": stimulus_control(),
        },
        status_code=422 if found else 200,
    )


@router.get("/plan", include_in_schema=False)
def plan_page(
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    rise: str | None = None,
    current: str | None = None,
    saved: str = "",
) -> Response:
    return _page(request, db, scope.person_id, rise, current, saved=bool(saved))


@router.post("/plan", include_in_schema=False)
def use_window(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    """Store the advice for the chosen rise time (and window) as the plan in force. The
    window is worked out again here from the stored diary, never taken from the form."""
    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.sleep.profile import get_profile
    from nightbridge.services.sleep.window import accept_advice

    if not get_profile(db, scope.person_id).screened:
        return _page(request, db, scope.person_id, None, None, errors={"screen": ["unanswered"]})
    rise = str(form.get("rise", "")).strip() or None
    current = str(form.get("current", "")).strip() or None
    _in_force, advice, errors = _advice(db, scope.person_id, rise, current)
    if not errors:
        try:
            accept_advice(db, scope.person_id, advice, by="person")
        except InvalidInput as exc:
            errors = {p.field: [p.reason] for p in exc.problems}
    if errors:
        return _page(request, db, scope.person_id, rise, current, errors=errors)
    return RedirectResponse("/plan?saved=1", status_code=303)
