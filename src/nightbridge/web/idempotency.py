"""The idempotency key on the forms and the JSON API (services/sync/idempotency.py).

Forms carry ``idempotency_key`` (a hidden field from the ``form_key()`` macro, new on
each page; the outbox script renews it for each form it keeps); the JSON API takes the
``Idempotency-Key`` header (draft-ietf-httpapi-idempotency-key-header). Without a key a
write simply runs. With one, a repeat gets the first response: the same redirect for a
form, the same status and JSON body (plus ``Idempotent-Replayed: true``) for the API.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from nightbridge.services.sync.idempotency import run_once
from nightbridge.storage.database import Database
from nightbridge.web.deps import Scope

FORM_FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
#: Fields that say nothing about what was written (left out of the fingerprint).
_NOT_CONTENT = frozenset({FORM_FIELD, "csrf_token"})


def new_form_key() -> str:
    """A fresh key for one form (the ``form_key()`` macro)."""
    return secrets.token_urlsafe(18)


def _route(request: Request) -> str:
    return f"{request.method} {request.url.path}"


def submit_form_once(
    request: Request,
    db: Database,
    scope: Scope,
    form: FormData,
    write: Callable[[Database], str],
) -> Response:
    """Run ``write`` (it returns where to go next) once per form key; answer 303 there.

    ``InvalidInput`` from ``write`` propagates (the route shows the form again)."""
    key = str(form.get(FORM_FIELD, "")).strip()
    if not key:
        return RedirectResponse(write(db), status_code=303)
    content = [(k, str(v)) for k, v in form.multi_items() if k not in _NOT_CONTENT]
    outcome = run_once(
        db,
        account_id=scope.actor.account_id or 0,
        key=key,
        route=_route(request),
        content=content,
        write=lambda keyed: (303, write(keyed)),
    )
    # Stored, but its redirect not yet kept (a copy racing the first): the form's page.
    return RedirectResponse(outcome.response or request.url.path, status_code=303)


def send_json_once(
    request: Request,
    db: Database,
    scope: Scope,
    body: Any,
    write: Callable[[Database], Any],
    *,
    status_code: int = 201,
) -> Response:
    """Run ``write`` (it returns the JSON answer) once per ``Idempotency-Key``."""
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(write(db), status_code=status_code)
    sent = json.dumps(body.model_dump(mode="json"), sort_keys=True)

    def keep(keyed: Database) -> tuple[int, str]:
        return status_code, json.dumps(write(keyed))

    outcome = run_once(
        db,
        account_id=scope.actor.account_id or 0,
        key=key.strip(),
        route=_route(request),
        content=[("json", sent)],
        write=keep,
    )
    if outcome.response is None:
        response: Response = JSONResponse({"detail": "already stored"}, status_code=200)
    else:
        response = Response(
            outcome.response,
            status_code=outcome.status_code or status_code,
            media_type="application/json",
        )
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
