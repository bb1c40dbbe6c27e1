"""No page, and no API message meant for people, shows a reference to the docs
("definitions.md section 4"), a raw state (``defer``, ``collect``, ``advise``) or an
internal code (``kratom_high``, ``red_flag_chest_pain``) to anyone (issue 10 item 12,
hazard H18).

Every GET page of the ownership table (tests/web/route_table.py) and the HTML reports
are rendered on the demo data, as Sam (the person), Dr. Lee (the clinician Sam shares
with) and an admin, and their visible text (and placeholders, titles and labels) and the
API's texts for people searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.demo.demo import DemoLogins, load_demo
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.web.app import Settings, create_app
from tests.web.conftest import FAST_AUTH, PASSWORD, enrol_totp, login, new_client, test_keys
from tests.web.route_table import OK, ROUTES

#: What must never reach a person, with what it is.
LEAKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"definitions\.md|\bdocs/|\bsection \d", re.I), "a reference to the docs"),
    (re.compile(r"\b(defer|collect|advise)\b"), "a raw state or level"),
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "an internal code"),
)
#: The demo's personas stand in for the table's: Sam for patient_a, Dr. Lee for clinician_a.
AS = {"person": "patient_a", "clinician": "clinician_a", "admin": "admin"}
#: JSON keys whose text is written for people.
PEOPLE_KEYS = frozenset({"message", "reasons", "detail", "why", "reason", "title", "for_clinician"})
#: The HTML reports too (the person's, and the clinician's with its findings table).
REPORTS = {
    "person": "/report?format=html&download=1",
    "clinician": "/clinician/people/{person_id}/report?format=html&download=1",
}
SKIP = ("/sw.js", "/manifest.webmanifest", "/program/reminders.ics", "/api/openapi.json")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def people_text(document: Any) -> Iterator[str]:
    """The strings of an API answer that are written for people."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in PEOPLE_KEYS and isinstance(value, str):
                yield value
            elif key in PEOPLE_KEYS and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from people_text(value)
    elif isinstance(document, list):
        for item in document:
            yield from people_text(item)


def leaks_in(text: str) -> list[str]:
    found = []
    for pattern, what in LEAKS:
        for hit in pattern.finditer(text):
            around = text[max(0, hit.start() - 60) : hit.end() + 40].replace("\n", " ")
            found.append(f"{what}: {hit.group(0)!r} in ...{' '.join(around.split())}...")
    return found


@pytest.fixture(scope="module")
def demo_clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, TestClient], DemoLogins]]:
    """The demo (two weeks, ending today) with Sam, Dr. Lee and an admin logged in."""
    path = tmp_path_factory.mktemp("demo-words") / "demo.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    logins = load_demo(database, keys=test_keys(), days=14, policy=FAST_AUTH)
    admin_id = create_account(
        database, FAST_AUTH, username="admin-words", password=PASSWORD, role="admin"
    )
    admin_secret = enrol_totp(database, admin_id)
    with database.transaction() as session:  # the demo confirmed its code this very step
        session.execute(update(AccountRow).values(totp_last_step=None))
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    clients = {role: new_client(app) for role in AS}
    login(clients["person"], logins.person_email, logins.person_password)
    login(
        clients["clinician"],
        logins.clinician_email,
        logins.clinician_password,
        logins.clinician_totp_secret,
    )
    login(clients["admin"], "admin-words", PASSWORD, admin_secret)
    yield clients, logins
    for client in clients.values():
        client.close()
    database.dispose()


def _pages(role: str, person_id: int, clinic_id: int = 0) -> list[str]:
    urls = []
    for (method, path), entry in sorted(ROUTES.items(), key=lambda r: r[0][1]):
        if method != "GET" or entry.expect.get(AS[role]) != OK or path.startswith(SKIP):
            continue
        if path.startswith("/login"):
            continue  # the login steps of someone already logged in only redirect
        url = path.replace("{person_id}", str(person_id)).replace("{clinic_id}", str(clinic_id))
        for name, value in entry.params.items():
            url = url.replace("{" + name + "}", value)
        urls.append(url)
    if role in REPORTS:
        urls.append(REPORTS[role].replace("{person_id}", str(person_id)))
    return urls


@pytest.mark.slow
@pytest.mark.parametrize("role", ["clinician", "admin", "person"])  # person last: its
# activity page then lists what the clinician looked at
def test_no_page_or_message_shows_a_doc_reference_raw_state_or_code(
    demo_clients: tuple[dict[str, TestClient], DemoLogins], role: str
) -> None:
    clients, logins = demo_clients
    client = clients[role]
    found: list[str] = []
    seen = 0
    for url in _pages(role, logins.person_id, logins.clinic_id):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, (url, response.status_code)
        seen += 1
        if url.startswith("/api/"):
            texts = list(people_text(response.json()))
        else:
            texts = [visible_text(response.text)]
        found += [f"{url}: {leak}" for text in texts for leak in leaks_in(text)]
    assert seen >= (3 if role == "admin" else 10)
    assert not found, "\n".join(found)
