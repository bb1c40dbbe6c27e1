"""Device samples, nights and activity in storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from nightbridge.core.device_nights import build_nights
from nightbridge.core.profile import Profile
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.devices import DeviceRepository
from nightbridge.storage.repositories.persons import PersonRepository

EST = dt.timezone(dt.timedelta(hours=-5))
EDT = dt.timezone(dt.timedelta(hours=-4))


def person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz="America/New_York"))


def night_samples(source: str = "Watch") -> list[SleepSample]:
    # across spring forward: 23:30 EST -> 07:00 EDT is 6 h 30 min
    return [
        SleepSample(
            source,
            dt.datetime(2026, 3, 7, 23, 30, tzinfo=EST),
            dt.datetime(2026, 3, 8, 7, 0, tzinfo=EDT),
            "in_bed",
        ),
        SleepSample(
            source,
            dt.datetime(2026, 3, 7, 23, 45, tzinfo=EST),
            dt.datetime(2026, 3, 8, 3, 30, tzinfo=EDT),
            "asleep",
            "light",
        ),
        SleepSample(
            source,
            dt.datetime(2026, 3, 8, 3, 30, tzinfo=EDT),
            dt.datetime(2026, 3, 8, 6, 50, tzinfo=EDT),
            "asleep",
            "rem",
        ),
    ]


def test_a_sample_is_stored_once_per_person(database: Database) -> None:
    pid = person(database)
    samples = night_samples()
    with database.transaction() as session:
        added = DeviceRepository(session).add_samples(pid, [*samples, samples[0]])
    assert added == samples
    with database.transaction() as session:
        assert DeviceRepository(session).add_samples(pid, samples) == []
    other = person(database)
    with database.transaction() as session:
        assert len(DeviceRepository(session).add_samples(other, samples)) == 3


def test_samples_come_back_with_the_offsets_they_were_recorded_in(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DeviceRepository(session).add_samples(pid, night_samples())
    with database.reader() as session:
        back = DeviceRepository(session).samples_between(
            pid,
            dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 8, 8, tzinfo=dt.UTC),
        )
    assert back == night_samples()
    assert [s.end.isoformat() for s in back] == [
        "2026-03-08T07:00:00-04:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-08T06:50:00-04:00",
    ]


def test_nights_are_replaced_for_their_dates_only(database: Database) -> None:
    pid = person(database)
    nights = build_nights([*night_samples("Watch"), *night_samples("Ring")[1:2]])
    with database.transaction() as session:
        repo = DeviceRepository(session)
        assert repo.replace_nights(pid, dt.date(2026, 3, 8), dt.date(2026, 3, 8), nights) == 2
    with database.reader() as session:
        stored = DeviceRepository(session).nights(pid)
    assert stored == nights
    assert [(n.source, n.chosen, n.tst_min, n.stages) for n in stored] == [
        ("Watch", True, 365, {"light": 165, "deep": 0, "rem": 200}),
        ("Ring", False, 165, {"light": 165, "deep": 0, "rem": 0}),
    ]
    with database.transaction() as session:
        DeviceRepository(session).replace_nights(pid, dt.date(2026, 3, 9), dt.date(2026, 3, 9), [])
    with database.reader() as session:
        repo = DeviceRepository(session)
        assert len(repo.nights(pid)) == 2
        assert [n.source for n in repo.nights(pid, source="Watch")] == ["Watch"]
        assert repo.nights(pid, first=dt.date(2026, 3, 9)) == []
        assert repo.count_nights(
            pid, dt.date(2026, 3, 1), dt.date(2026, 3, 31), ["Watch", "X"]
        ) == {"Watch": 1, "X": 0}


def test_activity_is_updated_by_a_newer_export(database: Database) -> None:
    pid = person(database)
    day = dt.date(2026, 3, 8)
    with database.transaction() as session:
        DeviceRepository(session).save_activity(pid, [DailyActivity("Fitbit", day, 12.0)])
    with database.transaction() as session:
        DeviceRepository(session).save_activity(pid, [DailyActivity("Fitbit", day, 31.0)])
    with database.reader() as session:
        assert DeviceRepository(session).activity(pid) == [DailyActivity("Fitbit", day, 31.0)]


def test_deleting_the_person_deletes_their_device_data(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        repo = DeviceRepository(session)
        repo.add_samples(pid, night_samples())
        repo.replace_nights(
            pid, dt.date(2026, 3, 8), dt.date(2026, 3, 8), build_nights(night_samples())
        )
        repo.add_import_run(pid, kind="fitbit", file_name="t.zip", added=3, skipped=0, nights=1)
    from sqlalchemy import delete

    from nightbridge.storage.tables.persons import PersonRow

    with database.transaction() as session:
        session.execute(delete(PersonRow).where(PersonRow.id == pid))
    with database.reader() as session:
        assert set(DeviceRepository(session).row_counts(pid).values()) == {0}
