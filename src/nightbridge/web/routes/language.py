"""The language a person reads Nightbridge in (issue 16; docs/i18n.md).

- ``POST /account/language``: the account's language (``en``, ``es``, or empty: follow
  the browser), from the account page.
- ``POST /language``: before login, this browser's language (the chooser on the login
  and help pages); kept in the language cookie only.
- ``GET /api/me/language`` and ``PUT /api/me/language``: the same for the JSON API
  (any logged-in account).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from nightbridge.i18n import LOCALES
from nightbridge.services.accounts.accounts import get_account, set_account_locale
from nightbridge.web.deps import CurrentActor, DatabaseDep
from nightbridge.web.forms import safe_next
from nightbridge.web.i18n import locale_for, remember_locale
from nightbridge.web.models import ApiModel
from nightbridge.web.sessions import apply_cookie

router = APIRouter()


class LanguageIn(ApiModel):
    """The account's language: ``en``, ``es``, or null to follow the browser."""

    locale: str | None = Field(default=None, examples=["es"], max_length=16)


class LanguageOut(ApiModel):
    #: The account's own choice (null: the browser's Accept-Language decides).
    locale: str | None
    #: The language this answer was made in.
    in_use: str
    #: The languages offered, code -> name.
    offered: dict[str, str]


@router.post("/account/language", include_in_schema=False)
def account_language(
    request: Request,
    actor: CurrentActor,
    database: DatabaseDep,
    locale: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    chosen = set_account_locale(database, actor, locale)
    remember_locale(request, chosen)
    return apply_cookie(request, RedirectResponse("/account#language", status_code=303))


@router.post("/language", include_in_schema=False)
def browser_language(
    request: Request,
    locale: Annotated[str, Form(max_length=16)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    chosen = locale.strip().lower()
    if chosen and chosen not in LOCALES:
        from nightbridge.core.errors import InvalidInput

        offered = ", ".join(LOCALES)
        raise InvalidInput.one("locale", f"is not a language Nightbridge offers ({offered})")
    remember_locale(request, chosen or None)
    return apply_cookie(request, RedirectResponse(safe_next(next), status_code=303))


def _language(request: Request, database: Any, account_id: int | None) -> LanguageOut:
    account = get_account(database, account_id or 0)
    return LanguageOut(locale=account.locale, in_use=locale_for(request), offered=LOCALES)


@router.get("/api/me/language", tags=["account"], summary="The language of my account")
def api_language(request: Request, actor: CurrentActor, database: DatabaseDep) -> LanguageOut:
    return _language(request, database, actor.account_id)


@router.put("/api/me/language", tags=["account"], summary="Choose the language of my account")
def api_language_save(
    request: Request, body: LanguageIn, actor: CurrentActor, database: DatabaseDep
) -> LanguageOut:
    chosen = set_account_locale(database, actor, body.locale)
    remember_locale(request, chosen)
    return _language(request, database, actor.account_id)
