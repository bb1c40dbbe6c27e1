"""The app factory. Nothing is built at import time: ``create_app(database, settings=...)``
(``Settings`` lives in ``nightbridge.settings``, re-exported here).

Server-rendered Jinja2 pages over the services; the JSON API under ``/api`` (its OpenAPI
document at ``/api/openapi.json``). Routers are found through ``web.registry``; the
security headers, CSRF check and error pages are set up here, once.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from nightbridge.core.errors import InvalidInput, NightbridgeError, NotFound, Problem
from nightbridge.i18n import N_
from nightbridge.i18n import gettext as i18n_gettext
from nightbridge.i18n.jinja import install as install_i18n
from nightbridge.services.access import Forbidden
from nightbridge.services.accounts.totp_keys import TotpKeyUnavailable
from nightbridge.services.sync.idempotency import KeyRefused
from nightbridge.settings import Settings
from nightbridge.storage.database import Database, StoreBusy
from nightbridge.web import registry
from nightbridge.web.csrf import STREAMED_UPLOADS, CsrfRefused, LoginRequired, verify_csrf
from nightbridge.web.deps import StageRequired, get_optional_actor, render
from nightbridge.web.i18n import LocaleMiddleware
from nightbridge.web.idempotency import new_form_key
from nightbridge.web.limits import BodyLimit
from nightbridge.web.openapi import build_openapi
from nightbridge.web.questions import question_for
from nightbridge.web.security import LastResort, SecurityHeaders
from nightbridge.web.sessions import apply_cookie
from nightbridge.web.unit import RequestUnit
from nightbridge.web.values import check_values

HERE = Path(__file__).parent
log = logging.getLogger("nightbridge.web")


__all__ = ["Settings", "create_app"]

#: Seconds a client is asked to wait before sending a write the busy store refused (503).
RETRY_AFTER_S = 5


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


#: FastAPI's built-in OpenTelemetry support, off: nothing about a request leaves the
#: machine, whatever tracer or meter a library may have configured.
NO_TELEMETRY: dict[str, Any] = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "auto_configure": False,
}


class NightbridgeApp(FastAPI):
    """FastAPI with four wrappers OUTSIDE its whole stack, so that they see every
    response, the framework's last-resort 500 included: the security headers
    (outermost), the last-resort handler (logs an escaped exception without its message
    and stops it there), the request body limit and the request's unit of work (its
    queued audit rows, ``web.unit``)."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        inner = super().build_middleware_stack()
        unit = RequestUnit(inner, self.state.database)
        limited = BodyLimit(unit, max_bytes=settings.max_body_bytes, exempt=STREAMED_UPLOADS)
        spoken = LocaleMiddleware(limited, pseudo=settings.pseudo_locale)
        return SecurityHeaders(LastResort(spoken), hsts=settings.hsts)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At server start: the import jobs a killed or restarted process left queued or
    running are marked failed and their uploads deleted (docs/web-imports.md); with a
    mail relay set, the notification sender starts (docs/notifications.md)."""
    from starlette.concurrency import run_in_threadpool

    from nightbridge.services.devices.import_jobs import recover_interrupted_jobs
    from nightbridge.services.devices.uploads import upload_folder

    database: Database = app.state.database

    def recover() -> None:
        folder = upload_folder(database, app.state.settings.upload_dir)
        recover_interrupted_jobs(database, folder)

    await run_in_threadpool(recover)
    sender = None
    settings: Settings = app.state.settings
    if settings.smtp.enabled and settings.smtp.in_serve:
        # the notification sender of this process (services.notifications.worker):
        # a thread of its own, never the event loop nor a request
        from nightbridge.services.notifications.worker import NotificationSender

        sender = NotificationSender(database, settings)
        sender.start()
    app.state.notification_sender = sender
    try:
        yield
    finally:
        if sender is not None:
            await run_in_threadpool(sender.stop)


def create_app(database: Database, *, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = NightbridgeApp(
        title="Nightbridge",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(verify_csrf), Depends(check_values)],
        telemetry=NO_TELEMETRY,
        lifespan=_lifespan,
    )
    app.state.database = database
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals["new_form_key"] = new_form_key
    app.state.templates.env.globals["question"] = question_for
    from nightbridge.core import wording

    env = app.state.templates.env
    install_i18n(env)
    env.filters.update(
        level_name=wording.level_name,
        action_words=wording.action_words,
        alert_title=wording.alert_title,
    )
    env.globals["for_clinician"] = wording.for_clinician
    env.globals["audit_words"] = partial(wording.audit_words, tr=i18n_gettext)
    env.globals["audit_role"] = partial(wording.audit_role, tr=i18n_gettext)
    hooks = settings.context_hooks
    app.state.context_hooks = registry.load_context_hooks(
        registry.CONTEXT_HOOKS if hooks is None else hooks
    )

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    routers = settings.router_modules
    app.state.routers = registry.include_routers(
        app, registry.ROUTER_MODULES if routers is None else routers
    )
    _add_fallback_pages(app)
    _add_error_handlers(app)
    _add_openapi(app)
    app.state.page_paths = {path for path, _, _ in registry.iter_routes(app)}
    return app


def _add_fallback_pages(app: FastAPI) -> None:
    """``/`` and ``/help-now`` unless a registered router provides them."""
    taken = {(path, m) for path, methods, _ in registry.iter_routes(app) for m in methods}

    if ("/", "GET") not in taken:

        @app.get("/", include_in_schema=False)
        def home(request: Request) -> Response:
            from nightbridge.web.deps import get_current_actor

            actor = get_current_actor(request)
            paths = request.app.state.page_paths
            start = {
                "admin": "/admin/accounts",
                "clinician": "/clinician" if "/clinician" in paths else "/sharing",
                "person": "/today" if "/today" in paths else None,
            }.get(actor.role)
            if start:
                return RedirectResponse(start, status_code=303)
            return render(request, "account_home.html", {})

    if ("/help-now", "GET") not in taken:

        @app.get("/help-now", include_in_schema=False)
        def help_now(request: Request) -> Response:
            actor = get_optional_actor(request)
            region = "US"
            if actor.person_id is not None:
                from nightbridge.storage.repositories.persons import PersonRepository

                with request.app.state.database.reader() as session:
                    region = PersonRepository(session).get_profile(actor.person_id).region
            context = {"region": region, **_crisis_lines(region)}
            return render(request, "account_help_fallback.html", context)


def _crisis_lines(region: str) -> dict[str, Any]:
    """The region's crisis lines from content/crisis_resources.json, when it exists."""
    try:
        from nightbridge.content import load_json
        from nightbridge.core.resources import parse_resources

        regions = parse_resources(load_json("crisis_resources.json"))
    except Exception:  # the content file may not exist yet: show the fallback text
        log.warning("crisis resources unavailable", exc_info=True)
        return {"lines": [], "all_regions": {}}
    chosen = regions.get(region) or next(iter(regions.values()), None)
    return {
        "lines": list(chosen.all()) if chosen else [],
        "all_regions": {name: list(r.all()) for name, r in sorted(regions.items())},
    }


def _add_openapi(app: FastAPI) -> None:
    """``/api/openapi.json`` describes the JSON API only (the pages are HTML)."""

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return JSONResponse(app.openapi_schema)


def _problem_json(status: int, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status)


def _error_page(
    request: Request, status: int, title: str, message: str, *, hooks: bool = True
) -> Response:
    if _wants_json(request):
        return _problem_json(status, message)
    context = {"title": title, "message": message}
    return render(request, "errors/error.html", context, status_code=status, hooks=hooks)


#: pydantic's names for the branch of a union or the kind of a validator, in error locations
_LOC_TAGS = re.compile(
    r"^(int|str|float|bool|list|dict|date|datetime|decimal|none|json-or-python|"
    r"lax-or-strict|constrained-[a-z]+|[a-z-]+\[.*\])$"
)


def _error_field(err: Any) -> str:
    """The field of a framework validation error, as the API names it (``symptoms.aches``)."""
    loc = [str(part) for part in err.get("loc", ())[1:]]
    return ".".join(loc[:1] + [part for part in loc[1:] if not _LOC_TAGS.match(part)])


def _error_reason(err: Any) -> str:
    reason = str(err.get("msg", "is not valid"))
    return reason.removeprefix("Value error, ")


def _page_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", None) or request.url.path)


def problem_dicts(problems: Any, path: str = "") -> list[dict[str, Any]]:
    """The one problem shape of every 422: ``{"field", "question", "reason", "row"}``
    (``question``: the field as the person saw it on the page; web.questions)."""
    return [
        {
            "field": p.field,
            "question": question_for(p.field, path),
            "reason": p.reason,
            "row": p.row,
        }
        for p in problems
    ]


def _problems_response(request: Request, problems: list[dict[str, Any]]) -> Response:
    detail = "; ".join(f"{p['question']}: {p['reason']}" for p in problems)
    if _wants_json(request):
        return _problem_json(422, detail or "invalid request", problems=problems)
    return render(
        request,
        "errors/error.html",
        {"title": N_("Please check"), "message": "", "problems": problems},
        status_code=422,
    )


def _add_error_handlers(app: FastAPI) -> None:
    """Plain ``def`` handlers: Starlette runs them in the thread pool, since an error
    page reads the session and the context hooks from the store (never on the event
    loop: a wait for a lock there would stall every request)."""

    @app.exception_handler(StageRequired)
    def stage_required(request: Request, exc: StageRequired) -> Response:
        if _wants_json(request):
            return _problem_json(401, "finish logging in", next=exc.path)
        return RedirectResponse(exc.path, status_code=303)

    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return _problem_json(401, "log in first")
        from urllib.parse import urlencode

        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        query = "?" + urlencode({"next": target}) if request.method == "GET" else ""
        return apply_cookie(request, RedirectResponse(f"/login{query}", status_code=303))

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return _error_page(
            request, 404, N_("Not found"), N_("There is nothing here, or not for you.")
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(
                request, 404, N_("Not found"), N_("There is nothing here, or not for you.")
            )
        if exc.status_code == 405:
            return _error_page(
                request, 405, N_("Not allowed"), N_("This address does not take that.")
            )
        if exc.status_code == 413:
            return _error_page(request, 413, N_("Too large"), str(exc.detail))
        return _error_page(request, exc.status_code, N_("Error"), str(exc.detail))

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, N_("Not allowed"), str(exc))

    @app.exception_handler(CsrfRefused)
    def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return _error_page(request, 403, getattr(exc, "title", N_("Form expired")), str(exc))

    @app.exception_handler(KeyRefused)
    def key_refused(request: Request, exc: KeyRefused) -> Response:
        return _error_page(request, 422, N_("Not sent"), str(exc))

    @app.exception_handler(InvalidInput)
    def invalid_input(request: Request, exc: InvalidInput) -> Response:
        return _problems_response(request, problem_dicts(exc.problems, _page_path(request)))

    @app.exception_handler(RequestValidationError)
    def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        if any(err.get("loc", ("",))[0] == "path" for err in errors):
            # an id that cannot be one (0, 2**63, "abc"): there is nothing at that address
            return _error_page(
                request, 404, N_("Not found"), N_("There is nothing here, or not for you.")
            )
        found = [Problem(_error_field(err), _error_reason(err)) for err in errors]
        by_field = {p.field: p for p in reversed(found)}  # the first reason per field
        problems = [by_field[f] for f in dict.fromkeys(p.field for p in found)]
        return _problems_response(request, problem_dicts(problems, _page_path(request)))

    @app.exception_handler(TotpKeyUnavailable)
    def totp_key_unavailable(request: Request, exc: TotpKeyUnavailable) -> Response:
        # The operator's sentence (the file and the reason; never a key or a secret)
        # goes to the log; the page says only what the person can do.
        log.error("two-step login unavailable: %s", exc)
        return _error_page(
            request,
            503,
            "Two-step login is unavailable",
            "This server cannot check two-step login codes right now: its key file is "
            "missing or damaged. Nothing was changed. Tell whoever runs this server.",
            hooks=False,
        )

    @app.exception_handler(StoreBusy)
    def store_busy(request: Request, exc: StoreBusy) -> Response:
        # SQLite's write lock was not had in time (storage.database): nothing was
        # written; the phone's outbox and any client may send the same again later.
        response = _error_page(request, 503, "Busy, please try again", str(exc), hooks=False)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    @app.exception_handler(NightbridgeError)
    def nightbridge_error(request: Request, exc: NightbridgeError) -> Response:
        return _error_page(request, 400, N_("Cannot do that"), str(exc))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> Response:
        # Logged once, without its message, by web.security.LastResort.
        return _error_page(
            request,
            500,
            N_("Something went wrong"),
            N_("Your last action may not have been saved. Please try again."),
            hooks=False,
        )
