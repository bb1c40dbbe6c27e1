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
