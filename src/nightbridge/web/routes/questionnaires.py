"""The person's ISI page: the Insomnia Severity Index total, entered by the person.

The ISI is licensed (Mapi Research Trust): Nightbridge ships no item text, so the page
asks for the total of the licensed form (content/instruments/isi.json, word for word)
and shows its band (Bastien et al., Sleep Med 2001;2:297-307; definitions.md section 3)
and the earlier totals. A refusal names the question ("ISI total (0-28)") and stores
nothing; the same form sent twice is stored once (web/idempotency.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()

#: How far back the page lists earlier totals.
HISTORY_DAYS = 365


def isi_content() -> dict[str, Any]:
    from nightbridge.content import load_json

    doc: dict[str, Any] = load_json("instruments/isi.json")
    return doc


def _page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    *,
    value: str = "",
    errors: dict[str, list[str]] | None = None,
    saved: Any = None,
    status_code: int = 200,
) -> Response:
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.sleep.dashboard import person_today_date

    today = person_today_date(db, person_id)
    history = list_ratings(db, person_id, today - dt.timedelta(days=HISTORY_DAYS), today, ("isi",))
    return render(
        request,
        "person/isi.html",
        {
            "title": "Insomnia Severity Index",
            "isi": isi_content(),
            "value": value,
            "errors": errors or {},
            "saved": saved,
            "history": list(reversed(history)),
        },
        status_code=status_code,
    )


@router.get("/checkin/isi", include_in_schema=False)
def isi_page(request: Request, db: DatabaseDep, scope: ReadScope, saved: int = 0) -> Response:
    from nightbridge.services.recovery.questionnaires import list_ratings
    from nightbridge.services.sleep.dashboard import person_today_date

    shown = None
    if saved:
        today = person_today_date(db, scope.person_id)
        found = list_ratings(db, scope.person_id, today, today, ("isi",))
        shown = next((r for r in found if r.id == saved), None)
    return _page(request, db, scope.person_id, saved=shown)


@router.post("/checkin/isi", include_in_schema=False)
def isi_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.recovery.questionnaires import parse_answers, record_isi

    text = str(form.get("isi", ""))
    answers, problems = parse_answers([text], "isi")

    def write(keyed: Database) -> str:
        if problems:
            raise InvalidInput(problems)
        rating = record_isi(keyed, scope.person_id, answers[0], by=scope.actor)
        return f"/checkin/isi?saved={rating.id}"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            errors.setdefault(p.field.replace(" ", "_"), []).append(p.reason)
        return _page(request, db, scope.person_id, value=text[:40], errors=errors, status_code=422)
