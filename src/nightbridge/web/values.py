"""The request-level check of every value a request carries, before any route sees it.

``check_values`` is an app-wide dependency (after the CSRF check): every query parameter,
path parameter, form field and JSON value, keys included, is held to the rules of
``core.values``: text without control characters or broken characters, whole numbers
that fit the store's integers, finite numbers of a sane size. A value that breaks one is
refused with 422 naming the field and the question as the person saw it
(``web.questions``), and nothing runs: no permission check, no service, no write.

The JSON API's models add what needs the field's type (``web.models.ApiModel``: ``true``
where a number belongs, dates outside the usable years); the parsers of ``core`` and the
storage guard (``storage.guard``) hold the same rules for the CLI and for anything
that reaches the store another way.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import int_problem, number_problem, text_problem
from nightbridge.web.csrf import STREAMED_UPLOADS

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: How deep a JSON body may nest (no model here is deeper than 3).
MAX_DEPTH = 32


def _join(prefix: str, part: str | int) -> str:
    return f"{prefix}.{part}" if prefix else str(part)


def walk_json(value: Any, field: str, problems: list[Problem], depth: int = 0) -> None:
    """Every problem of a parsed JSON value (keys and values), named by its path."""
    if depth > MAX_DEPTH:
        problems.append(Problem(field, "is nested too deeply"))
        return
    if isinstance(value, str):
        reason = text_problem(value)
        if reason:
            problems.append(Problem(field, reason))
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        reason = int_problem(value)
        if reason:
            problems.append(Problem(field, reason))
    elif isinstance(value, float):
        reason = number_problem(value)
        if reason:
            problems.append(Problem(field, reason))
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = text_problem(str(key))
            if reason:
                problems.append(Problem(_join(field, "(a name)"), reason))
                continue
            walk_json(item, _join(field, key), problems, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walk_json(item, _join(field, index), problems, depth + 1)


def _texts(pairs: Any, problems: list[Problem]) -> None:
    for key, value in pairs:
        reason = text_problem(str(key))
        if reason:
            problems.append(Problem("(a field name)", reason))
        elif isinstance(value, str):
            reason = text_problem(value)
            if reason:
                problems.append(Problem(str(key), reason))


async def check_values(request: Request) -> None:
    """App-wide dependency: refuse a request carrying a value no route may take (422)."""
    problems: list[Problem] = []
    _texts(request.query_params.multi_items(), problems)
    _texts(request.path_params.items(), problems)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in JSON_TYPES:
        try:
            body = await request.json()
        except ValueError:
            body = None  # malformed JSON: the framework refuses it (422) by itself
        walk_json(body, "", problems)
    elif content_type in FORM_TYPES and request.url.path not in STREAMED_UPLOADS:
        form = await request.form()
        _texts(form.multi_items(), problems)
    if problems:
        raise InvalidInput(problems)
