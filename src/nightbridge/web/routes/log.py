"""The Log page (``/log``): what was taken, at any hour of the day, several substances
at once, each with its own time (for example kratom at 09:00 and melatonin at 22:30).
The day defaults to today and may be one of the 6 before. Nightbridge records what was
taken; it never suggests an amount (definitions.md section 5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput
from nightbridge.core.values import parse_day
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()

#: Lines on the form (empty ones are skipped).
ROWS = 3
#: Days back that can be logged (today and the 6 before).
DAYS_BACK = 6


def _day(text: str | None, today: dt.date) -> dt.date:
    if not text:
        return today
    try:
        day = parse_day(text, "date")
    except InvalidInput:
        return today
    return min(max(day, today - dt.timedelta(days=DAYS_BACK)), today)


def intake_of_day(
    db: Database, person_id: int, day: dt.date
) -> tuple[list[tuple[str, Any]], list[Any]]:
    """What the person logged on ``day`` (local clock time, entry) and the combinations it
    makes; shown on the Log page and the evening log."""
    from zoneinfo import ZoneInfo

    from nightbridge.services.recovery.intake import interactions_on, list_intake
    from nightbridge.services.sleep.dashboard import person_zone

    zone = ZoneInfo(person_zone(db, person_id))
    logged: list[tuple[str, Any]] = [
        (e.at.astimezone(zone).strftime("%H:%M"), e) for e in list_intake(db, person_id, day, day)
    ]
    return logged, (interactions_on(db, person_id, day) if logged else [])


def _page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    day: dt.date,
    values: dict[str, str],
    errors: dict[str, list[str]],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    from nightbridge.core.intake import UNITS
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, person_id)
    logged, interactions = intake_of_day(db, person_id, day)
    return render(
        request,
        "person/log.html",
        {
            "title": "Log what you took",
            "values": values,
            "errors": errors,
            "units": UNITS,
            "rows": range(ROWS),
            "day": day,
            "today": today,
            "earliest": today - dt.timedelta(days=DAYS_BACK),
            "logged": logged,
            "interactions": interactions,
            "saved": saved,
        },
        status_code=status_code,
    )


@router.get("/log", include_in_schema=False)
def log_page(
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    date: str | None = None,
    saved: str | None = None,
) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    day = _day(date, today)
    values = {"date": day.isoformat(), "unit.0": "g", "unit.1": "g", "unit.2": "g"}
    return _page(request, db, scope.person_id, day, values, {}, saved=bool(saved))


@router.post("/log", include_in_schema=False)
def log_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.recovery.intake import IntakeRow, log_intakes
    from nightbridge.services.sleep.dashboard import person_today_date

    values = {k: str(v).strip() for k, v in form.multi_items() if k not in ("csrf_token",)}
    today = person_today_date(db, scope.person_id)
    rows = [
        IntakeRow(
            values.get(f"substance.{i}", ""),
            values.get(f"amount.{i}", ""),
            values.get(f"unit.{i}", ""),
            values.get(f"time.{i}", ""),
        )
        for i in range(ROWS)
    ]
    text = values.get("date", "")
    try:
        day = parse_day(text, "date") if text else today
        if day > today or day < today - dt.timedelta(days=DAYS_BACK):
            raise InvalidInput.one("date", f"can be today or one of the {DAYS_BACK} days before")
    except InvalidInput as exc:
        return _page(
            request, db, scope.person_id, today, values, errors_by_field(exc), status_code=422
        )

    def write(keyed: Database) -> str:
        log_intakes(keyed, scope.person_id, day, rows)
        return f"/log?date={day.isoformat()}&saved=1"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        return _page(
            request, db, scope.person_id, day, values, errors_by_field(exc), status_code=422
        )
