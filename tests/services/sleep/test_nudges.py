"""Hygiene nudges from a stored log: the demo person with late coffee gets the nudge,
the one without does not; dismissing is stored and survives a new day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import make_intake_event
from nightbridge.core.profile import Profile
from nightbridge.services.demo.demo import plan_demo, plan_second_person
from nightbridge.services.recovery.safety import vocabulary
from nightbridge.services.recovery.toolkit import save_evening
from nightbridge.services.sleep.diary import record_entry
from nightbridge.services.sleep.nudges import dismiss_nudge, nudges_for
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository

TZ = "America/New_York"
TODAY = dt.date(2026, 3, 20)


def _person(db: Database, name: str) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz=TZ), display_name=name)


def _load_sam(db: Database) -> int:
    """Sam from the demo plan: diary entries and every logged intake (coffee included)."""
    person = _person(db, "Sam")
    plan = plan_demo(28, today=TODAY)
    vocab = vocabulary()
    zone = ZoneInfo(TZ)
    for day in plan.days:
        if day.diary:
            record_entry(db, person, day.diary, today=TODAY)
        with db.transaction() as session:
            repo = IntakeRepository(session)
            for item in day.intake:
                at = dt.datetime.combine(day.date, item.at, tzinfo=zone)
                event = make_intake_event(item.substance, item.amount, item.unit, at, vocab)
                repo.add(person, event, day.date)
    return person


def _load_jordan(db: Database) -> int:
    person = _person(db, "Jordan")
    for fields in plan_second_person(28, today=TODAY):
        record_entry(db, person, fields, today=TODAY)
    return person


def test_the_demo_person_with_afternoon_coffee_gets_the_caffeine_nudge(
    database: Database,
) -> None:
    sam = _load_sam(database)
    nudges = {n.code: n for n in nudges_for(database, sam, today=TODAY)}
    assert "late_caffeine" in nudges
    caffeine = nudges["late_caffeine"]
    assert len(caffeine.nights) >= 2
    assert all(TODAY - dt.timedelta(days=13) <= night <= TODAY for night in caffeine.nights)
    # every night it names really had coffee at or after noon the day before
    for night, seen in caffeine.evidence.items():
        assert seen["last"] >= "12:00", (night, seen)
    assert any("Drake" in s for s in caffeine.sources)


def test_the_demo_person_without_caffeine_in_their_log_gets_no_caffeine_nudge(
    database: Database,
) -> None:
    jordan = _load_jordan(database)
    assert [n.code for n in nudges_for(database, jordan, today=TODAY)] == []


def test_diary_last_caffeine_and_last_alcohol_raise_nudges(database: Database) -> None:
    person = _person(database, "Ana")
    for back in range(3):
        day = TODAY - dt.timedelta(days=back)
        record_entry(
            database,
            person,
            {
                "date": day.isoformat(),
                "bedtime": "23:00",
                "lights_off": "23:10",
                "sol_min": "20",
                "nwak": "1",
                "waso_min": "15",
                "final_wake": "06:30",
                "out_of_bed": "06:45",
                "quality": "3",
                "caffeine": "2",
                "last_caffeine": "16:00",
                "alcohol": "1",
                "last_alcohol": "21:30",
                "naps": "1",
                "naps_min": "50",
            },
            today=TODAY,
        )
    codes = [n.code for n in nudges_for(database, person, today=TODAY)]
    assert codes == ["late_caffeine", "late_alcohol", "long_naps"]


def test_evening_items_raise_screen_and_warm_bedroom_nudges(database: Database) -> None:
    person = _person(database, "Ana")
    for back in range(2):
        day = TODAY - dt.timedelta(days=back)
        save_evening(
            database,
            person,
            {"date": day.isoformat(), "screens_last_hour": "yes", "bedroom_temp_c": "26,5"},
            today=TODAY,
        )
    codes = [n.code for n in nudges_for(database, person, today=TODAY)]
    assert codes == ["late_screens", "warm_bedroom"]


def test_a_dismissed_nudge_stays_dismissed_until_the_habit_returns(database: Database) -> None:
    person = _person(database, "Ana")
    for back in (1, 2):
        save_evening(
            database,
            person,
            {"date": (TODAY - dt.timedelta(days=back)).isoformat(), "screens_last_hour": "1"},
            today=TODAY,
        )
    dismiss_nudge(database, person, "late_screens", today=TODAY)
    with time_machine.travel(dt.datetime(2026, 3, 21, 12, tzinfo=ZoneInfo(TZ)), tick=False):
        assert nudges_for(database, person) == []
        save_evening(database, person, {"date": "2026-03-21", "screens_last_hour": "1"})
        assert [n.code for n in nudges_for(database, person)] == ["late_screens"]


def test_it_refuses_to_dismiss_an_unknown_nudge(database: Database) -> None:
    person = _person(database, "Ana")
    with pytest.raises(InvalidInput) as caught:
        dismiss_nudge(database, person, "too_much_fun", today=TODAY)
    assert caught.value.problems[0].field == "code"


def test_a_bad_evening_item_stores_nothing(database: Database) -> None:
    person = _person(database, "Ana")
    with pytest.raises(InvalidInput) as caught:
        save_evening(
            database,
            person,
            {"date": TODAY.isoformat(), "bedroom_temp_c": "hot", "nap_start": "25:99"},
            today=TODAY,
        )
    assert {p.field for p in caught.value.problems} == {"bedroom_temp_c", "nap_start"}
    assert nudges_for(database, person, today=TODAY) == []
