"""The evening log: tonight's intake (substance, amount, unit, time), caffeine, alcohol,
screens in the last hour before bed and exercise minutes. Nightbridge logs what was
taken; it never suggests an amount (definitions.md section 5).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput
from nightbridge.storage.database import Database
from nightbridge.web.deps import DatabaseDep, FormDep, ReadScope, WriteScope, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.idempotency import submit_form_once

router = APIRouter()


def _page(
    request: Request,
    db: DatabaseDep,
    person_id: int,
    values: dict[str, str],
    errors: dict[str, list[str]],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    from nightbridge.core.intake import UNITS
    from nightbridge.services.sleep.dashboard import person_today_date
    from nightbridge.web.routes.log import intake_of_day

    today = person_today_date(db, person_id)
    logged, interactions = intake_of_day(db, person_id, today)
    return render(
        request,
        "person/evening.html",
        {
            "title": "Evening log",
            "values": values,
            "errors": errors,
            "units": UNITS,
            "logged": logged,
            "interactions": interactions,
            "saved": saved,
        },
        status_code=status_code,
    )


@router.get("/evening", include_in_schema=False)
def evening_page(
    request: Request, db: DatabaseDep, scope: ReadScope, saved: str | None = None
) -> Response:
    return _page(request, db, scope.person_id, {"unit": "g"}, {}, saved=bool(saved))


@router.post("/evening", include_in_schema=False)
def evening_submit(request: Request, form: FormDep, db: DatabaseDep, scope: WriteScope) -> Response:
    from nightbridge.services.sleep.dashboard import EVENING_FIELDS, save_evening_log

    values = {name: str(form.get(name, "")).strip() for name in EVENING_FIELDS}

    def write(keyed: Database) -> str:
        save_evening_log(keyed, scope.person_id, values)
        return "/evening?saved=1"

    try:
        return submit_form_once(request, db, scope, form, write)
    except InvalidInput as exc:
        return _page(request, db, scope.person_id, values, errors_by_field(exc), status_code=422)
