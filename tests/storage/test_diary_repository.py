"""The diary repository, on SQLite and PostgreSQL (the ``database`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from nightbridge.core.diary import DiaryEntry
from nightbridge.core.profile import Profile
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.diary import DiaryEntryRow
from nightbridge.storage.tables.persons import PersonRow


def entry(day: int, *, quality: int = 3, **changes: object) -> DiaryEntry:
    base: dict[str, object] = {
        "date": dt.date(2026, 3, day),
        "bedtime": dt.time(22, 30),
        "lights_off": dt.time(23, 0),
        "sol_min": 20,
        "nwak": 2,
        "waso_min": 30,
        "final_wake": dt.time(6, 10),
        "out_of_bed": dt.time(6, 40),
        "quality": quality,
    }
    base.update(changes)
    return DiaryEntry(**base)  # type: ignore[arg-type]


def person(db: Database, name: str = "Ana") -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(), display_name=name)


def test_it_stores_and_returns_an_entry_unchanged(database: Database) -> None:
    pid = person(database)
    full = entry(
        5,
        bedtime=dt.datetime(2026, 3, 4, 22, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        lights_off=dt.datetime(2026, 3, 4, 23, 0),
        rested=4,
        naps=1,
        naps_min=25,
        caffeine=2,
        last_caffeine=dt.time(14, 0),
        alcohol=1,
        last_alcohol=dt.time(21, 15),
        note='woke at 3, "noisy"\nneighbours',
    )
    with database.transaction() as session:
        assert DiaryRepository(session).upsert(pid, full) is False
    with database.reader() as session:
        assert DiaryRepository(session).list(pid) == [full]


def test_upsert_replaces_the_entry_of_the_same_morning(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DiaryRepository(session).upsert(pid, entry(5, quality=2))
    with database.transaction() as session:
        assert DiaryRepository(session).upsert(pid, entry(5, quality=4)) is True
    with database.reader() as session:
        stored = DiaryRepository(session).list(pid)
    assert [e.quality for e in stored] == [4]


def test_add_many_counts_what_it_added_and_replaced(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(1), entry(2)])
    with database.transaction() as session:
        counts = DiaryRepository(session).add_many(pid, [entry(2, quality=5), entry(3)])
    assert (counts.added, counts.replaced) == (1, 1)
    with database.reader() as session:
        assert [e.date.day for e in DiaryRepository(session).list(pid)] == [1, 2, 3]


def test_list_is_oldest_first_and_bounded_inclusively(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(d) for d in (9, 3, 7, 1, 5)])
    with database.reader() as session:
        repo = DiaryRepository(session)
        assert [e.date.day for e in repo.list(pid)] == [1, 3, 5, 7, 9]
        assert [e.date.day for e in repo.list(pid, dt.date(2026, 3, 3), dt.date(2026, 3, 7))] == [
            3,
            5,
            7,
        ]
        assert [e.date.day for e in repo.list(pid, start=dt.date(2026, 3, 6))] == [7, 9]
        assert repo.latest(pid) == entry(9)


def test_each_person_sees_only_their_own_entries(database: Database) -> None:
    ana, ben = person(database, "Ana"), person(database, "Ben")
    with database.transaction() as session:
        DiaryRepository(session).add_many(ana, [entry(1), entry(2)])
        DiaryRepository(session).upsert(ben, entry(2, quality=5))
    with database.reader() as session:
        repo = DiaryRepository(session)
        assert [e.quality for e in repo.list(ben)] == [5]
        assert len(repo.list(ana)) == 2
        assert repo.latest(person_id=ben + 100) is None


def test_delete_removes_one_morning(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(1), entry(2)])
    with database.transaction() as session:
        assert DiaryRepository(session).delete(pid, dt.date(2026, 3, 1)) is True
        assert DiaryRepository(session).delete(pid, dt.date(2026, 3, 1)) is False
    with database.reader() as session:
        assert [e.date.day for e in DiaryRepository(session).list(pid)] == [2]


def test_the_store_refuses_two_rows_for_one_morning(database: Database) -> None:
    pid = person(database)
    with pytest.raises(IntegrityError), database.transaction() as session:
        for _ in range(2):
            session.add(
                DiaryEntryRow(
                    person_id=pid,
                    date=dt.date(2026, 3, 1),
                    bedtime="22:00",
                    lights_off="22:00",
                    sol_min=0,
                    nwak=0,
                    waso_min=0,
                    final_wake="06:00",
                    out_of_bed="06:00",
                    quality=3,
                )
            )
        session.flush()


def test_a_failed_transaction_stores_no_entry(database: Database) -> None:
    pid = person(database)
    with pytest.raises(RuntimeError), database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(1), entry(2)])
        raise RuntimeError("boom")
    with database.reader() as session:
        assert DiaryRepository(session).list(pid) == []


def test_deleting_a_person_deletes_their_diary(database: Database) -> None:
    pid = person(database)
    with database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(1)])
    with database.transaction() as session:
        session.execute(delete(PersonRow).where(PersonRow.id == pid))
    with database.reader() as session:
        assert DiaryRepository(session).list(pid) == []


def test_first_date_is_the_oldest_morning(database: Database) -> None:
    pid = person(database)
    with database.reader() as session:
        assert DiaryRepository(session).first_date(pid) is None
    with database.transaction() as session:
        DiaryRepository(session).add_many(pid, [entry(9), entry(4), entry(6)])
    with database.reader() as session:
        assert DiaryRepository(session).first_date(pid) == dt.date(2026, 3, 4)
