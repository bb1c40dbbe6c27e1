"""Admin pages: list accounts, create one, unlock, disable/enable. No health data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from nightbridge.core.errors import InvalidInput
from nightbridge.services.accounts.accounts import create_account, list_accounts, update_account
from nightbridge.services.accounts.reset_codes import issue_reset_code
from nightbridge.web.deps import AdminActor, CurrentActor, DatabaseDep, RowId, SettingsDep, render
from nightbridge.web.forms import errors_by_field, safe_next

router = APIRouter(include_in_schema=False)

_EMPTY_FORM = {"username": "", "display_name": "", "role": "person", "tz": "", "region": ""}


def _page(request: Request, database: DatabaseDep, **context: object) -> Response:
    from nightbridge.web.routes.safety_profile import choices

    status = 422 if context.get("errors") else 200
    page = {"accounts": list_accounts(database), "errors": {}, "form": _EMPTY_FORM, **context}
    return render(request, "account_admin.html", {**page, **choices()}, status_code=status)


@router.get("/admin/accounts")
def accounts_page(
    request: Request, actor: AdminActor, database: DatabaseDep, created: str = ""
) -> Response:
    return _page(request, database, created=created[:80])


@router.post("/admin/accounts")
def account_create(
    request: Request,
    actor: AdminActor,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=2048)],
    role: Annotated[str, Form(max_length=20)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    tz: Annotated[str, Form(max_length=64)] = "",
    region: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """A person account needs the person's time zone and region (never assumed); they
    answer the restriction-safety screen themselves at first login."""
    try:
        create_account(
            database,
            settings.auth,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            by=actor,
            tz=tz,
            region=region,
            ask_location=True,
        )
    except InvalidInput as exc:
        form = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "tz": tz,
            "region": region,
        }
        return _page(request, database, errors=errors_by_field(exc), form=form)
    return RedirectResponse(f"/admin/accounts?created={username.strip().lower()}", status_code=303)


@router.post("/reset-codes/{account_id}")
def reset_code_issue(
    request: Request,
    account_id: RowId,
    actor: CurrentActor,
    database: DatabaseDep,
    settings: SettingsDep,
    back: Annotated[str, Form(max_length=200)] = "/admin/accounts",
) -> Response:
    """Issue a one-time password reset code (an admin; a clinic admin for their clinic's
    members and people: services.access.may_issue_reset_code); shown once, never in a URL."""
    issued = issue_reset_code(database, actor, account_id, ttl=settings.reset_code_ttl)
    return render(request, "reset_code_issued.html", {"issued": issued, "back": safe_next(back)})


@router.post("/admin/accounts/{account_id}")
def account_update(
    account_id: RowId,
    actor: AdminActor,
    database: DatabaseDep,
    op: Annotated[str, Form(max_length=20)],
) -> Response:
    if op == "unlock":
        update_account(database, actor, account_id, unlock=True)
    elif op in ("disable", "enable"):
        update_account(database, actor, account_id, disabled=op == "disable")
    elif op == "reset_totp":
        update_account(database, actor, account_id, reset_totp=True)
    elif op == "end_sessions":
        update_account(database, actor, account_id, end_sessions=True)
    else:
        raise InvalidInput.one("op", "must be unlock, disable, enable, reset_totp or end_sessions")
    return RedirectResponse("/admin/accounts", status_code=303)
