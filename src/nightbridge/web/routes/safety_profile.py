"""The person's safety profile: time zone, region for crisis lines, and the screen that
decides whether sleep restriction is safe (definitions.md section 2; issue 10 item 2).

- ``/profile``: the first-login step (``web.deps`` sends a person here until it is
  answered) and the page to change it later. The zone is proposed from the browser
  (``app.js``, ``Intl``); without JavaScript the list is there to choose from.
- ``/clinician/people/{person_id}/profile``: a clinician the person shares with records
  the conditions (``ManageScope``: the one permission check, services.access).
- ``/api/me/profile`` and ``/api/people/{person_id}/profile``: the same, as JSON.

No sleep window is offered anywhere until the screen is answered
(``services.sleep.profile.ScreenNeeded``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import CONDITION_LABELS, SAFETY_JOB_LABEL, Profile
from nightbridge.web.deps import (
    ClinicianActor,
    DatabaseDep,
    FormDep,
    ManageScope,
    ReadScope,
    render,
)
from nightbridge.web.forms import errors_by_field
from nightbridge.web.models import ApiModel

router = APIRouter()


def choices() -> dict[str, Any]:
    """What the location and screen fields offer (templates/_safety_profile.html)."""
    from nightbridge.services.recovery.safety import offered_regions
    from nightbridge.services.sleep.profile import time_zones

    return {
        "zones": time_zones(),
        "regions": offered_regions(),
        "condition_labels": CONDITION_LABELS,
        "job_label": SAFETY_JOB_LABEL,
    }


def form_values(profile: Profile) -> dict[str, Any]:
    """The stored answers as the form shows them; nothing is pre-chosen that was not
    chosen (an unanswered zone, region or screen is left blank)."""
    return {
        "tz": profile.tz if profile.located else "",
        "region": profile.region if profile.located else "",
        "conditions": sorted(profile.conditions),
        "safety_critical_job": profile.safety_critical_job,
        "none": profile.screened and not profile.restriction_contraindicated,
    }


def _posted(form: Any) -> dict[str, Any]:
    return {
        "tz": str(form.get("tz", "")).strip(),
        "region": str(form.get("region", "")).strip(),
        "conditions": [str(v) for v in form.getlist("condition")],
        "safety_critical_job": form.get("safety_critical_job") == "yes",
        "none": form.get("none") == "yes",
    }


def _page(
    request: Request,
    profile: Profile,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    saved: bool = False,
) -> Response:
    from nightbridge.web.i18n import locale_for

    locale_for(request)  # the countries' names in the reader's language
    context = {
        "title": "Your safety profile",
        "profile": profile,
        "values": values or form_values(profile),
        "errors": errors or {},
        "saved": saved,
        "first": not profile.complete,
        **choices(),
    }
    return render(request, "person/profile.html", context, status_code=422 if errors else 200)


@router.get("/profile", include_in_schema=False)
def profile_page(request: Request, db: DatabaseDep, scope: ReadScope, saved: str = "") -> Response:
    from nightbridge.services.sleep.profile import get_profile

    return _page(request, get_profile(db, scope.person_id), saved=bool(saved))


@router.post("/profile", include_in_schema=False)
def profile_save(request: Request, form: FormDep, db: DatabaseDep, scope: ManageScope) -> Response:
    from nightbridge.services.sleep.profile import get_profile, save_safety_profile

    values = _posted(form)
    before = get_profile(db, scope.person_id)
    try:
        save_safety_profile(
            db,
            scope.person_id,
            conditions=values["conditions"],
            safety_critical_job=values["safety_critical_job"],
            none_of_these=values["none"],
            tz=values["tz"],
            region=values["region"],
            ask_location=True,
        )
    except InvalidInput as exc:
        return _page(request, before, values=values, errors=errors_by_field(exc))
    return RedirectResponse("/today" if not before.complete else "/profile?saved=1", 303)


@router.post("/clinician/people/{person_id}/profile", include_in_schema=False)
def clinician_profile_save(
    request: Request, form: FormDep, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> Response:
    """The clinician records the conditions (the screen); zone and region stay the
    person's."""
    from nightbridge.services.sleep.profile import save_safety_profile
    from nightbridge.web.routes.clinician import person_page_context

    values = _posted(form)
    try:
        save_safety_profile(
            db,
            scope.person_id,
            conditions=values["conditions"],
            safety_critical_job=values["safety_critical_job"],
            none_of_these=values["none"],
            by="clinician",
        )
    except InvalidInput as exc:
        context = person_page_context(db, scope.person_id)
        context.update({"errors": errors_by_field(exc), "form": "screen", "screen": values})
        return render(request, "clinician/person.html", context, status_code=422)
    return RedirectResponse(f"/clinician/people/{scope.person_id}?saved=screen", 303)


class ProfileIn(ApiModel):
    """The safety profile; omitted parts are kept. ``conditions`` answers the screen:
    the conditions that apply, or ``[]`` for "none of these" (names: docs/cli.md)."""

    tz: str | None = Field(default=None, examples=["Europe/London"])
    region: str | None = Field(default=None, examples=["UK"])
    conditions: list[str] | None = Field(default=None, examples=[["bipolar"]])
    safety_critical_job: bool | None = None


def _api_save(db: DatabaseDep, scope: Any, body: ProfileIn) -> dict[str, Any]:
    from nightbridge.services.sleep.profile import profile_dict, update_profile

    by = "clinician" if scope.actor.role == "clinician" else "person"
    return profile_dict(update_profile(db, scope.person_id, by=by, **body.model_dump()))


@router.get("/api/me/profile", tags=["person"], summary="My safety profile")
def api_my_profile(db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.sleep.profile import get_profile, profile_dict

    return profile_dict(get_profile(db, scope.person_id))


@router.put("/api/me/profile", tags=["person"], summary="Answer or change my safety profile")
def api_my_profile_save(body: ProfileIn, db: DatabaseDep, scope: ManageScope) -> dict[str, Any]:
    return _api_save(db, scope, body)


@router.get(
    "/api/people/{person_id}/profile", tags=["clinician"], summary="A person's safety profile"
)
def api_person_profile(person_id: int, db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.sleep.profile import get_profile, profile_dict

    return profile_dict(get_profile(db, scope.person_id))


@router.put(
    "/api/people/{person_id}/profile",
    tags=["clinician"],
    summary="Record a person's conditions (the restriction-safety screen)",
)
def api_person_profile_save(
    person_id: int, body: ProfileIn, db: DatabaseDep, scope: ManageScope
) -> dict[str, Any]:
    return _api_save(db, scope, body)
