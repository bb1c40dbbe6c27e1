"""services.audit: rows for the person's "who looked" list, newest first."""

from __future__ import annotations

import datetime as dt

from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.services.audit import list_person_events, record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_events_come_back_newest_first_with_the_actors_name(database: Database) -> None:
    with database.transaction() as session:
        a = PersonRepository(session).create(Profile(), display_name="Ana")
        b = PersonRepository(session).create(Profile(), display_name="Ben")
        lee = AccountRepository(session).create("dr-lee", "h", "clinician", None).id
        for minute, (person, outcome) in enumerate([(a, "allowed"), (b, "allowed"), (a, "denied")]):
            record_event(
                session,
                Actor(lee, "clinician"),
                person_id=person,
                action="read",
                object="GET /x",
                outcome=outcome,
                now=T0 + dt.timedelta(minutes=minute),
            )
        record_event(
            session,
            Actor(None, "anonymous"),
            person_id=a,
            action="read",
            object="GET /y",
            outcome="denied",
            now=T0 + dt.timedelta(minutes=9),
        )
    events = list_person_events(database, a)
    assert [(e.actor, e.outcome, e.at) for e in events] == [
        ("", "denied", T0 + dt.timedelta(minutes=9)),
        ("dr-lee", "denied", T0 + dt.timedelta(minutes=2)),
        ("dr-lee", "allowed", T0),
    ]
    assert events[0].to_dict()["at"] == "2026-03-02T08:09:00+00:00"
