"""The sleep-window and profile use cases on a real store."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.window import WithdrawalContext
from nightbridge.services.sleep.diary import record_entry
from nightbridge.services.sleep.profile import get_profile, update_profile
from nightbridge.services.sleep.window import parse_rise, sleep_window, stimulus_control
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

REF = dt.date(2026, 4, 20)


def person_with_nights(db: Database, count: int, *, sol: int = 20, waso: int = 30) -> int:
    with db.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="Europe/Berlin", screened=True))
    for i in range(count):
        day = REF - dt.timedelta(days=i)
        record_entry(
            db,
            pid,
            {
                "date": day.isoformat(),
                "bedtime": "23:00",
                "lights_off": "23:00",
                "sol_min": sol,
                "nwak": 2,
                "waso_min": waso,
                "final_wake": "06:30",
                "out_of_bed": "06:30",
                "quality": 3,
            },
            today=REF,
        )
    return pid


def test_it_starts_a_window_from_the_stored_diary(database: Database) -> None:
    pid = person_with_nights(database, 8)  # 450 in bed, 400 asleep
    advice = sleep_window(database, pid, rise=dt.time(6, 30), on=REF)
    assert advice.to_dict() | {"reasons": []} == {
        "action": "start",
        "window_min": 390,
        "bedtime": "00:00",
        "rise": "06:30",
        "nights_used": 8,
        "mean_tst_min": 400.0,
        "pooled_se_pct": 88.9,
        "reasons": [],
    }


def test_the_window_uses_only_nights_up_to_the_date(database: Database) -> None:
    pid = person_with_nights(database, 8)
    advice = sleep_window(database, pid, rise=dt.time(6, 30), on=REF - dt.timedelta(days=2))
    assert (advice.action, advice.nights_used, advice.nights_needed) == ("collect", 6, 1)


def test_the_safety_stores_withdrawal_context_defers_the_window(database: Database) -> None:
    pid = person_with_nights(database, 8)
    advice = sleep_window(
        database,
        pid,
        rise=dt.time(6, 30),
        on=REF,
        withdrawal=WithdrawalContext(last_dose_date=REF - dt.timedelta(3)),
    )
    assert advice.action == "defer"


def test_the_profile_decides_between_restriction_and_compression(database: Database) -> None:
    pid = person_with_nights(database, 8, waso=60)  # 450 in bed, 370 asleep, SE 82.2
    update_profile(database, pid, conditions=["pregnancy"])
    advice = sleep_window(database, pid, rise=dt.time(6, 30), on=REF)
    # gap 80 min, one fifth 16 -> 15 (rounded to 5): 450 - 15 = 435
    assert (advice.action, advice.window_min) == ("compress", 435)


def test_it_refuses_a_current_window_out_of_range(database: Database) -> None:
    pid = person_with_nights(database, 1)
    with pytest.raises(InvalidInput) as caught:
        sleep_window(database, pid, rise=dt.time(6, 30), current=30, on=REF)
    assert caught.value.problems[0].field == "current"


@pytest.mark.parametrize("text", ["6:30", "06:30", " 23:59 "])
def test_rise_times_are_clock_times(text: str) -> None:
    assert isinstance(parse_rise(text), dt.time)


@pytest.mark.parametrize("text", ["24:00", "6", "06:60", "half six"])
def test_it_refuses_a_rise_that_is_not_a_clock_time(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rise(text)
    assert caught.value.problems[0].field == "rise"


def test_update_profile_checks_every_value_and_changes_nothing_when_one_is_bad(
    database: Database,
) -> None:
    pid = person_with_nights(database, 0)
    with pytest.raises(InvalidInput) as caught:
        update_profile(
            database,
            pid,
            tz="Mars/Olympus",
            region="XX",
            conditions=["bipolar", "werewolf"],
            floor_min=100,
        )
    assert {p.field for p in caught.value.problems} == {"tz", "region", "condition", "floor_min"}
    assert get_profile(database, pid) == Profile(tz="Europe/Berlin", screened=True)


def test_update_profile_changes_only_what_it_is_given(database: Database) -> None:
    pid = person_with_nights(database, 0)
    updated = update_profile(database, pid, region="uk", safety_critical_job=True, step_min=30)
    assert (updated.tz, updated.region, updated.safety_critical_job) == (
        "Europe/Berlin",
        "UK",
        True,
    )
    assert updated.window.step_min == 30 and updated.window.floor_min == 300
    assert get_profile(database, pid) == updated
    assert update_profile(database, pid, conditions=[]).conditions == frozenset()


def test_lower_threshold_must_not_exceed_the_raise_threshold(database: Database) -> None:
    pid = person_with_nights(database, 0)
    with pytest.raises(InvalidInput) as caught:
        update_profile(database, pid, lower_at_pct=95.0)
    assert caught.value.problems[0].field == "lower_at_pct"


def test_stimulus_control_ships_its_instructions_with_sources() -> None:
    doc = stimulus_control()
    assert any("Bootzin" in s for s in doc["sources"])
    ids = [i["id"] for i in doc["instructions"]]
    assert ids == ["sleepy_only", "bed_for_sleep", "get_up", "repeat", "fixed_rise", "no_naps"]


def test_compression_reads_its_baseline_from_the_start_of_a_long_diary(
    database: Database,
) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(
            Profile(tz="UTC", conditions=frozenset({"fall_risk"}), screened=True)
        )

    def night(day: dt.date, bedtime: str, waso: int) -> None:
        record_entry(
            database,
            pid,
            {
                "date": day.isoformat(),
                "bedtime": bedtime,
                "lights_off": bedtime,
                "sol_min": 0,
                "nwak": 1 if waso else 0,
                "waso_min": waso,
                "final_wake": "06:30",
                "out_of_bed": "06:30",
                "quality": 3,
            },
            today=REF,
        )

    for i in range(14):  # baseline, 60 days back: 480 in bed, 360 asleep: gap 120
        night(REF - dt.timedelta(days=60 + i), "22:30", 120)
    for i in range(20, 40):  # weeks in between that must not count as the baseline
        night(REF - dt.timedelta(days=i), "23:00", 20)
    for i in range(7):  # this week: 455 in bed, 375 asleep, SE 82.4
        night(REF - dt.timedelta(days=i), "22:55", 80)
    advice = sleep_window(database, pid, rise=dt.time(6, 30), current=455, on=REF)
    # one fifth of the baseline gap: 24 -> 25 min; 455 - 25 = 430
    assert (advice.action, advice.window_min, advice.nights_used) == ("compress", 430, 7)
