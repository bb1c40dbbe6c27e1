"""Safety storage on SQLite and PostgreSQL: intake, check-ins, alerts, tapers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nightbridge.core.alerts import Alert
from nightbridge.core.checkin import CheckinDay
from nightbridge.core.intake import IntakeEvent
from nightbridge.core.profile import Profile
from nightbridge.core.taper import Hold, build_taper
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.alerts import AlertRepository
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.tapers import TaperRepository

D = dt.date(2026, 3, 10)


@pytest.fixture
def person(database: Database) -> int:
    with database.transaction() as session:
        return PersonRepository(session).create(Profile(tz="Europe/Berlin"), display_name="Ana")


def event(name: str, klass: str, day: int, hour: int = 9) -> IntakeEvent:
    return IntakeEvent(
        name,
        klass,
        4.5,
        "g",
        dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC),
        product="Brand",
        strain="red",
        batch="B12",
        lab_tested=True,
        note="n",
    )


def test_intake_comes_back_as_it_was_stored(database: Database, person: int) -> None:
    stored = event("kratom", "kratom", 10)
    with database.transaction() as session:
        IntakeRepository(session).add(person, stored, D)
    with database.reader() as session:
        assert IntakeRepository(session).between(person, D, D) == [stored]


def test_the_last_dose_ignores_other_classes_and_later_days(
    database: Database, person: int
) -> None:
    with database.transaction() as session:
        repo = IntakeRepository(session)
        repo.add(person, event("kratom", "kratom", 1), dt.date(2026, 3, 1))
        repo.add(person, event("methadone", "opioid", 4), dt.date(2026, 3, 4))
        repo.add(person, event("beer", "alcohol", 6), dt.date(2026, 3, 6))
        repo.add(person, event("kratom", "kratom", 12), dt.date(2026, 3, 12))
    with database.reader() as session:
        repo = IntakeRepository(session)
        assert repo.last_dose_date(person, D) == dt.date(2026, 3, 4)
        before = repo.last_dose_before(person, dt.date(2026, 3, 4))
        assert before is not None and before.substance == "kratom"


def test_a_checkin_is_one_row_per_day_with_its_scores(database: Database, person: int) -> None:
    first = CheckinDay(
        D,
        symptoms={"aches": 3, "craving": 4},
        flags=frozenset({"chest_pain"}),
        function=2,
        self_harm_thoughts=False,
        phq9=(1,) * 9,
        gad7=(2,) * 7,
    )
    with database.transaction() as session:
        CheckinRepository(session).save(person, first)
    second = CheckinDay(D, symptoms={"aches": 1}, function=4)
    with database.transaction() as session:
        CheckinRepository(session).save(person, second)
    with database.reader() as session:
        repo = CheckinRepository(session)
        assert repo.between(person, D, D) == [second]
        assert repo.withdrawal_scores(person, D, D) == {D: 1}


def test_alerts_are_recorded_with_their_evidence_once_per_date_and_code(
    database: Database, person: int
) -> None:
    first = Alert(
        "urgent",
        "lost_tolerance",
        "m1",
        D,
        actions=("call",),
        evidence={"days_without": 9, "previous_dose_date": "2026-03-01"},
        source="s",
    )
    again = Alert("urgent", "lost_tolerance", "m2", D, evidence={"days_without": 10}, source="s")
    other = Alert("emergency", "red_flag_chest_pain", "m3", D - dt.timedelta(days=1))
    with database.transaction() as session:
        AlertRepository(session).record(person, [first, other])
    with database.transaction() as session:
        AlertRepository(session).record(person, [again])
    with database.reader() as session:
        found = AlertRepository(session).between(person, D - dt.timedelta(days=7), D)
    assert [(a.level, a.code, a.message) for a in found] == [
        ("emergency", "red_flag_chest_pain", "m3"),
        ("urgent", "lost_tolerance", "m2"),
    ]
    assert found[1].evidence == {"days_without": 10}


def test_a_taper_is_rebuilt_from_its_settings_and_holds(database: Database, person: int) -> None:
    plan = build_taper(
        start_amount="12.5",
        unit="g",
        start=D,
        step_pct="7.5",
        every_days=10,
        min_step="0.3",
        holds=[Hold(3, 7)],
        substance="kratom",
    )
    with database.transaction() as session:
        TaperRepository(session).save(person, plan, explicit_min_step=True)
    with database.reader() as session:
        stored = TaperRepository(session).active(person)
    assert stored is not None
    assert stored.plan.steps == plan.steps
    assert stored.plan.min_step == Decimal("0.3")


def test_a_new_taper_replaces_the_active_one(database: Database, person: int) -> None:
    with database.transaction() as session:
        repo = TaperRepository(session)
        repo.save(
            person,
            build_taper(start_amount=8, unit="g", start=D, step_pct=10, every_days=7),
            explicit_min_step=False,
        )
        repo.save(
            person,
            build_taper(start_amount=6, unit="g", start=D, step_pct=10, every_days=7),
            explicit_min_step=False,
        )
    with database.reader() as session:
        stored = TaperRepository(session).active(person)
    assert stored is not None and stored.plan.start_amount == Decimal("6.0")


def test_deleting_a_person_deletes_their_safety_data(database: Database, person: int) -> None:
    from sqlalchemy import delete, func, select

    from nightbridge.storage.tables.persons import PersonRow
    from nightbridge.storage.tables.safety import AlertRow, CheckinRow, IntakeEventRow, TaperRow

    with database.transaction() as session:
        IntakeRepository(session).add(person, event("kratom", "kratom", 10), D)
        CheckinRepository(session).save(person, CheckinDay(D, function=3))
        AlertRepository(session).record(person, [Alert("advise", "low_function", "m", D)])
        TaperRepository(session).save(
            person,
            build_taper(start_amount=8, unit="g", start=D, step_pct=10, every_days=7),
            explicit_min_step=False,
        )
    with database.transaction() as session:
        session.execute(delete(PersonRow).where(PersonRow.id == person))
    with database.reader() as session:
        for table in (IntakeEventRow, CheckinRow, AlertRow, TaperRow):
            assert session.scalar(select(func.count()).select_from(table)) == 0
