"""Relapse prevention stored per person: the plan, cravings, weekly check-ins, what a
clinician may see, and the help-now page's content."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.recovery.relapse import (
    checkin_trend,
    cravings,
    get_plan,
    help_now,
    log_craving,
    record_checkin,
    save_plan,
    shared_with_clinician,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository


def _person(db: Database, region: str = "UK") -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(region=region), display_name="Ana")


def test_a_saved_plan_reads_back_the_same(database: Database) -> None:
    person = _person(database)
    save_plan(
        database,
        person,
        {"triggers": ["payday"], "coping_steps": ["call Sam", "walk"], "reasons": ["my kids"]},
        [("Sam", "07700 900123")],
    )
    plan = get_plan(database, person)
    assert plan.triggers == ("payday",)
    assert plan.people[0].name == "Sam" and plan.people[0].tel == "07700900123"
    assert not plan.shared


def test_a_bad_plan_keeps_the_old_one(database: Database) -> None:
    person = _person(database)
    save_plan(database, person, {"reasons": ["my kids"]}, [])
    with pytest.raises(InvalidInput):
        save_plan(database, person, {"reasons": ["new"]}, [("Sam", "not a number")])
    assert get_plan(database, person).reasons == ("my kids",)


def test_cravings_are_listed_newest_first(database: Database) -> None:
    person = _person(database)
    base = dt.datetime(2026, 3, 1, 20, tzinfo=dt.UTC)
    log_craving(database, person, 8, "payday", "called Sam", at=base)
    log_craving(database, person, "3", "", "", at=base + dt.timedelta(days=1))
    assert [c.intensity for c in cravings(database, person)] == [3, 8]


def test_a_second_check_in_in_the_same_week_replaces_the_first(database: Database) -> None:
    person = _person(database)
    answers = {"confidence": 4, "support": 4, "cravings": 0, "stress": 0}
    record_checkin(database, person, answers, today=dt.date(2026, 3, 2))
    record_checkin(database, person, {**answers, "stress": 2}, today=dt.date(2026, 3, 6))
    record_checkin(database, person, {**answers, "cravings": 4}, today=dt.date(2026, 3, 9))
    trend = checkin_trend(database, person)
    assert [c.week_start for c in trend.checkins] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    assert [c.risk_index for c in trend.checkins] == [2, 4]
    assert trend.direction == "steady"


def test_a_clinician_sees_the_plan_and_trend_only_when_shared(database: Database) -> None:
    person = _person(database)
    record_checkin(
        database,
        person,
        {"confidence": 2, "support": 1, "cravings": 3, "stress": 3},
        today=dt.date(2026, 3, 2),
    )
    save_plan(database, person, {"reasons": ["my kids"]}, [])
    hidden = shared_with_clinician(database, person)
    assert (hidden.shared, hidden.plan, hidden.trend) == (False, None, None)
    save_plan(database, person, {"reasons": ["my kids"]}, [], shared=True)
    shown = shared_with_clinician(database, person)
    assert shown.plan is not None and shown.plan.reasons == ("my kids",)
    assert shown.trend is not None and shown.trend.checkins[0].risk_index == 11  # (4-2)+(4-1)+3+3


def test_help_now_lists_the_regions_crisis_lines_and_the_plan(database: Database) -> None:
    person = _person(database, region="UK")
    save_plan(database, person, {"coping_steps": ["breathe"]}, [("Sam", "07700 900123")])
    page = help_now(database, person)
    contacts = [r.contact for r in page.resources]
    assert "999" in contacts and "116 123" in contacts
    assert page.plan.coping_steps == ("breathe",)
    assert "tolerance" in page.lapse_note


def test_help_now_without_a_person_shows_the_international_lines_and_an_empty_plan(
    database: Database,
) -> None:
    page = help_now(database, None)  # no country assumed (H04)
    assert page.region == "INTL" and "988" not in [r.contact for r in page.resources]
    assert page.plan.is_empty
    chosen = help_now(database, None, region="us")
    assert chosen.region == "US" and "988" in [r.contact for r in chosen.resources]
    assert help_now(database, None, region="XX").region == "INTL"
