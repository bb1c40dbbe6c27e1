"""The morning diary page: a form for under a minute, then the night's numbers.

Times default to the last entry's (most people keep similar times), ``<input
type=time>`` brings up the phone's time picker, and a refused form comes back with every
value kept and the reason next to its field (docs/definitions.md section 1 lists what
makes an entry invalid). The last 7 mornings are listed, each saved or missing: one tap
opens that morning (``/diary?date=``), with the saved entry in the form and a note that
saving replaces it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.diary import REQUIRED_FIELDS, ImplausibleNight
from nightbridge.core.errors import InvalidInput
from nightbridge.core.timeline import EVENTS
from nightbridge.core.values import parse_day
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()

#: Evening items the diary also keeps (optional).
EXTRA_FIELDS: tuple[str, ...] = ("caffeine", "last_caffeine", "alcohol", "last_alcohol", "note")
#: Mornings listed for filling in or correcting (today and the 6 before).
RECENT_DAYS = 7


def _values_of(entry: Any) -> dict[str, str]:
    saved = entry.to_fields()
    values = {name: saved.get(name, "") for name in REQUIRED_FIELDS + EXTRA_FIELDS}
    for name in (*EVENTS, "last_caffeine", "last_alcohol"):
        values[name] = values.get(name, "")[:5]
    return values


def _defaults(
    db: DatabaseDep, person_id: int, today: dt.date, day: dt.date
) -> tuple[dict[str, str], bool]:
    """The saved entry of ``day`` (and True), else the times and counts of the last entry
    before it, dated ``day`` (empty on the first morning)."""
    from nightbridge.services.sleep.diary import list_entries

    entries = list_entries(db, person_id, day - dt.timedelta(days=365), today)
    for entry in entries:
        if entry.date == day:
            return _values_of(entry), True
    values = dict.fromkeys(REQUIRED_FIELDS + EXTRA_FIELDS, "")
    earlier = [e for e in entries if e.date < day] or entries
    if earlier:
        last = earlier[-1].to_fields()
        for name in EVENTS:
            values[name] = last.get(name, "")[:5]
    values["date"] = day.isoformat()
    return values, False


def _recent(db: DatabaseDep, person_id: int, today: dt.date) -> list[tuple[dt.date, Any]]:
    """The last 7 mornings, newest first, each with its night (None: not filled in)."""
    from nightbridge.services.sleep.diary import list_nights

    start = today - dt.timedelta(days=RECENT_DAYS - 1)
    nights = {n.date: n for n in list_nights(db, person_id, start, today)}
    return [
        (today - dt.timedelta(days=i), nights.get(today - dt.timedelta(days=i)))
        for i in range(RECENT_DAYS)
    ]


def _chosen_day(date: str | None, today: dt.date) -> dt.date:
    """The morning asked for (``?date=``), today when absent, unreadable or ahead."""
    if not date:
        return today
    try:
        day = parse_day(date, "date")
    except InvalidInput:
        return today
    return min(day, today)


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
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    saved: str | None = None,
    date: str | None = None,
) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, scope.person_id)
    day = _chosen_day(date, today)
    values, existing = _defaults(db, scope.person_id, today, day)
    return render(
        request,
        "person/diary.html",
        {
            "title": "Morning diary",
            "values": values,
            "errors": {},
            "night": _saved_night(db, scope.person_id, saved),
            "existing": _saved_night(db, scope.person_id, day.isoformat()) if existing else None,
            "recent": _recent(db, scope.person_id, today),
            "day": day,
            "today": today,
        },
    )


@router.post("/diary", include_in_schema=False)
def diary_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.sleep.dashboard import person_today_date, record_diary

    values = {name: str(form.get(name, "")).strip() for name in REQUIRED_FIELDS + EXTRA_FIELDS}
    fields = {k: v for k, v in values.items() if v or k in REQUIRED_FIELDS}
    # "Yes, these times are right": an implausible night (core.diary) is meant
    confirmed = form.get("confirm") == "yes"

    def write(keyed: Database) -> str:
        night = record_diary(keyed, scope.person_id, fields, confirmed=confirmed)
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
                "confirmable": isinstance(exc, ImplausibleNight),
                "night": None,
                "existing": None,
                "recent": [],
                "day": None,
                "today": person_today_date(db, scope.person_id),
            },
            status_code=422,
        )
