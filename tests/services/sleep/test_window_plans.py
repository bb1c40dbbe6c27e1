"""The sleep window in force (services.sleep.window: set_plan, current_plan, plan_history,
accept_advice) and its weekly titration on a real store, on both engines.

Rules: definitions.md section 2 (Spielman, Saskin & Thorpy, Sleep 1987;10:45-56: a fixed
rise time, the window lengthened by 15 min after a week with pooled SE >= 90 %).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.core.window import WithdrawalContext
from nightbridge.services.sleep.diary import list_entries, record_entry
from nightbridge.services.sleep.profile import update_profile
from nightbridge.services.sleep.window import (
    accept_advice,
    current_plan,
    plan_history,
    set_plan,
    sleep_window,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

#: Monday of the second week: the window was set a week before.
REF = dt.date(2026, 11, 10)
SET_ON = REF - dt.timedelta(days=7)


def new_person(db: Database, profile: Profile | None = None) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(
            profile or Profile(tz="Europe/Berlin", screened=True)
        )


def add_night(
    db: Database, pid: int, day: dt.date, *, bed: str, up: str, sol: int, waso: int
) -> None:
    record_entry(
        db,
        pid,
        {
            "date": day.isoformat(),
            "bedtime": bed,
            "lights_off": bed,
            "sol_min": sol,
            "nwak": 1 if waso else 0,
            "waso_min": waso,
            "final_wake": up,
            "out_of_bed": up,
            "quality": 3,
        },
        today=REF,
    )


def week_on_window(db: Database, pid: int, *, sol: int, waso: int, days: int = 7) -> None:
    """``days`` mornings up to REF, in bed 00:30-06:00 (330 min, the window in force)."""
    for back in range(days):
        add_night(
            db, pid, REF - dt.timedelta(days=back), bed="00:30", up="06:00", sol=sol, waso=waso
        )


def test_set_plan_stores_the_window_in_force_and_keeps_the_history(database: Database) -> None:
    pid = new_person(database)
    assert current_plan(database, pid) is None

    set_plan(
        database, pid, rise=dt.time(6, 0), window_min=330, by="person", action="start", on=SET_ON
    )
    set_plan(database, pid, rise=dt.time(6, 0), window_min=345, by="clinician", on=REF)

    plan = current_plan(database, pid)
    assert plan is not None
    assert plan.to_dict() == {
        "rise": "06:00",
        "window_min": 345,
        "bedtime": "00:15",
        "set_on": "2026-11-10",
        "set_by": "clinician",
        "action": "set",
    }
    assert [(p.window_min, p.set_on, p.set_by) for p in plan_history(database, pid)] == [
        (330, SET_ON, "person"),
        (345, REF, "clinician"),
    ]


def test_a_window_below_the_persons_floor_is_refused_and_nothing_stored(
    database: Database,
) -> None:
    pid = new_person(database)
    update_profile(database, pid, floor_min=330)
    with pytest.raises(InvalidInput) as caught:
        set_plan(database, pid, rise=dt.time(6, 0), window_min=315, by="clinician")
    assert [p.field for p in caught.value.problems] == ["window_min"]
    assert "330" in caught.value.problems[0].reason
    assert plan_history(database, pid) == []


def test_a_stored_330_min_window_with_se_of_90_or_more_is_lengthened_to_345(
    database: Database,
) -> None:
    pid = new_person(database)
    set_plan(
        database, pid, rise=dt.time(6, 0), window_min=330, by="person", action="start", on=SET_ON
    )
    week_on_window(database, pid, sol=10, waso=15)  # 305 of 330 asleep: SE 92.4 %

    advice = sleep_window(database, pid, on=REF)  # no rise, no window given: the stored ones

    assert (advice.action, advice.window_min, advice.pooled_se_pct) == ("increase", 345, 92.4)
    assert advice.rise == dt.time(6, 0)
    assert advice.bedtime == dt.time(0, 15)  # 06:00 - 345 min


@pytest.mark.parametrize(
    ("sol", "waso", "action", "window"),
    [
        (10, 15, "increase", 345),  # SE 305/330 = 92.4 %
        (20, 20, "keep", 330),  # SE 290/330 = 87.9 %
        (30, 30, "decrease", 315),  # SE 270/330 = 81.8 %
    ],
)
def test_the_weekly_step_follows_the_pooled_se_of_the_stored_window(
    database: Database, sol: int, waso: int, action: str, window: int
) -> None:
    pid = new_person(database)
    set_plan(database, pid, rise=dt.time(6, 0), window_min=330, by="person", on=SET_ON)
    week_on_window(database, pid, sol=sol, waso=waso)
    advice = sleep_window(database, pid, on=REF)
    assert (advice.action, advice.window_min) == (action, window)


def test_before_a_full_week_on_the_window_the_answer_is_keep(database: Database) -> None:
    pid = new_person(database)
    set_plan(
        database,
        pid,
        rise=dt.time(6, 0),
        window_min=330,
        by="person",
        on=REF - dt.timedelta(days=3),
    )
    week_on_window(database, pid, sol=10, waso=15)
    advice = sleep_window(database, pid, on=REF)
    assert (advice.action, advice.window_min) == ("keep", 330)
    assert "2026-11-14" in advice.reasons[0]  # set on Nov 7, the weekly step due Nov 14


def test_a_contraindicated_profile_compresses_the_stored_window(database: Database) -> None:
    pid = new_person(database)
    update_profile(database, pid, conditions=["sleep_apnea_untreated"])
    for back in range(14, 28):  # baseline: 480 in bed, 360 asleep (gap 120, step 25)
        add_night(
            database, pid, REF - dt.timedelta(days=back), bed="22:00", up="06:00", sol=60, waso=60
        )
    set_plan(database, pid, rise=dt.time(6, 0), window_min=455, by="clinician", on=SET_ON)
    for back in range(7):  # on 455 min: 360 asleep, SE 79 %
        add_night(
            database, pid, REF - dt.timedelta(days=back), bed="22:25", up="06:00", sol=50, waso=45
        )
    advice = sleep_window(database, pid, on=REF)
    assert (advice.action, advice.window_min) == ("compress", 430)  # 455 - 120/5 -> 25


def test_early_withdrawal_defers_even_a_stored_window(database: Database) -> None:
    pid = new_person(database)
    set_plan(database, pid, rise=dt.time(6, 0), window_min=330, by="person", on=SET_ON)
    week_on_window(database, pid, sol=10, waso=15)
    advice = sleep_window(
        database,
        pid,
        on=REF,
        withdrawal=WithdrawalContext(last_dose_date=REF - dt.timedelta(days=2)),
    )
    assert (advice.action, advice.window_min, advice.rise) == ("defer", None, dt.time(6, 0))


def test_without_a_rise_time_given_or_stored_the_window_names_rise(database: Database) -> None:
    pid = new_person(database)
    with pytest.raises(InvalidInput) as caught:
        sleep_window(database, pid, on=REF)
    assert [p.field for p in caught.value.problems] == ["rise"]


def test_accepting_advice_stores_it_as_the_plan_in_force(database: Database) -> None:
    pid = new_person(database)
    for back in range(8):  # 450 in bed, 400 asleep: start at 390 (rounded down to 15)
        add_night(
            database, pid, REF - dt.timedelta(days=back), bed="23:00", up="06:30", sol=20, waso=30
        )
    advice = sleep_window(database, pid, rise=dt.time(6, 30), on=REF)
    plan = accept_advice(database, pid, advice, by="person", on=REF)
    assert (plan.action, plan.window_min, plan.bedtime, plan.set_on) == (
        "start",
        390,
        dt.time(0, 0),
        REF,
    )
    assert current_plan(database, pid) == plan


def test_an_answer_without_a_window_never_replaces_the_window_in_force(
    database: Database,
) -> None:
    pid = new_person(database)
    set_plan(database, pid, rise=dt.time(6, 0), window_min=330, by="person", on=SET_ON)
    week_on_window(database, pid, sol=10, waso=15, days=3)  # 3 of the last 7: collect
    advice = sleep_window(database, pid, on=REF)
    assert advice.action == "collect"
    with pytest.raises(InvalidInput) as caught:
        accept_advice(database, pid, advice, by="person", on=REF)
    assert [p.field for p in caught.value.problems] == ["accept"]
    assert len(plan_history(database, pid)) == 1


# -- one transaction per diary save ---------------------------------------------------


POOR = {  # eight hours in bed, five asleep: SE 62.5 %
    "bedtime": "22:30",
    "lights_off": "22:30",
    "sol_min": "90",
    "nwak": "2",
    "waso_min": "90",
    "final_wake": "06:30",
    "out_of_bed": "06:30",
    "quality": "2",
}


def test_a_diary_save_records_the_poor_sleep_alert_in_the_same_transaction(
    database: Database,
) -> None:
    from nightbridge.services.recovery.intake import log_intake
    from nightbridge.services.recovery.safety import alerts_between
    from nightbridge.services.sleep.diary import record_entry_with_alerts

    pid = new_person(database, Profile(tz="America/New_York", screened=True))
    log_intake(database, pid, "kratom", 2, "g", dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.UTC))
    for back in range(1, 5):
        record_entry(
            database, pid, {**POOR, "date": (REF - dt.timedelta(days=back)).isoformat()}, today=REF
        )
    assert alerts_between(database, pid, REF, REF) == []

    saved = record_entry_with_alerts(database, pid, {**POOR, "date": REF.isoformat()}, today=REF)

    assert "poor_sleep_after_last_dose" in {a.code for a in saved.alerts}
    assert "poor_sleep_after_last_dose" in {a.code for a in alerts_between(database, pid, REF, REF)}


def test_a_failing_alert_evaluation_stores_no_diary_entry(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nightbridge.services.recovery import safety
    from nightbridge.services.sleep.diary import record_entry_with_alerts

    pid = new_person(database)

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("the rules could not be read")

    monkeypatch.setattr(safety, "evaluate_days_in_session", broken)
    with pytest.raises(RuntimeError):
        record_entry_with_alerts(database, pid, {**POOR, "date": REF.isoformat()}, today=REF)
    assert list_entries(database, pid) == []


def test_accepting_the_held_window_mid_week_does_not_restart_the_week(
    database: Database,
) -> None:
    pid = new_person(database)
    set_on = REF - dt.timedelta(days=3)
    set_plan(database, pid, rise=dt.time(6, 0), window_min=330, by="person", on=set_on)
    week_on_window(database, pid, sol=10, waso=15)
    held = sleep_window(database, pid, on=REF)
    assert (held.action, held.window_min) == ("keep", 330)

    plan = accept_advice(database, pid, held, by="person", on=REF)

    assert plan.set_on == set_on
    assert len(plan_history(database, pid)) == 1


def test_accepting_keep_after_a_full_week_starts_the_next_week(database: Database) -> None:
    pid = new_person(database)
    set_plan(database, pid, rise=dt.time(6, 0), window_min=330, by="person", on=SET_ON)
    week_on_window(database, pid, sol=20, waso=20)  # SE 87.9 %: keep
    advice = sleep_window(database, pid, on=REF)
    assert advice.action == "keep"
    plan = accept_advice(database, pid, advice, by="person", on=REF)
    assert (plan.set_on, plan.action, plan.review_on) == (REF, "keep", REF + dt.timedelta(days=7))
    assert len(plan_history(database, pid)) == 2
