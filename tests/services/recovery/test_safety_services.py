"""Safety use cases on a real store (both engines): one transaction per write, nothing
half-written on refusal, alerts recorded with their evidence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.recovery import safety as safety_service
from nightbridge.services.recovery.checkins import list_checkins, record_checkin
from nightbridge.services.recovery.intake import list_intake, log_intake
from nightbridge.services.recovery.safety import alerts_between, alerts_for, region_resources
from nightbridge.services.recovery.taper import get_taper, hold_step, set_taper, taper_adherence
from nightbridge.services.recovery.withdrawal import withdrawal_context
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

ZONE = "America/Denver"
D = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(ZONE))


@pytest.fixture
def person(database: Database) -> int:
    with database.transaction() as session:
        return PersonRepository(session).create(Profile(tz=ZONE, region="CA"))


def test_logging_intake_stores_it_and_records_the_alerts_it_raises(database, person) -> None:
    log_intake(database, person, "kratom", 4, "g", at(D, 21), now=NOW)
    result = log_intake(database, person, "wine", 2, "drinks", at(D, 22), now=NOW)
    assert [a.code for a in result.alerts] == ["depressant_combination"]
    assert [i.rule_id for i in result.interactions] == ["opioid_alcohol"]
    assert [e.substance for e in list_intake(database, person, D, D)] == ["kratom", "wine"]
    recorded = alerts_between(database, person, D, D)
    assert recorded[0].evidence["interactions"][0]["substances"] == ["kratom", "wine"]
    assert recorded[0].resources[0].contact == "911"  # Canada
    assert "9-8-8" in [r.contact for r in recorded[0].resources]


def test_refused_intake_stores_nothing(database, person) -> None:
    with pytest.raises(InvalidInput) as caught:
        log_intake(database, person, "kratom", -1, "scoops", at(D, 9), now=NOW)
    assert [p.field for p in caught.value.problems] == ["amount", "unit"]
    with pytest.raises(InvalidInput):
        log_intake(database, person, "kratom", 4, "g", NOW + dt.timedelta(hours=2), now=NOW)
    assert list_intake(database, person, D - dt.timedelta(days=30), D + dt.timedelta(days=30)) == []


def test_a_time_without_a_zone_is_in_the_persons_zone(database, person) -> None:
    result = log_intake(
        database, person, "kratom", 4, "g", dt.datetime(2026, 3, 10, 23, 30), now=NOW
    )
    assert result.local_date == D
    assert result.event.at == dt.datetime(2026, 3, 11, 5, 30, tzinfo=dt.UTC)


def test_a_second_checkin_never_unsays_a_red_flag_or_a_yes(database, person) -> None:
    record_checkin(database, person, D, flags=["chest_pain"], self_harm_thoughts=True, today=D)
    result = record_checkin(database, person, D, self_harm_thoughts=False, function=3, today=D)
    assert result.checkin.flags == frozenset({"chest_pain"})
    assert result.checkin.self_harm_thoughts is True
    assert [a.level for a in result.alerts] == ["emergency", "crisis"]
    assert len(list_checkins(database, person, D, D)) == 1


def test_a_refused_checkin_stores_nothing(database, person) -> None:
    with pytest.raises(InvalidInput) as caught:
        record_checkin(database, person, D, symptoms={"aches": 9}, flags=["chest_pain"], today=D)
    assert caught.value.problems[0].field == "symptom aches"
    assert list_checkins(database, person, D, D) == []
    assert alerts_between(database, person, D, D) == []


def test_the_withdrawal_context_has_the_last_dose_and_moderate_days(database, person) -> None:
    log_intake(database, person, "kratom", 4, "g", at(D - dt.timedelta(days=2), 9), now=NOW)
    heavy = dict.fromkeys(
        ("aches", "sweating", "anxiety", "insomnia", "craving", "nausea", "yawning"), 3
    )
    record_checkin(database, person, D, symptoms=heavy, today=D)
    record_checkin(database, person, D - dt.timedelta(days=1), symptoms={"aches": 4}, today=D)
    context = withdrawal_context(database, person, D)
    assert context.last_dose_date == D - dt.timedelta(days=2)
    assert context.moderate_or_worse_dates == frozenset({D})


def test_alerts_for_evaluates_the_lookback_and_records(database, person) -> None:
    for offset in (2, 1, 0):
        record_checkin(database, person, D - dt.timedelta(days=offset), function=1, today=D)
    assert [a.code for a in alerts_for(database, person, D)] == ["low_function"]
    assert [a.code for a in alerts_between(database, person, D, D)] == ["low_function"]


def test_a_taper_can_be_set_held_and_compared_with_intake(database, person) -> None:
    set_taper(
        database,
        person,
        substance="kratom",
        start_amount=8,
        unit="g",
        start=D,
        step_pct=10,
        every_days=7,
    )
    plan = hold_step(database, person, 1, 7)
    assert plan.steps[1].date == D + dt.timedelta(days=14)
    assert get_taper(database, person) == plan
    log_intake(database, person, "kratom extract", 9, "g", at(D, 9), now=NOW)
    steps = taper_adherence(database, person, today=D + dt.timedelta(days=2))
    assert [(s.number, s.days_logged, s.days_over) for s in steps] == [(1, 1, 1)]


def test_a_deployment_can_add_crisis_lines(tmp_path: Path) -> None:
    extra = tmp_path / "lines.json"
    extra.write_text(
        json.dumps(
            {
                "regions": {
                    "CA": [
                        {
                            "role": "support",
                            "name": "Clinic after-hours line",
                            "contact": "555-0199",
                            "checked": "2026-11-01",
                            "source": "clinic",
                        }
                    ]
                }
            }
        ),
        encoding="utf-8",
    )
    lines = region_resources("CA", str(extra)).all()
    assert [r.contact for r in lines] == ["911", "9-8-8", "555-0199"]
    safety_service._resource_table.cache_clear()
