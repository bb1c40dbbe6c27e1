"""Reading the alerts in force does not write, unless an alert is new or changed.

Pages and the clinician's triage show ``alerts_for`` on every request; it must not take
the store's write lock each time (a long device import holds it on SQLite).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.profile import Profile
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.safety import alerts_for
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.alerts import AlertRepository
from nightbridge.storage.repositories.persons import PersonRepository

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def person(database: Database) -> int:
    with database.transaction() as session:
        return PersonRepository(session).create(Profile(tz="America/New_York"))


@pytest.fixture
def record_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = AlertRepository.record

    def counting(self: AlertRepository, person_id: int, alerts: object) -> None:
        calls.append(person_id)
        original(self, person_id, alerts)  # type: ignore[arg-type]

    monkeypatch.setattr(AlertRepository, "record", counting)
    return calls


def test_reading_alerts_already_recorded_writes_nothing(
    database: Database, person: int, record_calls: list[int]
) -> None:
    record_checkin(database, person, DAY, flags=["chest_pain"], today=DAY)
    assert len(record_calls) == 1  # the check-in's own transaction

    first = alerts_for(database, person, DAY)
    second = alerts_for(database, person, DAY)

    assert [a.code for a in first] == [a.code for a in second]
    assert first[0].level == "emergency"
    assert len(record_calls) == 1


def test_a_new_alert_found_on_reading_is_recorded_once(
    database: Database, person: int, record_calls: list[int]
) -> None:
    from nightbridge.services.recovery.intake import log_intake
    from nightbridge.services.sleep.diary import record_entry

    log_intake(
        database,
        person,
        "kratom",
        2,
        "g",
        dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC),
        tz="America/New_York",
    )
    for back in range(7):  # five hours asleep of eight in bed, every night: SE 62.5
        day = DAY - dt.timedelta(days=back)
        record_entry(
            database,
            person,
            {
                "date": day.isoformat(),
                "bedtime": "22:30",
                "lights_off": "22:30",
                "sol_min": "90",
                "nwak": "2",
                "waso_min": "90",
                "final_wake": "06:30",
                "out_of_bed": "06:30",
                "quality": "2",
            },
            today=DAY,
            tz="America/New_York",
        )
    calls_before = len(record_calls)

    first = alerts_for(database, person, DAY)
    second = alerts_for(database, person, DAY)

    assert "poor_sleep_after_last_dose" in {a.code for a in first}
    assert [a.code for a in second] == [a.code for a in first]
    assert len(record_calls) == calls_before + 1
    with database.reader() as session:
        recorded = AlertRepository(session).between(person, DAY, DAY)
    assert "poor_sleep_after_last_dose" in {a.code for a in recorded}
