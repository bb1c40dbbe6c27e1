"""The demo plan: seeded, realistic in shape (the story in services/demo/demo.py)."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.services.demo.demo import (
    QUESTIONNAIRE_EVERY_DAYS,
    RECENT_GAD7,
    DemoLogins,
    plan_demo,
    plan_second_person,
    taper_target,
)

TODAY = dt.date(2026, 11, 21)


def test_the_same_seed_gives_the_same_six_weeks() -> None:
    assert plan_demo(42, today=TODAY) == plan_demo(42, today=TODAY)
    assert plan_demo(42, today=TODAY) != plan_demo(42, today=TODAY, seed=7)


def test_it_covers_the_days_asked_for_and_ends_today() -> None:
    plan = plan_demo(42, today=TODAY)
    assert len(plan.days) == 42
    assert plan.days[-1].date == TODAY
    assert plan.start == TODAY - dt.timedelta(days=41)


def test_withdrawal_eases_from_moderate_to_minimal() -> None:
    scores = [d.symptom_score for d in plan_demo(42, today=TODAY).days]
    first_week, last_week = statistics.mean(scores[:7]), statistics.mean(scores[-7:])
    assert 21 <= first_week <= 36  # moderate band, definitions.md section 3
    assert last_week <= 8  # minimal band
    assert all(0 <= v <= 4 for d in plan_demo(42, today=TODAY).days for v in d.symptoms.values())


def test_sleep_improves_with_noise() -> None:
    nights = [d.diary for d in plan_demo(42, today=TODAY).days if d.diary]
    sol = [int(n["sol_min"]) for n in nights]
    waso = [int(n["waso_min"]) for n in nights]
    assert statistics.mean(sol[-7:]) < statistics.mean(sol[:7]) - 20
    assert statistics.mean(waso[-7:]) < statistics.mean(waso[:7]) - 30
    assert len(set(sol)) > 10  # noisy, not a straight line
    assert len(nights) == 39  # two missed mornings, and none for the first night


def test_intake_follows_the_taper_except_two_days_over_plan() -> None:
    plan = plan_demo(42, today=TODAY)
    over = []
    for day in plan.days:
        kratom = sum(i.amount for i in day.intake if i.substance == "kratom")
        target = taper_target(plan.start, day.date)
        if abs(kratom - target) > 0.05:
            over.append(round(kratom - target, 1))
    assert over == [1.5, 1.5]


def test_the_taper_steps_down_ten_percent_a_week_rounded_to_a_tenth() -> None:
    start = dt.date(2026, 1, 1)
    targets = [taper_target(start, start + dt.timedelta(days=7 * k)) for k in range(6)]
    # 12 -> 12-1.2 -> 10.8-1.08=9.72 -> 9.7-0.97=8.73 -> 8.7-0.87=7.83 -> 7.8-0.78=7.02
    assert targets == [12.0, 10.8, 9.7, 8.7, 7.8, 7.0]


def test_there_is_one_early_kratom_and_alcohol_day_for_the_combination_alert() -> None:
    plan = plan_demo(42, today=TODAY)
    alcohol_days = [d.date for d in plan.days if any(i.unit == "drinks" for i in d.intake)]
    assert alcohol_days == [plan.start + dt.timedelta(days=3)]


def test_questionnaires_come_every_fourteen_days_and_item_nine_is_always_zero() -> None:
    plan = plan_demo(42, today=TODAY)
    dates = [d.date for d in plan.days if d.phq9 is not None]
    assert [(x - plan.start).days for x in dates] == [0, 14, 28]
    assert QUESTIONNAIRE_EVERY_DAYS == 14
    for day in plan.days:
        if day.phq9:
            assert len(day.phq9) == 9 and day.phq9[8] == 0
            assert day.gad7 is not None and len(day.gad7) == 7
    totals = [sum(d.phq9) for d in plan.days if d.phq9]
    assert totals[0] > totals[-1]


def test_the_second_person_has_not_logged_for_five_days() -> None:
    entries = plan_second_person(42, today=TODAY)
    assert entries[-1]["date"] == (TODAY - dt.timedelta(days=5)).isoformat()


def test_it_refuses_a_silly_number_of_days() -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_demo(3, today=TODAY)
    assert caught.value.problems[0].field == "days"


def test_the_logins_say_how_to_get_a_totp_code() -> None:
    logins = DemoLogins(clinician_totp_secret="JBSWY3DPEHPK3PXP")
    text = "\n".join(logins.lines(python="python3"))
    assert """python3 -c "import pyotp; print(pyotp.TOTP('JBSWY3DPEHPK3PXP').now())\"""" in text
    assert logins.person_email in text and logins.person_password in text


def test_yesterdays_gad7_is_in_the_moderate_band_and_the_rest_of_the_plan_is_unchanged() -> None:
    plan = plan_demo(42, today=TODAY)
    yesterday = plan.days[-2]
    assert yesterday.gad7 == RECENT_GAD7 and 10 <= sum(RECENT_GAD7) <= 14
    assert yesterday.phq9 is None
    assert [d.date for d in plan.days if d.gad7 is not None][-1] == TODAY - dt.timedelta(days=1)


def test_jordan_keeps_the_window_on_the_nights_it_is_in_force() -> None:
    rise = dt.time(6, 30)
    since = TODAY - dt.timedelta(days=14)

    def kept(day: dt.date) -> tuple[dt.time, int] | None:
        return (rise, 345) if day > since else None

    free = plan_second_person(42, today=TODAY)
    kept_entries = plan_second_person(42, today=TODAY, window=kept)
    before = [e for e in kept_entries if dt.date.fromisoformat(e["date"]) <= since]
    assert before == free[: len(before)]  # the same seed: the same nights before it
    for entry in kept_entries[len(before) :]:
        assert "00:37" <= entry["lights_off"] <= "00:51"  # 06:30 - 5 h 45 min, give or take
        assert "06:30" <= entry["out_of_bed"] <= "06:36"


def test_the_apple_health_export_is_seeded_and_keeps_each_instants_own_offset() -> None:
    from nightbridge.services.demo.demo_devices import apple_health_export

    plan = plan_demo(14, today=dt.date(2026, 11, 7))  # US clocks go back on 2026-11-01
    now = dt.datetime(2026, 11, 7, 23, 0, tzinfo=dt.UTC)
    export = apple_health_export(plan, "America/New_York", now, seed=1)
    assert export == apple_health_export(plan, "America/New_York", now, seed=1)
    text = export.decode()
    assert 'startDate="2026-10-31 23' in text and " -0400" in text and " -0500" in text
    assert text.count("AnalysisInBed") == 14 and "AnalysisAsleepDeep" in text


def test_a_year_stops_taking_kratom_once_the_taper_reaches_zero() -> None:
    plan = plan_demo(366, today=TODAY)
    kratom = [sum(i.amount for i in d.intake if i.substance == "kratom") for d in plan.days]
    assert all(i.amount > 0 for d in plan.days for i in d.intake)  # never a 0 g dose
    assert kratom[0] > 0 and kratom[-1] == 0 and taper_target(plan.start, plan.today) == 0
