"""The OpenAPI document of the JSON API (``/api/openapi.json``), as the API really is.

FastAPI's document describes the routes' parameters and bodies; this adds what the app
does around them (issue 12 item 11), so that a client, or a schema-driven fuzzer, can
trust it:

- how a request is authenticated: the session cookie, and the CSRF token header on
  every unsafe method (``web.csrf``), as security schemes (not parameters: they are
  the session's, not the operation's);
- the answers every operation can give besides its own: 401 (not logged in), 403 (a
  stale CSRF token, or not allowed), 404 (nothing there, or not for you), 413 (a body
  over the limit) and 422 in the app's one problem shape ``{"detail", "problems":
  [{"field", "question", "reason", "row"}]}`` (``web.app.problem_dicts``), instead of
  the framework's ``HTTPValidationError``, which the app never sends;
- 400 where a rule of the app refuses what was asked (``NightbridgeError``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from nightbridge.web import registry
from nightbridge.web.csrf import HEADER, JSON_EXEMPT, SAFE_METHODS
from nightbridge.web.sessions import COOKIE_NAME

DESCRIPTION = (
    "Log in with POST /api/auth/login (and /api/auth/totp for clinicians and admins); the "
    "session cookie then authenticates, and every POST/PUT/PATCH/DELETE carries the "
    "csrf_token in X-CSRF-Token. Bad input answers 422 with {detail, problems: [{field, "
    "question, reason, row}]} and stores nothing."
)

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
PROBLEMS = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "question": {"type": "string"},
                    "reason": {"type": "string"},
                    "row": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
                "required": ["field", "question", "reason", "row"],
            },
        },
    },
    "required": ["detail"],
}
#: The answers any operation can give, beside its own.
COMMON = {
    "400": "A rule of the app refuses what was asked",
    "401": "Not logged in (or the login is not finished)",
    "403": "The CSRF token is missing or stale, or this is not allowed",
    "404": "Nothing there, or not for you",
    "413": "The body is over the size limit",
}


def _json(schema_name: str, description: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document of the ``/api/`` routes (the pages are HTML and not in it)."""
    routes = [r for p, _, r in registry.iter_routes(app) if p.startswith("/api/")]
    document = get_openapi(
        title="Nightbridge API", version="1", description=DESCRIPTION, routes=routes
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR
    schemas["Problems"] = PROBLEMS
    components["securitySchemes"] = {
        "session": {"type": "apiKey", "in": "cookie", "name": COOKIE_NAME},
        "csrf": {"type": "apiKey", "in": "header", "name": HEADER},
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses["422"] = _json("Problems", "A value was refused (each problem named)")
            for status, description in COMMON.items():
                responses.setdefault(status, _json("Error", description))
            if path in JSON_EXEMPT:
                operation["security"] = []
            elif method.upper() in SAFE_METHODS:
                operation["security"] = [{"session": []}]
            else:
                operation["security"] = [{"session": [], "csrf": []}]
    return document
