"""Report downloads: the person's own (``/report``) and a clinician's for a person who
shares with them (``/clinician/people/{person_id}/report``).

Without ``download`` the route shows a small form (span and format); with it, the report
is made on the server (services.handover.reports) and sent as an attachment. Access goes
through the one permission layer (``ReadScope``), which also writes the audit row
(who, whose, what, when, outcome) for every download.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput
from nightbridge.core.values import parse_day
from nightbridge.i18n import N_
from nightbridge.i18n import gettext as _
from nightbridge.web.deps import ClinicianActor, DatabaseDep, ReadScope, render
from nightbridge.web.i18n import locale_for

router = APIRouter()

MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_day(text, "day")
    except InvalidInput:
        return None


def _report(
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    *,
    audience: str,
    action: str,
    start: str | None,
    end: str | None,
    fmt: str,
    download: str | None,
) -> Response:
    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.handover.reports import make_report, report_span
    from nightbridge.services.sleep.diary import local_today, person_zone

    # The report is written in the language of whoever asks for it (the account's own
    # choice, else the browser's): a person's own report in theirs, a clinician's copy in
    # the clinician's. A download renders no page, so the choice is put in force here.
    locale_for(request)
    today = local_today(person_zone(db, scope.person_id))
    first, last = _day(start), _day(end)
    error = ""
    if download:
        try:
            if fmt not in MEDIA:
                raise InvalidInput.one(_("Format"), _("choose PDF or web page"))
            if (start and first is None) or (end and last is None):
                raise InvalidInput.one(_("From (morning)"), _("dates are YYYY-MM-DD"))
            body = make_report(db, scope.person_id, fmt, start=first, end=last, audience=audience)
            a, b = report_span(first, last, today)
            name = f"nightbridge-report-{a.isoformat()}-to-{b.isoformat()}.{fmt}"
            return Response(
                body,
                media_type=MEDIA[fmt],
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    "Cache-Control": "no-store",
                    "X-Content-Type-Options": "nosniff",
                },
            )
        except InvalidInput as exc:
            error = "; ".join(str(p) for p in exc.problems)
    a, b = (first, last) if first and last else report_span(None, last, today)
    heading = N_("Your report") if audience == "person" else N_("Report for this person")
    return render(
        request,
        "reports/download.html",
        {
            "title": N_("Report"),
            "heading": heading,
            "action": action,
            "start": a.isoformat(),
            "end": b.isoformat(),
            "error": error,
        },
        status_code=400 if error else 200,
    )


@router.get("/report", include_in_schema=False)
def person_report(
    request: Request,
    db: DatabaseDep,
    scope: ReadScope,
    start: str | None = None,
    end: str | None = None,
    format: str = "pdf",
    download: str | None = None,
) -> Response:
    return _report(
        request,
        db,
        scope,
        audience="person",
        action="/report",
        start=request.query_params.get("from", start),
        end=request.query_params.get("to", end),
        fmt=format,
        download=download,
    )


@router.get("/clinician/people/{person_id}/report", include_in_schema=False)
def clinician_report(
    request: Request,
    person_id: int,
    db: DatabaseDep,
    actor: ClinicianActor,
    scope: ReadScope,
    format: str = "pdf",
    download: str | None = None,
) -> Response:
    return _report(
        request,
        db,
        scope,
        audience="clinician",
        action=f"/clinician/people/{scope.person_id}/report",
        start=request.query_params.get("from"),
        end=request.query_params.get("to"),
        fmt=format,
        download=download,
    )
