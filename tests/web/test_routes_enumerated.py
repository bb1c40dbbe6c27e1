"""Every route has an ownership entry, and every entry holds for every persona.

A person never reads or writes another's data; an uninvited clinician gets 404; an
admin sees no health data; anonymous is sent to /login (pages) or gets 401 (API).
"""

from __future__ import annotations

import re

import httpx
import pytest

from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from nightbridge.web.registry import iter_routes
from tests.web.conftest import FAST_AUTH, PERSONA_NAMES, Personas
from tests.web.route_table import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    ROUTES,
    UNAUTHORIZED,
    Entry,
)


def _route_list() -> list[tuple[str, str]]:
    database = Database("sqlite://")
    try:
        app = create_app(database, settings=Settings(auth=FAST_AUTH))
        return [
            (method, path)
            for path, methods, _ in iter_routes(app)
            for method in methods
            if method != "HEAD"
        ]
    finally:
        database.dispose()


def test_no_two_routes_share_a_method_and_path() -> None:
    routes = _route_list()
    twice = sorted({r for r in routes if routes.count(r) > 1})
    assert not twice, f"routes defined twice (the first one wins silently): {twice}"


def _app_routes() -> set[tuple[str, str]]:
    database = Database("sqlite://")
    try:
        app = create_app(database, settings=Settings(auth=FAST_AUTH))
        return {
            (method, path)
            for path, methods, _ in iter_routes(app)
            for method in methods
            if method != "HEAD"
        }
    finally:
        database.dispose()


APP_ROUTES = _app_routes()


def test_every_route_has_an_ownership_entry() -> None:
    missing = sorted(APP_ROUTES - ROUTES.keys(), key=lambda r: (r[1], r[0]))
    assert not missing, (
        "routes without an entry in tests/web/route_table.py (add one line each, "
        f"see docs/web.md 'How to add a page'): {missing}"
    )


def test_the_table_names_no_route_that_does_not_exist() -> None:
    stale = sorted(ROUTES.keys() - APP_ROUTES, key=lambda r: (r[1], r[0]))
    assert not stale, f"entries for routes the app does not have: {stale}"


def test_every_entry_covers_every_persona() -> None:
    for key, found in ROUTES.items():
        assert set(found.expect) == set(PERSONA_NAMES), key


def outcome_of(response: httpx.Response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return LOGIN if response.headers["location"].startswith("/login") else OK
    if status == 401:
        return UNAUTHORIZED
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status < 500 and status != 405:
        return OK
    return f"status {status}"


def fill_path(path: str, found: Entry, personas: Personas) -> str:
    values = {
        "person_id": str(personas.patient_a.person_id),
        "share_id": str(personas.patient_a.extra["share_id"]),
        "account_id": str(personas.patient_b.account_id),
        "clinic_id": str(personas.clinician_a.extra["clinic_id"]),
        "member_id": str(personas.clinician_a.extra["member_id"]),
        "invite_id": str(personas.clinician_a.extra["clinic_invite_id"]),
        **found.params,
    }

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name not in values:
            raise KeyError(f"give params={{'{name}': ...}} for {path} in route_table.py")
        return values[name]

    return re.sub(r"\{([^}]+)\}", replace, path)


CASES = [
    pytest.param(method, path, persona, id=f"{method} {path} as {persona}")
    for (method, path) in sorted(ROUTES, key=lambda r: (r[1], r[0]))
    for persona in PERSONA_NAMES
]


@pytest.mark.parametrize(("method", "path", "persona"), CASES)
def test_each_persona_gets_what_the_table_says(
    method: str, path: str, persona: str, personas: Personas
) -> None:
    found = ROUTES[(method, path)]
    who = personas.by_name[persona]
    url = fill_path(path, found, personas)
    kwargs: dict[str, object] = {}
    if found.form is not None:
        kwargs["data"] = dict(found.form)
    if found.json is not None:
        kwargs["json"] = found.json
    response = who.send(method, url, **kwargs)
    assert outcome_of(response) == found.expect[persona], (
        f"{method} {url} as {persona}: HTTP {response.status_code} "
        f"{response.headers.get('location', '')} {response.text[:300]}"
    )
