"""The morning diary page: a form for under a minute, then the night's numbers.

Times default to the last entry's (most people keep similar times), ``<input
type=time>`` brings up the phone's time picker, and a refused form comes back with every
value kept and the reason next to its field (docs/definitions.md section 1 lists what
makes an entry invalid).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.diary import REQUIRED_FIELDS
from nightbridge.core.errors import InvalidInput
from nightbridge.core.timeline import EVENTS
from nightbridge.core.values import parse_day
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, ReadScope, WriteScope, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()

#: Evening items the diary also keeps (optional).
EXTRA_FIELDS: tuple[str, ...] = ("caffeine", "last_caffeine", "alcohol", "last_alcohol", "note")


def _defaults(db: DatabaseDep, person_id: int, today: dt.date) -> dict[str, str]:
    """Times and counts of the last entry, dated today (empty on the first morning)."""
    from nightbridge.services.sleep.diary import list_entries

    entries = list_entries(db, person_id, today - dt.timedelta(days=365), today)
    values = dict.fromkeys(REQUIRED_FIELDS + EXTRA_FIELDS, "")
    if entries:
        last = entries[-1].to_fields()
        for name in EVENTS:
            values[name] = last.get(name, "")[:5]
    values["date"] = today.isoformat()
    return values


def _saved_night(db: DatabaseDep, person_id: int, day: str | None) -> object | None:
    from nightbridge.services.sleep.diary import list_nights

    if not day:
        return None
    try:
        date = parse_day(day, "saved")
    except InvalidInput:
        return None
    nights = list_nights(db, person_id, date, date)
    return nights[0] if nights else None


@router.get("/diary", include_in_schema=False)
def diary_page(
    request: Request, db: DatabaseDep, scope: ReadScope, saved: str | None = None
) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    return render(
        request,
        "person/diary.html",
        {
            "title": "Morning diary",
            "values": _defaults(db, scope.person_id, today),
            "errors": {},
            "night": _saved_night(db, scope.person_id, saved),
            "today": today,
        },
    )


@router.post("/diary", include_in_schema=False)
async def diary_submit(request: Request, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date, record_diary

    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in REQUIRED_FIELDS + EXTRA_FIELDS}
    fields = {k: v for k, v in values.items() if v or k in REQUIRED_FIELDS}

    def write(keyed: Database) -> str:
        night = record_diary(keyed, scope.person_id, fields)
        return f"/diary?saved={night.date.isoformat()}"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        return render(
            request,
            "person/diary.html",
            {
                "title": "Morning diary",
                "values": values,
                "errors": errors_by_field(exc),
                "night": None,
                "today": person_today_date(db, scope.person_id),
            },
            status_code=422,
        )
