"""FastAPI dependencies, as typed aliases (STYLE.md), and ``render`` for pages.

- ``DatabaseDep``, ``SettingsDep``: what the app factory was given.
- ``FormDep``: the posted form, read before the (plain ``def``) route runs.
- ``SessionDep``: the live session or None. ``OptionalActor``: the actor or ANONYMOUS.
- ``AdminActor``, ``ClinicianActor``: that role, anyone else 404.
- ``CurrentActor``: a fully logged-in actor; anonymous -> redirect to /login (pages) or
  401 (``/api``); a session still waiting for its TOTP code -> the TOTP page.
- ``PersonScope``: THE permission check for health data. It resolves the
  ``{person_id}`` path parameter (or, without one, the actor's own person), calls
  ``services.access.check_access`` (which writes the audit row, allowed or refused) and
  gives the route a ``Scope``. Someone else's data -> 404. ``GET``/``HEAD`` are
  ``read``, other methods ``write``; ``ReadScope``, ``WriteScope`` and ``ManageScope``
  fix the action (``ManageScope`` for settings, taper and notes, which an invited
  clinician may change); ``AuditScope`` for the person's own access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from nightbridge.core.errors import NotFound
from nightbridge.core.values import MAX_INT
from nightbridge.services.access import ANONYMOUS, Actor, check_own_write
from nightbridge.services.accounts.auth import SessionInfo
from nightbridge.storage.database import Database
from nightbridge.web.csrf import LoginRequired
from nightbridge.web.navigation import items_for
from nightbridge.web.sessions import apply_cookie, current_session


class StageRequired(LoginRequired):
    """Password accepted but the TOTP step is not done: go to ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__("finish logging in")
        self.path = path


async def get_database(request: Request) -> Database:
    # async: no I/O, so no trip through the thread pool (each costs CPU per request)
    return request.app.state.database  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Any:
    return request.app.state.settings


def get_session(request: Request) -> SessionInfo | None:
    return current_session(request)


def get_optional_actor(request: Request) -> Actor:
    info = current_session(request)
    if info is None or info.stage != "full":
        return ANONYMOUS
    return info.actor


def get_current_actor(request: Request) -> Actor:
    info = current_session(request)
    if info is None or info.stage == "anonymous":
        raise LoginRequired("log in first")
    if info.stage == "totp":
        raise StageRequired("/login/totp")
    if info.stage == "enrol":
        raise StageRequired("/login/totp/enrol")
    return info.actor


async def current_actor(request: Request) -> Actor:
    """``get_current_actor`` as a dependency: on the event loop when the request's
    session is already looked up (the CSRF check of every POST did it), else the lookup
    runs in the thread pool (it reads the store)."""
    cached = getattr(request.state, "nb_session", None)
    if cached is None:
        return await run_in_threadpool(get_current_actor, request)
    return get_current_actor(request)


async def get_admin_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """An admin; anyone else gets 404 (the admin pages do not exist for them)."""
    if actor.role != "admin":
        raise NotFound("no such page")
    return actor


async def get_clinician_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """A clinician; anyone else gets 404."""
    if actor.role != "clinician":
        raise NotFound("no such page")
    return actor


#: A row id in a path (``/sharing/{share_id}/...``): 1 to the store's largest integer.
#: Anything else (0, 2**63, "abc") is a 404, like an id that does not exist.
RowId = Annotated[int, Path(ge=1, le=MAX_INT)]
#: A page cursor in a query (``?before=``: the id of the last row seen), or none.
Cursor = Annotated[int | None, Query(ge=1, le=MAX_INT)]


async def read_form(request: Request) -> FormData:
    """The request's form, read (awaited) here so that the route itself can be a plain
    ``def``: FastAPI runs those in its thread pool, and a route that touches the store
    must never run on the event loop (``storage.database.refuse_event_loop``)."""
    return await request.form()


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Any, Depends(get_settings)]
SessionDep = Annotated[SessionInfo | None, Depends(get_session)]
OptionalActor = Annotated[Actor, Depends(get_optional_actor)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
AdminActor = Annotated[Actor, Depends(get_admin_actor)]
ClinicianActor = Annotated[Actor, Depends(get_clinician_actor)]
#: The posted form (pages' POST routes take it instead of awaiting ``request.form()``).
FormDep = Annotated[FormData, Depends(read_form)]


@dataclass(frozen=True, slots=True)
class Scope:
    """A checked permission: ``actor`` may ``action`` the data of ``person_id``."""

    actor: Actor
    person_id: int
    action: str

    @property
    def is_self(self) -> bool:
        return self.actor.person_id == self.person_id


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return f"{request.method} {path or request.url.path}"


def person_scope(action: str | None = None) -> Callable[..., Scope]:
    """A dependency checking ``action`` (None: read for GET/HEAD, else write)."""

    async def dependency(request: Request, actor: CurrentActor) -> Scope:
        # on the event loop when nothing here reads the store (a person writing their
        # own data through the API: the audit row is queued); else in the thread pool
        raw = request.path_params.get("person_id")
        own = raw is None and actor.role == "person" and actor.person_id is not None
        if own and request.url.path.startswith("/api/") and _queued_own_write(request, action):
            return _scope(request, actor)
        return await run_in_threadpool(_scope, request, actor)

    def _scope(request: Request, actor: Actor) -> Scope:
        raw = request.path_params.get("person_id")
        if raw is None:
            if actor.person_id is None:
                raise NotFound("this page is about a person's own data")
            person_id = actor.person_id
        else:
            try:
                person_id = int(raw)
            except (TypeError, ValueError):
                raise NotFound(f"no person {raw!r}") from None
        wanted = action or ("read" if request.method in ("GET", "HEAD") else "write")
        database = request.app.state.database
        check_own_write(database, actor, person_id, wanted, _route_template(request))
        scope = Scope(actor=actor, person_id=person_id, action=wanted)
        if actor.role == "person" and scope.is_self:
            _first_login_step(request, database, person_id)
        request.state.scope = scope
        return scope

    return dependency


def _queued_own_write(request: Request, action: str | None) -> bool:
    """True when this request's write of the person's own data is audited by a row
    queued for its own transaction (``services.access.check_own_write`` then reads
    nothing from the store)."""
    from nightbridge.storage.deferred import is_open

    wanted = action or ("read" if request.method in ("GET", "HEAD") else "write")
    return wanted == "write" and is_open()


#: Where a person answers the first-login questions (web/routes/safety_profile.py).
PROFILE_PATH = "/profile"


def _first_login_step(request: Request, database: Database, person_id: int) -> None:
    """A person's pages wait until the safety profile (zone, region, the restriction
    screen) is answered: every page but ``/profile`` sends them there first. The JSON
    API is not redirected; it withholds the sleep window instead (ScreenNeeded)."""
    path = request.url.path
    if path == PROFILE_PATH or path.startswith("/api/"):
        return
    from nightbridge.services.sleep.profile import get_profile

    if not get_profile(database, person_id).complete:
        raise StageRequired(PROFILE_PATH)


PersonScope = Annotated[Scope, Depends(person_scope())]
ReadScope = Annotated[Scope, Depends(person_scope("read"))]
WriteScope = Annotated[Scope, Depends(person_scope("write"))]
ManageScope = Annotated[Scope, Depends(person_scope("manage"))]
AuditScope = Annotated[Scope, Depends(person_scope("audit"))]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    hooks: bool = True,
) -> HTMLResponse:
    """Render a page inside ``base.html`` with what every page needs: the actor, the
    CSRF token, the navigation, the context hooks' output (alerts) and the session
    cookie if this request opened a session. ``hooks=False`` skips the context hooks
    (the last-resort error page, which must render even when a hook is what failed)."""
    from nightbridge.web.i18n import html_lang, locale_for

    info = current_session(request)
    actor = info.actor if info is not None and info.stage == "full" else ANONYMOUS
    paths = request.app.state.page_paths
    locale = locale_for(request)
    page: dict[str, Any] = {
        "locale": locale,
        "html_lang": html_lang(locale),
        "actor": actor,
        "username": info.username if info is not None and info.stage == "full" else "",
        "csrf_token": info.csrf_token if info is not None else "",
        "nav": items_for(actor.role, paths) if not actor.is_anonymous else [],
        "current_path": request.url.path,
        "alerts": [],
        "settings": request.app.state.settings,
    }
    if hooks and not actor.is_anonymous:
        for hook in request.app.state.context_hooks:
            page.update(hook(request, actor))
    page.update(context or {})
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, page, status_code=status_code
    )
    apply_cookie(request, response)
    return response
