"""The actor's own account: password change; and "who looked at my data"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nightbridge.core.errors import InvalidInput
from nightbridge.services.accounts import change_password, get_account
from nightbridge.services.audit import list_person_events
from nightbridge.web.deps import CurrentActor, DatabaseDep, PersonScope, SettingsDep, render
from nightbridge.web.forms import errors_by_field
from nightbridge.web.sessions import current_session

router = APIRouter(include_in_schema=False)


@router.get("/account")
def account_page(request: Request, actor: CurrentActor, database: DatabaseDep) -> Response:
    account = get_account(database, actor.account_id or 0)
    return render(request, "account.html", {"account": account, "errors": {}})


@router.post("/account/password")
def password_change(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=2048)],
) -> Response:
    info = current_session(request)
    errors: dict[str, list[str]] = {}
    try:
        change_password(
            database,
            settings.auth,
            actor,
            current=current_password,
            new=new_password,
            keep_token=info.token if info else None,
        )
    except InvalidInput as exc:
        errors = errors_by_field(exc)
    account = get_account(database, actor.account_id or 0)
    return render(
        request,
        "account.html",
        {"account": account, "errors": errors, "changed": not errors},
        status_code=422 if errors else 200,
    )


@router.get("/account/activity")
def activity(request: Request, scope: PersonScope, database: DatabaseDep) -> Response:
    events = list_person_events(database, scope.person_id)
    return render(request, "account_activity.html", {"events": events})
