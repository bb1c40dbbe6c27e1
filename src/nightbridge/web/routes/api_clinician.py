"""The clinician's JSON API: ``/api/triage`` and ``/api/people/{person_id}/...``.

Every route takes the one permission check (``ReadScope``/``ManageScope``: someone
else's person is a 404, audited); triage, notes, settings and taper are for clinicians
(``ClinicianActor``). The summary can also be read by the person themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from nightbridge.web.deps import ClinicianActor, DatabaseDep, ManageScope, ReadScope
from nightbridge.web.models import ApiModel

router = APIRouter(prefix="/api", tags=["clinician"])


class NoteIn(ApiModel):
    body: str = Field(description="plain text, 1 to 4000 characters")
    shared: bool = Field(
        default=False, description="show the note to the person too (default: clinicians only)"
    )


class SettingsIn(ApiModel):
    """Sleep-window settings (definitions.md section 2); omitted ones are kept."""

    floor_min: int | None = Field(default=None, description="shortest window, minutes")
    raise_at_pct: float | None = Field(default=None, description="lengthen at SE >= this")
    lower_at_pct: float | None = Field(default=None, description="shorten at SE < this")
    step_min: int | None = Field(default=None, description="step, minutes")


class HoldIn(ApiModel):
    step: int = Field(description="the step held longer (1 = the start amount)")
    days: int = Field(description="days added to that step")


class TaperIn(ApiModel):
    """A taper schedule someone set (definitions.md section 5); never a suggestion and
    never a default pace: the start amount, step percent and step length are required.
    The schedule in force sent again stores nothing (``changed`` false); a schedule that
    puts today's target above the step in force is refused (422 on ``confirm_raise``)
    unless ``confirm_raise`` is true."""

    substance: str
    start_amount: str = Field(description="amount per day at the start, as agreed")
    unit: str
    start: dt.date
    step_pct: str = Field(description="percent cut at each step, as agreed (up to 25)")
    every_days: int = Field(description="days each step lasts, as agreed")
    min_step: str | None = None
    holds: list[HoldIn] = Field(default_factory=list, description="steps held longer")
    clinician_override: bool = False
    confirm_raise: bool = Field(
        default=False, description="yes, raise today's target above the step in force"
    )


class CowsIn(ApiModel):
    """A Clinical Opiate Withdrawal Scale rating, as published (Wesson & Ling 2003):
    eleven item scores in the form's order, each one of that item's allowed scores
    (content/instruments/cows.json; docs/instruments.md)."""

    answers: list[int] = Field(
        min_length=11,
        max_length=11,
        description="resting pulse {0,1,2,4}, sweating {0..4}, restlessness {0,1,3,5}, pupil "
        "size {0,1,2,5}, bone or joint aches {0,1,2,4}, runny nose or tearing {0,1,2,4}, GI "
        "upset {0,1,2,3,5}, tremor {0,1,2,4}, yawning {0,1,2,4}, anxiety or irritability "
        "{0,1,2,4}, gooseflesh {0,3,5}",
        examples=[[1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3]],
    )


@router.get("/triage", summary="The people who share with me, most urgent first")
def api_triage(
    db: DatabaseDep,
    actor: ClinicianActor,
    response: Response,
    page: int = Query(default=1, ge=1, le=1_000_000, description="page number, from 1"),
    per_page: int = Query(default=50, ge=1, le=200, description="people per page"),
) -> list[dict[str, Any]]:
    """One page of the list, sorted across all the people who share with me (alert
    level, then a worsening trend, then the longest without an entry). The total is in
    the ``X-Total-Count`` header."""
    from nightbridge.services.clinic.triage import triage_page

    found = triage_page(db, actor, page=page, per_page=per_page, audit_as="GET /api/triage")
    response.headers["X-Total-Count"] = str(found.total)
    return [row.to_dict() for row in found.rows]


def _filter(description: str) -> Any:
    return Query(default=None, description=description)


@router.get("/caseload", summary="My caseload: search, filters, sort and pages")
def api_caseload(
    db: DatabaseDep,
    actor: ClinicianActor,
    response: Response,
    q: str | None = _filter("part of the name, case-blind (up to 120 characters)"),
    alert: str | None = _filter(
        "the most urgent alert level in force: emergency, crisis, urgent, advise, "
        "any (some alert) or none"
    ),
    stale_days: str | None = _filter("no diary entry or check-in for at least this many days"),
    tag: str | None = _filter("carries this tag (its name)"),
    assigned: str | None = _filter("assigned to: me, none, or a clinician's user name"),
    taper: str | None = _filter("yes: a taper schedule is in force; no: none is"),
    reviewed: str | None = _filter(
        "yes: a review covers every alert recorded; no: an alert in force no review covers"
    ),
    sort: str | None = _filter(
        "triage (default: most urgent first), name, alert, trend, last_entry, tst, se, "
        "isi, phq9, gad7 or taper"
    ),
    order: str | None = _filter("asc or desc (default: whom to look at first on top)"),
    page: str | None = _filter("page number, from 1"),
    per_page: str | None = _filter("people per page, 1 to 200 (default 50)"),
) -> dict[str, Any]:
    """One page of the people I may see, filtered and sorted by the database across all
    of them (docs/caseload.md defines each column). A refused value is a 422 naming the
    filter as the caseload page labels it. The total is also in ``X-Total-Count``."""
    from nightbridge.core.caseload import parse_query
    from nightbridge.services.clinic.caseload import caseload_page

    raw = {
        "q": q,
        "alert": alert,
        "stale_days": stale_days,
        "tag": tag,
        "assigned": assigned,
        "taper": taper,
        "reviewed": reviewed,
        "sort": sort,
        "order": order,
        "page": page,
        "per_page": per_page,
    }
    query = parse_query({k: v for k, v in raw.items() if v is not None})
    found = caseload_page(db, actor, query, audit_as="GET /api/caseload")
    response.headers["X-Total-Count"] = str(found.total)
    return {
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
        "sort": query.sort,
        "order": query.order,
        "people": [row.to_dict() for row in found.rows],
    }


@router.get("/people/{person_id}/review", summary="Who last reviewed the person's alerts")
def api_review_get(
    person_id: int, db: DatabaseDep, actor: ClinicianActor, scope: ReadScope
) -> dict[str, Any]:
    """``review_state``: to_review (an alert in force no review covers), reviewed (a
    review covers every alert recorded) or none; ``review``: the latest, or null."""
    from nightbridge.services.clinic.caseload import review_view

    return review_view(db, scope.person_id).to_dict()


@router.post("/people/{person_id}/review", summary="Mark the person's alerts reviewed")
def api_review(person_id: int, db: DatabaseDep, actor: ClinicianActor) -> dict[str, Any]:
    """Any clinician who may see the person may review (audited; the whole team sees
    who and when). It covers every alert recorded so far; a later alert makes the
    person unreviewed again."""
    from nightbridge.services.clinic.caseload import review_person

    return review_person(
        db, actor, person_id, object="POST /api/people/{person_id}/review"
    ).to_dict()


class TagIn(ApiModel):
    tag: str = Field(description="the tag's name, 1 to 40 characters")


class PersonTagsIn(ApiModel):
    """The person's tags of one clinic (replaces that clinic's tags on them)."""

    tags: list[str] = Field(description="names of the clinic's tags; [] removes them all")
    clinic_id: int | None = Field(
        default=None, description="the clinic (needed if you are in several)"
    )


class AssignmentIn(ApiModel):
    assignee: str | None = Field(
        description="the user name of a current member of the clinic; null: nobody"
    )
    clinic_id: int | None = Field(
        default=None, description="the clinic (needed if you are in several)"
    )


@router.get("/clinics/{clinic_id}/tags", summary="The clinic's tags")
def api_clinic_tags(clinic_id: int, db: DatabaseDep, actor: ClinicianActor) -> list[dict[str, Any]]:
    """Any current member of the clinic."""
    from nightbridge.services.clinic.tags import list_clinic_tags

    return [t.to_dict() for t in list_clinic_tags(db, actor, clinic_id)]


@router.post("/clinics/{clinic_id}/tags", status_code=201, summary="Add a tag to the clinic")
def api_add_clinic_tag(
    clinic_id: int, body: TagIn, db: DatabaseDep, actor: ClinicianActor
) -> dict[str, Any]:
    """The clinic's admins (another member: 403); a name it has already: 422."""
    from nightbridge.services.clinic.tags import add_clinic_tag

    return add_clinic_tag(db, actor, clinic_id, body.tag).to_dict()


@router.delete(
    "/clinics/{clinic_id}/tags/{tag_id}", status_code=204, summary="Remove a tag from the clinic"
)
def api_remove_clinic_tag(
    clinic_id: int, tag_id: int, db: DatabaseDep, actor: ClinicianActor
) -> Response:
    """The clinic's admins; the tag comes off everyone who had it."""
    from nightbridge.services.clinic.tags import remove_clinic_tag

    remove_clinic_tag(db, actor, clinic_id, tag_id)
    return Response(status_code=204)


@router.put("/people/{person_id}/tags", summary="Set the person's tags of a clinic")
def api_person_tags(
    person_id: int, body: PersonTagsIn, db: DatabaseDep, actor: ClinicianActor
) -> dict[str, Any]:
    """Needs manage on the person (view only: 403) and membership of the clinic."""
    from nightbridge.services.clinic.tags import set_person_tags

    tags = set_person_tags(
        db,
        actor,
        person_id,
        body.tags,
        clinic_id=body.clinic_id,
        object="PUT /api/people/{person_id}/tags",
    )
    return {"tags": tags}


@router.put("/people/{person_id}/assignment", summary="Assign a clinician of the clinic")
def api_person_assignment(
    person_id: int, body: AssignmentIn, db: DatabaseDep, actor: ClinicianActor
) -> dict[str, Any]:
    """Needs manage on the person and membership of the clinic; the clinician assigned
    must be a current member of it (else 422)."""
    from nightbridge.services.clinic.tags import assign_person

    assigned = assign_person(
        db,
        actor,
        person_id,
        body.assignee,
        clinic_id=body.clinic_id,
        object="PUT /api/people/{person_id}/assignment",
    )
    return {"assigned": assigned}


def _alert(alert: Any) -> dict[str, Any]:
    """An alert as ``alerts --json`` gives it, with its title and the clinician's words
    (``message`` is what the person was told)."""
    from nightbridge.core.wording import alert_title, for_clinician

    return {
        **alert.to_dict(),
        "title": alert_title(alert.code),
        "for_clinician": for_clinician(alert),
    }


@router.get("/people/{person_id}/summary", summary="Alerts, nights, check-ins, taper")
def api_summary(person_id: int, db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.recovery.taper import get_taper, taper_adherence
    from nightbridge.services.sleep.dashboard import build_trends, person_today_date

    today = person_today_date(db, scope.person_id)
    taper = get_taper(db, scope.person_id)
    return {
        "person_id": scope.person_id,
        "today": today.isoformat(),
        "alerts_now": [_alert(a) for a in alerts_between(db, scope.person_id, today, today)],
        "alerts_recent": [
            _alert(a)
            for a in alerts_between(db, scope.person_id, today - dt.timedelta(days=41), today)
        ],
        "trends": build_trends(db, scope.person_id, end=today).to_dict(),
        "taper": taper.to_dict() if taper else None,
        "taper_adherence": [s.to_dict() for s in taper_adherence(db, scope.person_id, today=today)],
        "ratings": [
            r.to_dict()
            for r in list_ratings(db, scope.person_id, today - dt.timedelta(days=364), today)
        ],
    }


@router.get("/people/{person_id}/notes", summary="The clinicians' notes, newest first")
def api_notes(
    person_id: int, db: DatabaseDep, actor: ClinicianActor, scope: ReadScope
) -> list[dict[str, Any]]:
    from nightbridge.services.accounts.notes import list_notes

    return [n.to_dict() for n in list_notes(db, scope.person_id)]


@router.post("/people/{person_id}/notes", status_code=201, summary="Add a note")
def api_add_note(
    person_id: int, body: NoteIn, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> dict[str, Any]:
    from nightbridge.services.accounts.notes import add_note

    return add_note(db, scope.person_id, actor.account_id, body.body, shared=body.shared).to_dict()


@router.put("/people/{person_id}/settings", summary="Set the sleep-window settings")
def api_settings(
    person_id: int, body: SettingsIn, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> dict[str, Any]:
    import dataclasses

    from nightbridge.services.sleep.profile import update_profile

    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    profile = update_profile(db, scope.person_id, by="clinician", **changes)
    return dataclasses.asdict(profile.window)


@router.get("/people/{person_id}/taper", summary="The taper in force and its history")
def api_taper_get(person_id: int, db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.recovery.taper import taper_view

    return taper_view(db, scope.person_id)


@router.put("/people/{person_id}/taper", summary="Set the taper schedule")
def api_taper(
    person_id: int, body: TaperIn, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> dict[str, Any]:
    from nightbridge.core.taper import Hold
    from nightbridge.services.recovery.taper import set_taper

    saved = set_taper(
        db,
        scope.person_id,
        substance=body.substance,
        start_amount=body.start_amount,
        unit=body.unit,
        start=body.start,
        step_pct=body.step_pct,
        every_days=body.every_days,
        min_step=body.min_step,
        holds=[Hold(h.step, h.days) for h in body.holds],
        clinician_override=body.clinician_override,
        by=actor,
        confirm_raise=body.confirm_raise,
    )
    return {**saved.plan.to_dict(), "changed": saved.changed}


@router.get(
    "/people/{person_id}/questionnaires",
    summary="ISI totals and COWS ratings over the last year, oldest first",
)
def api_ratings(person_id: int, db: DatabaseDep, scope: ReadScope) -> list[dict[str, Any]]:
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    start = today - dt.timedelta(days=364)
    return [r.to_dict() for r in list_ratings(db, scope.person_id, start, today)]


@router.post(
    "/people/{person_id}/cows",
    status_code=201,
    summary="Record a COWS rating (rated by a clinician, as published)",
)
def api_cows(
    person_id: int, body: CowsIn, db: DatabaseDep, actor: ClinicianActor, scope: ManageScope
) -> dict[str, Any]:
    """Stored for the person's today with its total and band (<5 none, 5-12 mild, 13-24
    moderate, 25-36 moderately severe, >36 severe) and who rated it. Needs the manage
    permission (services/access.py): a clinician the person has not shared with gets a
    404; a score an item does not allow is a 422 naming the question ("COWS, question
    3")."""
    from nightbridge.services.recovery.questionnaires import record_cows

    return record_cows(db, scope.person_id, body.answers, by=actor).to_dict()
