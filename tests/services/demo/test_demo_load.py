"""Loading the demo through the services: once, on both engines, with the story intact."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from nightbridge.core.errors import NightbridgeError
from nightbridge.services.access import Actor
from nightbridge.services.accounts.auth import AuthPolicy, verify_password
from nightbridge.services.accounts.notes import list_notes
from nightbridge.services.accounts.sharing import list_patients
from nightbridge.services.demo.demo import load_demo
from nightbridge.services.recovery.checkins import list_checkins
from nightbridge.services.recovery.safety import alerts_between
from nightbridge.services.recovery.taper import get_taper
from nightbridge.services.sleep.diary import list_entries, record_entry
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from tests.web.conftest import test_keys

FAST = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
TODAY = dt.date(2026, 3, 31)  # a fixed past date: every demo time is then in the past


def test_it_loads_the_demo_once_and_repeating_adds_nothing(database: Database) -> None:
    calls: list[tuple[int, int]] = []
    first = load_demo(
        database,
        keys=test_keys(),
        days=14,
        today=TODAY,
        policy=FAST,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert first.loaded
    assert calls[-1] == (15, 15)
    entries = list_entries(database, first.person_id)
    assert len(entries) == 11  # 14 mornings: none for the first night, two missed

    again = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    assert not again.loaded
    assert again.clinician_totp_secret == first.clinician_totp_secret
    assert again.person_id == first.person_id
    assert len(list_entries(database, first.person_id)) == 11


def test_the_demo_logins_work_and_the_clinician_sees_both_people(database: Database) -> None:
    logins = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    with database.reader() as session:
        accounts = AccountRepository(session)
        person = accounts.by_username(logins.person_email)
        clinician = accounts.by_username(logins.clinician_email)
        assert person is not None and clinician is not None
        assert verify_password(FAST, person.password_hash, logins.person_password)
        assert verify_password(FAST, clinician.password_hash, logins.clinician_password)
        assert clinician.totp_confirmed
        clinician_id = clinician.id
    assert len(pyotp.TOTP(logins.clinician_totp_secret).now()) == 6
    patients = list_patients(database, Actor(clinician_id, "clinician"))
    assert {p.person_id for p in patients} == {logins.person_id, logins.second_person_id}
    assert len(list_notes(database, logins.person_id)) == 2


def test_the_demo_clinic_shows_sam_to_dr_kim_view_only(database: Database) -> None:
    from nightbridge.services.access import Forbidden, authorize
    from nightbridge.services.clinic.clinics import clinic_detail

    logins = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    with database.reader() as session:
        accounts = AccountRepository(session)
        kim, lee = (
            accounts.by_username(logins.colleague_email),
            accounts.by_username(logins.clinician_email),
        )
        assert kim is not None and lee is not None and kim.totp_confirmed
        assert verify_password(FAST, kim.password_hash, logins.colleague_password)
        kim_actor, lee_actor = Actor(kim.id, "clinician"), Actor(lee.id, "clinician")
        authorize(session, kim_actor, logins.person_id, "read")
        with pytest.raises(Forbidden):
            authorize(session, kim_actor, logins.person_id, "manage")
        authorize(session, lee_actor, logins.person_id, "manage")  # Sam's own share
    detail = clinic_detail(database, lee_actor, logins.clinic_id)
    assert detail.clinic.name == "Riverside Recovery Clinic" and detail.people == 1
    assert {(m.username, m.role) for m in detail.members} == {
        (logins.clinician_email, "clinic_admin"),
        (logins.colleague_email, "clinician"),
    }
    assert [p.name for p in list_patients(database, kim_actor)] == ["Sam"]
    assert any("dr.kim@" in line for line in logins.lines())
    again = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    assert (again.clinic_id, again.colleague_totp_secret) == (
        logins.clinic_id,
        logins.colleague_totp_secret,
    )


def test_the_demo_raises_the_early_combination_alert_and_keeps_the_taper(
    database: Database,
) -> None:
    logins = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    start = TODAY - dt.timedelta(days=13)
    alerts = alerts_between(database, logins.person_id, start, TODAY)
    codes = {(a.date, a.code) for a in alerts}
    assert (start + dt.timedelta(days=3), "depressant_combination") in codes
    assert any(a.level == "urgent" and a.date == start + dt.timedelta(days=5) for a in alerts)
    taper = get_taper(database, logins.person_id)
    assert taper is not None and taper.start == start and taper.substance == "kratom"
    checkins = list_checkins(database, logins.person_id, start, TODAY)
    assert len(checkins) == 13  # today's is left to do
    assert checkins[0].phq9 is not None and checkins[0].gad7 is not None


def test_it_refuses_a_store_whose_own_person_already_keeps_a_diary(database: Database) -> None:
    from nightbridge.core.profile import Profile
    from nightbridge.storage.repositories.persons import PersonRepository

    with database.transaction() as session:
        owner = PersonRepository(session).ensure_owner(Profile())
    record_entry(
        database,
        owner,
        {
            "date": "2026-03-01",
            "bedtime": "23:00",
            "lights_off": "23:10",
            "sol_min": "20",
            "nwak": "1",
            "waso_min": "10",
            "final_wake": "06:30",
            "out_of_bed": "06:45",
            "quality": "3",
        },
        today=TODAY,
    )
    with pytest.raises(NightbridgeError, match="already keeps a diary"):
        load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    assert len(list_entries(database, owner)) == 1


def test_the_demo_command_prints_the_logins_and_is_safe_to_repeat(run_cli) -> None:  # type: ignore[no-untyped-def]
    first = run_cli("demo", "--days", "14", "--people", "3")
    assert first.exit_code == 0, first.stderr
    assert "sam@demo.nightbridge.local  password: demo-sam-sleeps-better" in first.stdout
    secret = next(
        line.split(":", 1)[1].strip() for line in first.stdout.splitlines() if "TOTP secret" in line
    )
    assert f"pyotp.TOTP('{secret}').now()" in first.stdout
    again = run_cli("demo", "--days", "14", "--json")
    assert again.exit_code == 0, again.stderr
    import json

    doc = json.loads(again.stdout)
    assert doc["loaded"] is False
    assert doc["clinician"]["totp_secret"] == secret
    listed = run_cli("diary", "list", "--json")
    assert len(json.loads(listed.stdout)) == 11  # Sam is the store's own person


def test_the_demo_command_refuses_too_few_days(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("demo", "--days", "3")
    assert result.exit_code == 2
    assert "days" in result.stderr


def test_a_demo_load_cut_short_is_reported_not_passed_off_as_complete(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nightbridge.services.demo.demo as demo

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(demo, "_share", fail)
    with pytest.raises(RuntimeError):
        load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    monkeypatch.undo()
    with pytest.raises(NightbridgeError, match="cut short"):
        load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)


def test_sam_has_device_nights_beside_the_diary_through_the_apple_health_import(
    database: Database,
) -> None:
    from nightbridge.services.devices.devices import device_nights
    from nightbridge.services.sleep.diary import list_nights

    logins = load_demo(database, keys=test_keys(), days=28, today=TODAY, policy=FAST)
    start = TODAY - dt.timedelta(days=27)
    nights = device_nights(database, logins.person_id, start=start, end=TODAY)
    chosen = [n for n in nights if n.chosen]
    assert len({n.date for n in chosen}) >= 28 - 3  # the watch was charging on two nights
    assert {n.source for n in chosen} == {"Sam’s Apple Watch"}  # the iPhone's in-bed only
    assert all(n.has_stages and n.stages["deep"] > 0 and n.stages["rem"] > 0 for n in chosen)
    diary = {n.date: n for n in list_nights(database, logins.person_id, start, TODAY)}
    both = [(n, diary[n.date]) for n in chosen if n.date in diary]
    assert len(both) >= 20
    # Devices read a little more sleep than the diary, on most nights and on average.
    more = [device.tst_min - night.tst_min for device, night in both]
    assert sum(d > 0 for d in more) >= 0.8 * len(more)
    assert 0 < sum(more) / len(more) < 90


def test_jordan_has_a_window_dr_lee_started_two_weeks_ago_and_widened_once(
    database: Database,
) -> None:
    from nightbridge.services.sleep.window import current_plan, plan_history, withdrawal_for

    logins = load_demo(database, keys=test_keys(), days=28, today=TODAY, policy=FAST)
    history = plan_history(database, logins.second_person_id)
    assert [(p.set_on, p.set_by, p.action) for p in history] == [
        (TODAY - dt.timedelta(days=14), "clinician", "start"),
        (TODAY - dt.timedelta(days=7), "clinician", "increase"),
    ]
    assert history[1].window_min == history[0].window_min + 15
    assert current_plan(database, logins.second_person_id) == history[-1]
    context = withdrawal_for(database, logins.second_person_id, TODAY)
    assert context.last_dose_date is None and not context.moderate_or_worse_dates
    # Sam is still tapering: the window is deferred, so none is stored for Sam.
    assert plan_history(database, logins.person_id) == []


def test_triage_puts_sam_first_with_one_advise_alert_from_yesterdays_gad7(
    database: Database,
) -> None:
    from nightbridge.services.clinic.triage import build_triage

    logins = load_demo(database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    with database.reader() as session:
        clinician = AccountRepository(session).by_username(logins.clinician_email)
        assert clinician is not None
        clinician_id = clinician.id
    now = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=dt.UTC)
    rows = build_triage(database, Actor(clinician_id, "clinician"), now=now)
    assert [(r.name, r.top_level) for r in rows] == [("Sam", "advise"), ("Jordan", None)]
    assert [(a.date, a.code) for a in rows[0].alerts] == [
        (TODAY - dt.timedelta(days=1), "gad7_moderate")
    ]
    assert rows[1].days_since_entry == 5
