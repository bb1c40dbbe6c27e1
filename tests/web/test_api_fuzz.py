"""The API as documented (issue 12 item 11): a bounded schemathesis run.

Every operation of ``/api/openapi.json`` gets cases generated from its own schema
(parameters, bodies), sent to the live app logged in as a person and as a clinician
with a shared person, anonymously for the login operations. Each answer is checked:
not a server error, a status the document lists, a body matching the document's schema
for that status (the 422 included), and the content type it declares. Bounded
(``MAX_EXAMPLES`` cases per operation and persona) so that it stays a minute or two of
CPU inside ``make test``; the counts are printed (``-s``) and kept in docs/security.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from nightbridge.web.sessions import COOKIE_NAME
from tests.web.conftest import Persona, Personas

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
#: Operations not sent with a session: logging out would end the run's own session.
SKIP = {("POST", "/api/auth/logout")}
ANONYMOUS = {("POST", "/api/auth/login"), ("POST", "/api/auth/totp")}


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def _headers(persona: Persona | None) -> dict[str, str]:
    if persona is None:
        return {}
    cookie = persona.client.cookies.get(COOKIE_NAME)
    return {"Cookie": f"{COOKIE_NAME}={cookie}", "X-CSRF-Token": persona.csrf_token}


def _run(operation: Any, persona: Persona | None, tally: Tally) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    headers = _headers(persona)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        tally.cases += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # FailureGroup: each failed check
            who = persona.name if persona else "anonymous"
            tally.failures.append(f"{label} as {who}: {response.status_code} {exc}"[:600])

    check()
    tally.operations.add(label)


@pytest.mark.slow
def test_every_api_operation_answers_as_its_document_says(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", personas.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    tally = Tally()
    started, cpu = time.monotonic(), time.process_time()
    for who in ("clinician_a", "patient_a"):  # the person last: they may revoke the share
        for operation in operations:
            key = (operation.method.upper(), operation.path)
            if key in SKIP:
                continue
            _run(operation, None if key in ANONYMOUS else personas.by_name[who], tally)
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(tally.operations)} operations, {tally.cases} cases, "
            f"{len(tally.failures)} failures, {time.monotonic() - started:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU)"
        )
    assert len(tally.operations) == len({(o.method, o.path) for o in operations}) - len(SKIP)
    assert tally.failures == [], "\n".join(tally.failures[:20])
