"""Diary and device nights side by side (definitions.md section 7).

- ``GET /nights``: the person's own nights.
- ``GET /clinician/people/{person_id}/nights``: the same for an invited clinician.

Per date (newest first): the diary night (``services.sleep.diary.list_nights``) in one
column and each device source's main sleep (``services.devices.devices.device_nights``) in its
own column, the source that speaks for the night marked. Nothing is merged, summed or
averaged: a diary records what the person noticed, each device estimates from its own
sensors, and sources overlap (definitions.md section 7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import ClinicianActor, DatabaseDep, ReadScope, render

router = APIRouter()

#: Days shown by default, and the most that may be asked for.
DEFAULT_DAYS = 28
MAX_DAYS = 366


@dataclass
class NightRow:
    """One date: the diary night (if any) and each source's device night (if any)."""

    date: dt.date
    diary: Any | None = None
    devices: dict[str, Any] = field(default_factory=dict)


@dataclass
class NightsView:
    start: dt.date
    end: dt.date
    sources: list[str]
    rows: list[NightRow]


def side_by_side(diary: list[Any], devices: list[Any], start: dt.date, end: dt.date) -> NightsView:
    """Rows per date (newest first) with the diary and every source kept apart; a date
    with neither is left out. Device naps are not nights and are not shown."""
    rows: dict[dt.date, NightRow] = {}
    for night in diary:
        rows.setdefault(night.date, NightRow(night.date)).diary = night
    for night in devices:
        if night.is_nap:
            continue
        rows.setdefault(night.date, NightRow(night.date)).devices[night.source] = night
    sources = sorted({source for row in rows.values() for source in row.devices})
    ordered = [rows[d] for d in sorted(rows, reverse=True) if start <= d <= end]
    return NightsView(start, end, sources, ordered)


def _view(db: DatabaseDep, person_id: int, days: int) -> NightsView:
    from nightbridge.services.devices.devices import device_nights
    from nightbridge.services.sleep.diary import list_nights, local_today, person_zone

    end = local_today(person_zone(db, person_id))
    start = end - dt.timedelta(days=max(1, min(days, MAX_DAYS)) - 1)
    return side_by_side(
        list_nights(db, person_id, start, end),
        device_nights(db, person_id, start=start, end=end),
        start,
        end,
    )


def hours(minutes: int | None) -> str:
    """``415`` -> ``6 h 55 min``."""
    if minutes is None:
        return "–"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _page(request: Request, view: NightsView, *, base: str, days: int, heading: str) -> Response:
    return render(
        request,
        "devices/nights.html",
        {
            "title": "Nights",
            "view": view,
            "base": base,
            "days": days,
            "heading": heading,
            "hours": hours,
        },
    )


@router.get("/nights", include_in_schema=False)
def nights_page(
    request: Request, db: DatabaseDep, scope: ReadScope, days: int = DEFAULT_DAYS
) -> Response:
    view = _view(db, scope.person_id, days)
    return _page(request, view, base="/nights", days=days, heading="Your nights")


@router.get("/clinician/people/{person_id}/nights", include_in_schema=False)
def clinician_nights_page(
    request: Request,
    person_id: int,
    db: DatabaseDep,
    actor: ClinicianActor,
    scope: ReadScope,
    days: int = DEFAULT_DAYS,
) -> Response:
    view = _view(db, scope.person_id, days)
    base = f"/clinician/people/{scope.person_id}/nights"
    return _page(request, view, base=base, days=days, heading="Diary and device nights")
