"""Where the app finds its routers and template context hooks: add ONE line here.

``ROUTER_MODULES``: modules under ``nightbridge.web.routes`` that expose ``router``
(a FastAPI ``APIRouter``); a listed name without its module is an error. Every route must
also get an entry in
``tests/web/route_table.py`` (a test enumerates ``app.routes`` and fails otherwise).

``CONTEXT_HOOKS``: ``"module:function"`` names; each ``function(request, actor)`` returns
a dict merged into every page's template context (for example ``{"alerts": [...]}``,
shown by ``_alerts.html`` at the top of every page).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

ROUTER_MODULES: tuple[str, ...] = (
    # platform (accounts, sharing, admin, JSON API for them)
    "auth",
    "account",
    "language",
    "sharing",
    "admin",
    "api_auth",
    "clinics",
    "api_clinics",
    # the person's and the clinician's pages (one line each)
    "today",
    "diary",
    "checkin",
    "questionnaires",
    "trends",
    "evening",
    "log",
    "plan",
    "taper",
    "safety_profile",
    "clinician",
    "api_person",
    "api_clinician",
    "reports",
    "device_import",
    "nights",
    # toolkit
    "program",
    "relax",
    "relapse",
    "toolkit_api",
    "help_now",
    # the app shell (service worker)
    "app_shell",
)

CONTEXT_HOOKS: tuple[str, ...] = ("nightbridge.web.routes.today:page_alerts",)

ContextHook = Callable[[Any, Any], dict[str, Any]]


def include_routers(app: FastAPI, modules: tuple[str, ...] = ROUTER_MODULES) -> list[str]:
    """Include each listed router; return the module names included."""
    for short in modules:
        app.include_router(importlib.import_module(f"nightbridge.web.routes.{short}").router)
    return list(modules)


def load_context_hooks(names: tuple[str, ...] = CONTEXT_HOOKS) -> list[ContextHook]:
    hooks: list[ContextHook] = []
    for name in names:
        module_name, _, attr = name.partition(":")
        hooks.append(getattr(importlib.import_module(module_name), attr))
    return hooks


def iter_routes(app: FastAPI) -> list[tuple[str, frozenset[str], Any]]:
    """Every route of the app as ``(path, methods, route)``, routers flattened.

    (FastAPI includes routers lazily, so ``app.routes`` holds router wrappers; this
    walks into them.) Mounts such as ``/static`` are listed with no methods.
    """
    found: list[tuple[str, frozenset[str], Any]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
                continue
            found.append(
                (
                    getattr(route, "path", ""),
                    frozenset(getattr(route, "methods", None) or ()),
                    route,
                )
            )

    walk(list(app.routes))
    return found
