"""``/help-now``: ONE tap from the header of every page. Crisis and emergency lines of
the person's region first (tap to call), then their own relapse-prevention plan (the
people to call are tap-to-call too). Works signed out (the lines alone, US by default)
and offline once opened (cached by /sw.js).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.web.deps import DatabaseDep, OptionalActor, render

router = APIRouter(include_in_schema=False)


def tel_href(contact: str) -> str:
    """A ``tel:`` link for a dialable contact, else '' (core.relapse.tel_digits)."""
    from nightbridge.core.relapse import tel_digits

    digits = tel_digits(contact)
    return f"tel:{digits}" if digits else ""


@router.get("/help-now")
def help_now_page(request: Request, db: DatabaseDep, actor: OptionalActor) -> Response:
    from nightbridge.services.access import check_access
    from nightbridge.services.recovery.relapse import help_now

    person_id = actor.person_id
    if person_id is not None:
        check_access(db, actor, person_id, "read", "GET /help-now")
    page = help_now(db, person_id)
    return render(
        request,
        "toolkit/help_now.html",
        {
            "title": "Need help now",
            "page": page,
            "lines": [(r, tel_href(r.contact)) for r in page.resources],
            "signed_in": person_id is not None,
        },
    )
