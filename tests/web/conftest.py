"""Web fixtures: the app on a fresh SQLite store, and the personas of STYLE.md.

Personas (healthchecks' Alice/Bob/Charlie, our names): ``patient_a``, ``patient_b``,
``clinician_a`` (invited by patient A), ``clinician_x`` (not invited), ``admin`` and
``anonymous``. Clinician A is the clinic admin of "Test Clinic", which nobody shares
with yet, and has invited clinician X to it (open): ``clinician_a.extra`` holds
``clinic_id``, ``member_id`` (A's membership) and ``clinic_invite_id``. Each has its own
logged-in ``TestClient`` (its own cookie jar) on
``https://testserver`` (``__Host-`` cookies need a secure origin); clinicians and the
admin log in with a real TOTP code from pyotp.

Tests use cheap argon2 parameters (1 MiB, t=1) so the suite stays fast on two cores;
``test_security.py`` checks that the PRODUCTION defaults meet 19 MiB, t=2, p=1.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import AuthPolicy, verify_totp
from nightbridge.services.accounts.sharing import create_invite, list_shares, redeem_invite
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.clinic.clinics import clinic_detail, create_clinic, invite_clinician
from nightbridge.storage.database import Database
from nightbridge.storage.tables.accounts import WebSessionRow
from nightbridge.web.app import Settings, create_app
from nightbridge.web.sessions import COOKIE_NAME

BASE_URL = "https://testserver"
PASSWORD = "correct horse battery staple"
FAST_AUTH = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
#: A person who answered the first-login step: zone and region chosen, "none of these".
ANSWERED = Profile(screened=True, located=True)
PERSONA_NAMES = ("patient_a", "patient_b", "clinician_a", "clinician_x", "admin", "anonymous")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: An ordinary night as the morning diary form sends it (add its "date").
NIGHT_FORM = {
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": "3",
}


def main_of(html: str) -> str:
    """The page from its <main> on (past the menu and the banners)."""
    return html[html.index("<main") :]


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no csrf_token field"
    return found.group(1)


@dataclass
class Persona:
    name: str
    role: str
    client: TestClient
    account_id: int | None = None
    person_id: int | None = None
    username: str = ""
    totp_secret: str | None = None
    csrf_token: str = ""
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(self.account_id, self.role, self.person_id)

    def post_form(self, url: str, data: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        """POST a form as the browser would: with the page's CSRF token."""
        return self.client.post(url, data={"csrf_token": self.csrf_token, **(data or {})}, **kw)

    def send(self, method: str, url: str, **kw: object):  # type: ignore[no-untyped-def]
        """Any request, with the CSRF header an API client sends (plus ``headers``)."""
        headers = {"X-CSRF-Token": self.csrf_token, **dict(kw.pop("headers", None) or {})}  # type: ignore[call-overload]
        return self.client.request(method, url, headers=headers, **kw)


@dataclass
class Personas:
    app: FastAPI
    database: Database
    by_name: dict[str, Persona]

    def __getattr__(self, name: str) -> Persona:
        try:
            return self.__dict__["by_name"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def web_settings() -> Settings:
    return Settings(auth=FAST_AUTH)


@pytest.fixture
def app(sqlite_database: Database, web_settings: Settings) -> FastAPI:
    return create_app(sqlite_database, settings=web_settings)


def new_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, follow_redirects=False)


def login(client: TestClient, username: str, password: str, totp_secret: str | None = None) -> str:
    """Log in through the real pages; returns the logged-in session's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200, page.text
    response = client.post(
        "/login",
        data={"csrf_token": csrf_from(page.text), "username": username, "password": password},
    )
    assert response.status_code == 303, response.text
    if totp_secret is not None:
        assert response.headers["location"].startswith("/login/totp")
        page = client.get(response.headers["location"])
        code = pyotp.TOTP(totp_secret).now()
        response = client.post(
            "/login/totp", data={"csrf_token": csrf_from(page.text), "code": code}
        )
        assert response.status_code == 303, response.text
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    return str(me.json()["csrf_token"])


def test_keys() -> TotpKeys:
    """The TOTP key file of apps made with ``Settings()`` in this test run (its default
    place under the run's own data folder: tests/conftest.py)."""
    return TotpKeys.of(Settings())


test_keys.__test__ = False  # type: ignore[attr-defined]


def enrol_totp(database: Database, account_id: int, keys: TotpKeys | None = None) -> str:
    """Set up TOTP for an account (confirmed with the PREVIOUS step's code, so the
    login that follows can use the current one); the secret is sealed with ``keys``
    (default: the test run's key file)."""
    secret = pyotp.random_base32()
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
    code = pyotp.TOTP(secret).at(earlier)
    verify_totp(
        database,
        FAST_AUTH,
        account_id,
        code,
        keys=keys or test_keys(),
        confirm=True,
        pending=secret,
        now=earlier,
    )
    return secret


def make_personas(app: FastAPI, database: Database) -> Personas:
    by_name: dict[str, Persona] = {}
    for name, role, display in (
        ("patient_a", "person", "Ana"),
        ("patient_b", "person", "Ben"),
        ("clinician_a", "clinician", ""),
        ("clinician_x", "clinician", ""),
        ("admin", "admin", ""),
    ):
        username = name.replace("_", "-")
        account_id = create_account(
            database,
            FAST_AUTH,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=display,
            # the personas have answered the first-login questions (none of these)
            profile=ANSWERED if role == "person" else None,
        )
        persona = Persona(name, role, new_client(app), account_id=account_id, username=username)
        if role != "person":
            persona.totp_secret = enrol_totp(database, account_id)
        persona.csrf_token = login(persona.client, username, PASSWORD, persona.totp_secret)
        me = persona.client.get("/api/me").json()
        persona.person_id = me["person_id"]
        by_name[name] = persona
    by_name["anonymous"] = Persona("anonymous", "anonymous", new_client(app))
    a, clinician = by_name["patient_a"], by_name["clinician_a"]
    invite = create_invite(database, a.actor)
    redeem_invite(database, clinician.actor, invite.code)
    a.extra["share_id"] = list_shares(database, a.actor)[0].id
    clinic = create_clinic(
        database, by_name["admin"].actor, name="Test Clinic", admin_username=clinician.username
    )
    clinician.extra["clinic_id"] = clinic.id
    clinician.extra["member_id"] = clinic_detail(database, clinician.actor, clinic.id).members[0].id
    invite = invite_clinician(
        database, clinician.actor, clinic.id, username=by_name["clinician_x"].username
    )
    clinician.extra["clinic_invite_id"] = invite.id
    return Personas(app, database, by_name)


@dataclass(frozen=True)
class _Saved:
    name: str
    role: str
    account_id: int | None
    person_id: int | None
    username: str
    totp_secret: str | None
    csrf_token: str
    cookie: str | None
    extra: dict[str, int]


@pytest.fixture(scope="session")
def _personas_template(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path
) -> tuple[Path, list[_Saved]]:
    """A store with the personas created and logged in, built once per worker and
    copied for each test (logging five people in per test would dominate the run)."""
    path = tmp_path_factory.mktemp("personas") / "personas.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    built = make_personas(create_app(database, settings=Settings(auth=FAST_AUTH)), database)
    saved = [
        _Saved(
            p.name,
            p.role,
            p.account_id,
            p.person_id,
            p.username,
            p.totp_secret,
            p.csrf_token,
            p.client.cookies.get(COOKIE_NAME),
            dict(p.extra),
        )
        for p in built.by_name.values()
    ]
    for persona in built.by_name.values():
        persona.client.close()
    database.dispose()  # a pooled connection that last wrote may refuse the checkpoint
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path, saved


@pytest.fixture
def personas(
    tmp_path: Path, _personas_template: tuple[Path, list[_Saved]], web_settings: Settings
) -> Iterator[Personas]:
    """The six personas, logged in, on a fresh copy of the persona store."""
    template, saved = _personas_template
    path = tmp_path / "personas.sqlite3"
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    with database.transaction() as session:  # the template may be older than the idle timeout
        now = dt.datetime.now(dt.UTC)
        session.execute(update(WebSessionRow).values(created_at=now, last_seen_at=now))
    app = create_app(database, settings=web_settings)
    by_name: dict[str, Persona] = {}
    for s in saved:
        client = new_client(app)
        if s.cookie:
            client.cookies.set(COOKIE_NAME, s.cookie)
        by_name[s.name] = Persona(
            s.name,
            s.role,
            client,
            account_id=s.account_id,
            person_id=s.person_id,
            username=s.username,
            totp_secret=s.totp_secret,
            csrf_token=s.csrf_token,
            extra=dict(s.extra),
        )
    yield Personas(app, database, by_name)
    for persona in by_name.values():
        persona.client.close()
    database.dispose()
