"""``/help-now``: ONE tap from the header of every page. Crisis and emergency lines of
the person's region first (tap to call), then their own relapse-prevention plan (the
people to call are tap-to-call too). Works signed out (the lines alone: the international
ones until a country is chosen on the page, never another country's number)
and offline once opened (cached by /sw.js).

It never waits on the store's write lock (a device import, a burst of saves): the
request only reads. The session's last-seen time is not touched, the alert hooks (which
may record a new alert) do not run, and the audit row of the person's read is appended
after the page has gone out (``services.access.check_access_then_audit``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from nightbridge.i18n import gettext as _
from nightbridge.web.deps import DatabaseDep, get_optional_actor, render
from nightbridge.web.i18n import locale_for

router = APIRouter(include_in_schema=False)


@router.get("/help-now")
def help_now_page(request: Request, db: DatabaseDep, region: str = "") -> Response:
    from nightbridge.services.access import check_access_then_audit
    from nightbridge.services.recovery.relapse import help_now
    from nightbridge.services.recovery.safety import offered_regions

    request.state.nb_read_only = True
    locale_for(request)  # the lines' names and notes in the reader's language
    actor = get_optional_actor(request)
    person_id = actor.person_id
    audit = None
    if person_id is not None:
        audit = check_access_then_audit(db, actor, person_id, "read", "GET /help-now")
    page = help_now(db, person_id, region=region[:8] or None)
    response = render(
        request,
        "toolkit/help_now.html",
        {
            "title": _("Need help now"),
            "page": page,
            "lines": list(page.resources),
            "signed_in": person_id is not None,
            "regions": offered_regions(),
        },
        hooks=False,
    )
    if audit is not None:
        response.background = BackgroundTask(audit)
    return response
