"""The language of each request (docs/i18n.md).

- ``LocaleMiddleware`` (pure ASGI, outside the routes) sets the locale in force for the
  whole request from the ``__Host-nb_lang`` cookie, else the ``Accept-Language``
  header, else English, so that a message built anywhere during the request (a refusal
  raised in a service, an error page) is in that language. It reads no store.
- ``locale_for(request)`` is what pages use: the logged-in account's own choice wins
  (the session carries it), then the same cookie and header. ``render`` calls it.
- ``LANG_COOKIE`` mirrors the account's choice, so the next request (and the login page
  after logging out on this browser) starts in it; it holds a language code, nothing
  else. ``sync_lang_cookie`` sets it on a page's response when it differs.
"""

from __future__ import annotations

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from nightbridge.i18n import N_
from nightbridge.i18n import context as i18n_context
from nightbridge.i18n.locales import DEFAULT_LOCALE, LOCALES, negotiate, normalise

#: Words the templates translate from values (``_(alert.level | capitalize)``), marked
#: here for the catalogue.
SHOWN_WORDS = (
    N_("Emergency"),
    N_("Crisis"),
    N_("Urgent"),
    N_("Advise"),
    # the withdrawal diary's bands (content/instruments/withdrawal.json)
    N_("minimal"),
    N_("mild"),
    N_("moderate"),
    N_("severe"),
)

LANG_COOKIE = "__Host-nb_lang"
#: A year: the language is a preference of this browser, not a secret.
LANG_COOKIE_AGE = 365 * 24 * 3600


def _cookie(raw: str, name: str) -> str | None:
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip()
    return None


def locale_of_headers(cookie: str | None, accept: str | None, *, pseudo: bool = False) -> str:
    """The cookie's language if it names one we offer, else the header's, else English."""
    return normalise(cookie, pseudo=pseudo) or negotiate(accept, pseudo=pseudo)


class LocaleMiddleware:
    """Sets the request's locale (cookie, then Accept-Language) before any route runs."""

    def __init__(self, app: ASGIApp, *, pseudo: bool = False) -> None:
        self.app = app
        self.pseudo = pseudo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        raw_cookie = headers.get("cookie", "")
        cookie = _cookie(raw_cookie, LANG_COOKIE) if raw_cookie else None
        locale = locale_of_headers(cookie, headers.get("accept-language"), pseudo=self.pseudo)
        with i18n_context.use_locale(locale):
            await self.app(scope, receive, send)


def _pseudo(request: Request) -> bool:
    return bool(getattr(request.app.state.settings, "pseudo_locale", False))


def locale_for(request: Request) -> str:
    """The language this request's page is in: the account's choice, else the cookie,
    else Accept-Language, else English. Also made the locale in force for the rest of
    this thread's work on the request."""
    cached = getattr(request.state, "nb_locale", None)
    if cached is not None:
        i18n_context.set_locale(cached)
        return str(cached)
    from nightbridge.web.sessions import current_session

    pseudo = _pseudo(request)
    info = current_session(request)
    chosen = info.locale if info is not None and info.stage == "full" else None
    locale = normalise(chosen, pseudo=pseudo) or locale_of_headers(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"), pseudo=pseudo
    )
    request.state.nb_locale = locale
    i18n_context.set_locale(locale)
    return locale


def remember_locale(request: Request, locale: str | None) -> None:
    """This request changed the language (account page, API): use it from now on."""
    request.state.nb_locale = locale or locale_of_headers(
        None, request.headers.get("accept-language"), pseudo=_pseudo(request)
    )
    request.state.nb_lang_cookie = locale or ""
    i18n_context.set_locale(request.state.nb_locale)


def sync_lang_cookie(request: Request, response: Response) -> None:
    """Mirror the account's language in the cookie when it differs (after a login, or a
    change made on another device); clear it when the account follows the browser."""
    wanted = getattr(request.state, "nb_lang_cookie", None)
    if wanted is None:
        info = getattr(request.state, "nb_session", None)
        if info is None or getattr(info, "stage", "") != "full":
            return
        wanted = info.locale or ""
    have = request.cookies.get(LANG_COOKIE) or ""
    if wanted == have:
        return
    secure = bool(request.app.state.settings.secure_cookies)
    if wanted:
        response.set_cookie(
            LANG_COOKIE,
            wanted,
            max_age=LANG_COOKIE_AGE,
            path="/",
            secure=secure,
            httponly=True,
            samesite="lax",
        )
    else:
        response.delete_cookie(LANG_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


def html_lang(locale: str) -> str:
    """The ``<html lang>`` of a page (the pseudo-locale is English underneath)."""
    return locale if locale in LOCALES else DEFAULT_LOCALE
