"""A clinic on each store: a person (with a name, a substance and answers to find in an
email that must not hold them) who shares with a clinician, and the settings that send
to the local SMTP server (tests/smtp.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.sharing import create_invite, redeem_invite
from nightbridge.settings import AuthPolicy, Settings
from nightbridge.storage.database import Database
from tests.smtp import LocalSmtp, settings_for

FAST = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
ZONE = "America/Denver"
#: The person's today, and the sender's "now": alerts are emailed for recent days only
#: (by the real clock), and a notice is due from when it was saved (the real clock), so
#: the sender is given times from a few hours after the saves on, however long the run.
_STARTED = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = _STARTED.astimezone(ZoneInfo(ZONE)).date()
NOW = _STARTED + dt.timedelta(hours=6)
NAME = "Marisol Quintero"
PUBLIC_URL = "https://nightbridge.clinic.example"


@dataclasses.dataclass
class Clinic:
    database: Database
    clinician: Actor
    person_ids: list[int]

    def add_person(self, name: str, *, share: bool = True) -> int:
        username = name.lower().replace(" ", "-")
        account = create_account(
            self.database,
            FAST,
            username=username,
            password="correct horse battery staple",
            role="person",
            display_name=name,
            profile=Profile(tz=ZONE, region="US", screened=True, located=True),
        )
        from nightbridge.storage.tables.accounts import AccountRow

        with self.database.reader() as session:
            person_id = session.get(AccountRow, account).person_id  # type: ignore[union-attr]
        assert person_id is not None
        if share:
            invite = create_invite(self.database, Actor(account, "person", person_id))
            redeem_invite(self.database, self.clinician, invite.code)
        self.person_ids.append(person_id)
        return person_id


def open_clinic(database: Database) -> Clinic:
    """A clinician, and NAME who shares with them."""
    clinician = create_account(
        database,
        FAST,
        username="dr-lee",
        password="correct horse battery staple",
        role="clinician",
    )
    built = Clinic(database, Actor(clinician, "clinician", None), [])
    built.add_person(NAME)
    return built


@pytest.fixture
def clinic(database: Database) -> Clinic:
    return open_clinic(database)


@pytest.fixture
def postgres_clinic(request: pytest.FixtureRequest) -> Clinic:
    """The clinic on PostgreSQL only (for what only PostgreSQL does: SKIP LOCKED)."""
    from tests.conftest import _empty_postgres

    db = request.getfixturevalue("_postgres_database")
    _empty_postgres(db)
    return open_clinic(db)


@pytest.fixture
def mail_settings(smtp_server: LocalSmtp) -> Settings:
    return Settings(public_url=PUBLIC_URL, smtp=settings_for(smtp_server))
