"""Diary use cases: one transaction per write, all-or-nothing imports, today from the clock."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.sleep.diary import (
    import_diary,
    list_entries,
    list_nights,
    metrics_from_file,
    record_entry,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

DATA = Path(__file__).parents[2] / "data" / "diary"
FIELDS = {
    "date": "2026-03-08",
    "bedtime": "22:30",
    "lights_off": "23:00",
    "sol_min": "20",
    "nwak": "2",
    "waso_min": "30",
    "final_wake": "06:10",
    "out_of_bed": "06:40",
    "quality": "3",
}


def person(db: Database, tz: str = "America/New_York") -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz=tz))


def test_record_entry_stores_and_measures_in_the_profiles_zone(database: Database) -> None:
    pid = person(database)
    night = record_entry(database, pid, FIELDS, today=dt.date(2026, 3, 8))
    assert (night.tib_min, night.tst_min, night.se_pct) == (430, 320, 74.4)  # spring forward
    assert [e.date for e in list_entries(database, pid)] == [dt.date(2026, 3, 8)]


def test_record_entry_replaces_the_same_morning(database: Database) -> None:
    pid = person(database)
    record_entry(database, pid, FIELDS, today=dt.date(2026, 3, 9))
    record_entry(database, pid, {**FIELDS, "quality": "5"}, today=dt.date(2026, 3, 9))
    assert [e.quality for e in list_entries(database, pid)] == [5]


@time_machine.travel(dt.datetime(2026, 3, 8, 3, 0, tzinfo=dt.UTC), tick=False)
def test_today_is_the_persons_local_date(sqlite_database: Database) -> None:
    # 03:00 UTC is still 2026-03-07 in New York: an entry for the 8th is in the future there.
    ny = person(sqlite_database)
    with pytest.raises(InvalidInput) as caught:
        record_entry(sqlite_database, ny, FIELDS)
    assert caught.value.problems[0].field == "date"
    berlin = person(sqlite_database, "Europe/Berlin")  # 04:00 there: up at 03:50
    early = {**FIELDS, "bedtime": "22:00", "final_wake": "03:40", "out_of_bed": "03:50"}
    assert record_entry(sqlite_database, berlin, early).date == dt.date(2026, 3, 8)
    with pytest.raises(InvalidInput) as caught:  # 06:40 has not come yet there
        record_entry(sqlite_database, berlin, FIELDS, confirmed=True)
    assert caught.value.problems[0].field == "out_of_bed"


def test_a_refused_entry_stores_nothing(database: Database) -> None:
    pid = person(database)
    with pytest.raises(InvalidInput):
        record_entry(database, pid, {**FIELDS, "quality": "7"}, today=dt.date(2026, 3, 9))
    assert list_entries(database, pid) == []


def test_import_with_a_bad_row_stores_nothing_and_names_every_bad_row(
    database: Database,
) -> None:
    pid = person(database, "UTC")
    with (DATA / "bad_rows.csv").open("rb") as f, pytest.raises(InvalidInput) as caught:
        import_diary(database, pid, f, today=dt.date(2026, 3, 20))
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "bedtime"),
        (3, "waso_min"),
        (4, "nwak"),
        (5, "quality"),
        (6, "out_of_bed"),
        (7, "date"),
        (8, "sol_min"),
        (9, "out_of_bed"),
        (10, "sol_min"),
    ]
    assert list_entries(database, pid) == []


def test_import_can_skip_bad_rows_when_asked(database: Database) -> None:
    pid = person(database, "UTC")
    with (DATA / "bad_rows.csv").open("rb") as f:
        result = import_diary(database, pid, f, today=dt.date(2026, 3, 20), skip_bad=True)
    assert (result.added, result.replaced) == (1, 0)
    assert result.skipped_rows == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [e.date for e in list_entries(database, pid)] == [dt.date(2026, 3, 10)]


def test_import_stores_a_good_file_in_one_go_and_replaces_known_mornings(
    database: Database,
) -> None:
    pid = person(database, "UTC")
    record_entry(database, pid, {**FIELDS, "date": "2026-03-02"}, today=dt.date(2026, 3, 9))
    with (DATA / "spreadsheet.csv").open("rb") as f:
        result = import_diary(database, pid, f, today=dt.date(2026, 3, 9))
    assert (result.added, result.replaced) == (2, 1)
    entries = list_entries(database, pid)
    assert [e.date.day for e in entries] == [1, 2, 3]
    assert entries[0].note == "slept badly, woke at 3"
    assert entries[1].last_alcohol == dt.time(21, 0)


def test_a_date_twice_in_one_file_is_refused_on_the_later_row(database: Database) -> None:
    pid = person(database, "UTC")
    header = ",".join(FIELDS)
    row = ",".join(FIELDS.values())
    data = f"{header}\n{row}\n{row}\n".encode()
    with pytest.raises(InvalidInput) as caught:
        import_diary(database, pid, io.BytesIO(data), today=dt.date(2026, 3, 9))
    problem = caught.value.problems[0]
    assert (problem.row, problem.field) == (3, "date")
    assert "already on row 2" in problem.reason
    assert list_entries(database, pid) == []


def test_list_nights_measures_in_the_given_zone(database: Database) -> None:
    pid = person(database)
    record_entry(database, pid, FIELDS, today=dt.date(2026, 3, 9))
    assert [n.tib_min for n in list_nights(database, pid)] == [430]
    assert [n.tib_min for n in list_nights(database, pid, tz="UTC")] == [490]
    assert list_nights(database, pid, start=dt.date(2026, 3, 9)) == []


def test_metrics_from_a_file_are_oldest_first_and_need_no_store() -> None:
    text = (DATA / "clean.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    reordered = "\n".join([lines[0], lines[3], lines[1], lines[2]])
    nights = metrics_from_file(io.StringIO(reordered), tz="UTC", today=dt.date(2026, 3, 9))
    assert [n.date.day for n in nights] == [1, 2, 3]
