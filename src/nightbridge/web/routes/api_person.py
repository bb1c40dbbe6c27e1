"""The person's JSON API (``/api/me/...``): the same data as the person's pages.

Log in with ``POST /api/auth/login``; every POST carries the session's CSRF token in
``X-CSRF-Token``. Bad input answers 422 with ``{"detail", "problems": [{"field",
"reason", "row"}]}`` and stores nothing. Metric keys follow docs/definitions.md. Writes
take an ``Idempotency-Key`` header (web/idempotency.py): a retry stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import Field

from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, ReadScope, WriteScope
from nightbridge.web.idempotency import send_json_once
from nightbridge.web.models import ApiModel

#: ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header): send the same key
#: again and the write is not repeated; the first answer comes back.
KeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A key of your own (8-128 of A-Z a-z 0-9 . _ : -): a retry with the "
        "same key stores nothing twice and gets the first answer back.",
    ),
]

router = APIRouter(prefix="/api/me", tags=["person"])


class DiaryIn(ApiModel):
    """One morning's Consensus Sleep Diary entry (definitions.md section 1)."""

    date: str = Field(examples=["2026-03-02"])
    bedtime: str = Field(examples=["23:10"])
    lights_off: str = Field(examples=["23:25"])
    sol_min: int | str
    nwak: int | str
    waso_min: int | str
    final_wake: str = Field(examples=["06:40"])
    out_of_bed: str = Field(examples=["06:55"])
    quality: int | str = Field(description="1 very poor .. 5 very good")
    caffeine: int | str | None = None
    last_caffeine: str | None = None
    alcohol: int | str | None = None
    last_alcohol: str | None = None
    note: str | None = None
    confirm: bool = Field(
        default=False,
        description="true: the night is meant as given although it is implausible (more "
        "than 16 h in bed, an AM/PM slip, out of bed after now); refused otherwise",
    )


class CheckinIn(ApiModel):
    """The daily check-in (definitions.md sections 3 and 4; names from docs/cli.md)."""

    date: dt.date
    symptoms: dict[str, int] = Field(default_factory=dict, description="name -> 0..4")
    flags: list[str] = Field(default_factory=list, description="red-flag names")
    function: int | None = Field(default=None, description="1..5")
    self_harm_thoughts: bool | None = None
    phq9: list[int] | None = Field(default=None, description="9 answers 0..3")
    gad7: list[int] | None = Field(default=None, description="7 answers 0..3")


class IsiIn(ApiModel):
    """The Insomnia Severity Index total of the licensed form (Bastien et al. 2001;
    definitions.md section 3): Nightbridge ships no item text, so only the total."""

    total: int = Field(description="the ISI total, 0..28", examples=[12])


class EveningIn(ApiModel):
    """Tonight's evening log; every part is optional. Times are local ``HH:MM``."""

    substance: str = ""
    amount: str = ""
    unit: str = ""
    time: str = ""
    caffeine_cups: int | None = None
    last_caffeine: str = ""
    alcohol_drinks: int | None = None
    last_alcohol: str = ""
    screens_last_hour: bool | None = None
    exercise_min: int | None = None


@router.get("/today", summary="Last night, tonight's plan and what is due today")
def api_today(db: DatabaseDep, scope: ReadScope) -> dict[str, Any]:
    from nightbridge.services.sleep.dashboard import build_today

    return build_today(db, scope.person_id).to_dict()


@router.get("/notes", summary="The notes your clinician shared with you, newest first")
def api_shared_notes(db: DatabaseDep, scope: ReadScope) -> list[dict[str, Any]]:
    from nightbridge.services.accounts.notes import list_notes

    return [n.to_dict() for n in list_notes(db, scope.person_id, shared_only=True)]


@router.get("/trends", summary="Nights, check-ins and the sleep window over the last days")
def api_trends(db: DatabaseDep, scope: ReadScope, days: int = 42) -> dict[str, Any]:
    from nightbridge.services.sleep.dashboard import build_trends

    return build_trends(db, scope.person_id, days=max(7, min(days, 366))).to_dict()


@router.post("/diary", status_code=201, summary="Add or replace one morning's diary entry")
def api_diary(
    body: DiaryIn, request: Request, db: DatabaseDep, scope: WriteScope, key: KeyHeader = None
) -> Any:
    from nightbridge.services.sleep.dashboard import record_diary

    answers = body.model_dump(exclude={"confirm"})
    fields = {k: (str(v) if v is not None else None) for k, v in answers.items()}
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    return send_json_once(
        request,
        db,
        scope,
        body,
        lambda keyed: record_diary(
            keyed, scope.person_id, fields, confirmed=body.confirm
        ).to_dict(),
    )


@router.post("/checkins", status_code=201, summary="Record the day's check-in")
def api_checkin(
    body: CheckinIn, request: Request, db: DatabaseDep, scope: WriteScope, key: KeyHeader = None
) -> Any:
    from nightbridge.services.recovery.checkins import record_checkin

    def write(keyed: Database) -> dict[str, Any]:
        result = record_checkin(
            keyed,
            scope.person_id,
            body.date,
            symptoms=body.symptoms,
            flags=body.flags,
            function=body.function,
            self_harm_thoughts=body.self_harm_thoughts,
            phq9=body.phq9,
            gad7=body.gad7,
        )
        return {
            "checkin": result.checkin.to_dict(),
            "alerts": [a.to_dict() for a in result.alerts],
        }

    return send_json_once(request, db, scope, body, write)


@router.post("/evening", status_code=201, summary="Record tonight's evening log")
def api_evening(
    body: EveningIn, request: Request, db: DatabaseDep, scope: WriteScope, key: KeyHeader = None
) -> Any:
    from nightbridge.services.sleep.dashboard import save_evening_log

    fields = {
        k: ("" if v is None else ("yes" if v is True else "no" if v is False else str(v)))
        for k, v in body.model_dump().items()
    }

    def write(keyed: Database) -> dict[str, Any]:
        result = save_evening_log(keyed, scope.person_id, fields)
        return {
            "morning": result.morning.isoformat(),
            "intake": [
                {
                    "substance": e.substance,
                    "amount": e.amount,
                    "unit": e.unit,
                    "at": e.at.isoformat(),
                }
                for e in result.intake
            ],
            "alerts": [a.to_dict() for a in result.alerts],
            "interactions": [i.to_dict() for i in result.interactions],
        }

    return send_json_once(request, db, scope, body, write)


class IntakeItemIn(ApiModel):
    """One thing taken: what, how much, the unit, the local time ``HH:MM`` on the day."""

    substance: str = Field(max_length=120, examples=["kratom"])
    amount: str | float = Field(examples=["2"])
    unit: str = Field(max_length=20, examples=["g"])
    time: str = Field(max_length=8, examples=["09:00"])


class IntakeIn(ApiModel):
    """Intake at any hour, several at once (the Log page): ``date`` is the local day
    (today when left out; today or one of the 6 days before). Nightbridge records what
    was taken; it never suggests an amount (definitions.md section 5)."""

    date: dt.date | None = None
    items: list[IntakeItemIn] = Field(min_length=1, max_length=10)


@router.post("/intake", status_code=201, summary="Log what was taken, each at its own time")
def api_intake(
    body: IntakeIn, request: Request, db: DatabaseDep, scope: WriteScope, key: KeyHeader = None
) -> Any:
    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.recovery.intake import IntakeRow, interactions_on, log_intakes
    from nightbridge.services.recovery.safety import alerts_for
    from nightbridge.services.sleep.dashboard import person_today_date
    from nightbridge.web.routes.log import DAYS_BACK

    today = person_today_date(db, scope.person_id)
    day = body.date or today
    if day > today or day < today - dt.timedelta(days=DAYS_BACK):
        raise InvalidInput.one("date", f"can be today or one of the {DAYS_BACK} days before")
    rows = [IntakeRow(i.substance, str(i.amount), i.unit, i.time) for i in body.items]

    def write(keyed: Database) -> dict[str, Any]:
        events = log_intakes(keyed, scope.person_id, day, rows)
        return {
            "date": day.isoformat(),
            "intake": [e.to_dict() for e in events],
            "alerts": [a.to_dict() for a in alerts_for(keyed, scope.person_id, day)],
            "interactions": [i.to_dict() for i in interactions_on(keyed, scope.person_id, day)],
        }

    return send_json_once(request, db, scope, body, write)


@router.get("/plan", summary="Tonight's sleep window with its reasons, and stimulus control")
def api_plan(
    db: DatabaseDep, scope: ReadScope, rise: str | None = None, current: int | None = None
) -> dict[str, Any]:
    from nightbridge.services.sleep.dashboard import person_today_date, tonight_plan, window_now
    from nightbridge.services.sleep.window import parse_rise, stimulus_control

    today = person_today_date(db, scope.person_id)
    chosen = parse_rise(rise) if rise else None
    return {
        "window": tonight_plan(db, scope.person_id, today, rise=chosen, current=current).to_dict(),
        "in_force": window_now(db, scope.person_id, today).to_dict(),
        "stimulus_control": stimulus_control(),
    }


@router.post(
    "/questionnaires/isi", status_code=201, summary="Enter an Insomnia Severity Index total"
)
def api_isi(
    body: IsiIn, request: Request, db: DatabaseDep, scope: WriteScope, key: KeyHeader = None
) -> Any:
    """Stored for today on your clock, with its band (0-7 none, 8-14 subthreshold, 15-21
    moderate, 22-28 severe); a total outside 0..28 is refused (422 naming "ISI total")."""
    from nightbridge.services.recovery.questionnaires import record_isi

    return send_json_once(
        request,
        db,
        scope,
        body,
        lambda keyed: record_isi(keyed, scope.person_id, body.total, by=scope.actor).to_dict(),
    )


@router.get("/questionnaires", summary="Your ISI totals and COWS ratings, oldest first")
def api_questionnaires(db: DatabaseDep, scope: ReadScope, days: int = 365) -> list[dict[str, Any]]:
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    start = today - dt.timedelta(days=max(1, min(days, 3660)) - 1)
    return [r.to_dict() for r in list_ratings(db, scope.person_id, start, today)]
