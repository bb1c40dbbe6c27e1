"""Gathering a report from a real store (filled through the services)."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.services.handover.reports import gather_report, make_report, report_span
from nightbridge.storage.database import Database
from tests.services.store_sample import TODAY, fill_store

NOW = dt.datetime(2026, 3, 23, 2, 0, tzinfo=dt.UTC)  # 2026-03-22 21:00 in Chicago


def test_the_default_span_is_the_week_up_to_today() -> None:
    assert report_span(None, None, TODAY) == (TODAY - dt.timedelta(days=6), TODAY)
    assert report_span(None, dt.date(2026, 3, 10), TODAY) == (
        dt.date(2026, 3, 4),
        dt.date(2026, 3, 10),
    )
    with pytest.raises(InvalidInput) as err:
        report_span(dt.date(2026, 3, 10), dt.date(2026, 3, 1), TODAY)
    assert err.value.problems[0].field == "to"


def test_it_gathers_the_span_from_every_service(database: Database) -> None:
    person = fill_store(database, days=28)
    progress: list[str] = []
    data = gather_report(
        database,
        person,
        start=dt.date(2026, 3, 9),
        end=TODAY,
        now=NOW,
        progress=progress.append,
    )
    assert (data.start, data.end, data.tz) == (dt.date(2026, 3, 9), TODAY, "America/Chicago")
    assert all(dt.date(2026, 3, 9) <= n.date <= TODAY for n in data.nights)
    assert len(data.nights) == 13  # the demo plan skips one morning in these 14
    assert len(data.checkins) == 14
    assert {d.substance for d in data.intake} == {"kratom", "coffee"}
    assert data.taper is not None and data.taper.substance == "kratom"
    assert [s.target for s in data.taper.steps] == sorted(
        (s.target for s in data.taper.steps), reverse=True
    )
    assert data.regularity is not None and data.regularity.sri.sri is not None
    assert data.window is not None and data.window.rise is not None
    # Every diary night up to the end, not only the span: 28 days less the first morning
    # and the two the demo plan skips.
    assert data.findings_nights == 25
    assert {f.exposure for f in data.findings} >= {"kratom_any", "caffeine_after_noon"}
    assert "diary" in progress and "what helps me" in progress


def test_alerts_of_the_span_come_with_their_evidence(sqlite_database: Database) -> None:
    person = fill_store(sqlite_database, days=21)  # day 3: alcohol on a kratom day
    data = gather_report(sqlite_database, person, start=dt.date(2026, 3, 1), end=TODAY, now=NOW)
    codes = [a.code for a in data.alerts]
    assert any(a.level == "urgent" for a in data.alerts), codes
    assert all(dt.date(2026, 3, 1) <= a.date <= TODAY for a in data.alerts)


def test_make_report_renders_both_formats_without_writing(sqlite_database: Database) -> None:
    person = fill_store(sqlite_database, days=21)
    with sqlite_database.reader() as session:
        before = session.connection().exec_driver_sql("select count(*) from alerts").scalar()
    pdf = make_report(sqlite_database, person, "pdf", end=TODAY, now=NOW)
    html = make_report(sqlite_database, person, "html", end=TODAY, now=NOW)
    assert pdf.startswith(b"%PDF-") and html.startswith(b"<!doctype html>")
    with sqlite_database.reader() as session:
        after = session.connection().exec_driver_sql("select count(*) from alerts").scalar()
    assert before == after


def test_device_nights_get_their_own_regularity_next_to_the_diarys(
    sqlite_database: Database,
) -> None:
    from zoneinfo import ZoneInfo

    from nightbridge.core.device_nights import build_nights
    from nightbridge.core.samples import SleepSample
    from nightbridge.reports.report import regularity_rows
    from nightbridge.storage.repositories.devices import DeviceRepository

    person = fill_store(sqlite_database, days=14)
    zone = ZoneInfo("America/Chicago")
    samples = []
    for i in range(10):  # asleep 23:00-07:00 every night, mornings Mar 13..22
        morning = dt.date(2026, 3, 13) + dt.timedelta(days=i)
        start = dt.datetime.combine(morning - dt.timedelta(days=1), dt.time(23), tzinfo=zone)
        end = dt.datetime.combine(morning, dt.time(7), tzinfo=zone)
        samples.append(SleepSample("Watch", start, end, "asleep", "light"))
    nights = build_nights(samples)
    with sqlite_database.transaction() as session:
        repo = DeviceRepository(session)
        repo.add_samples(person, samples)
        repo.replace_nights(person, dt.date(2026, 3, 13), TODAY, nights)
    data = gather_report(sqlite_database, person, start=dt.date(2026, 3, 13), end=TODAY, now=NOW)
    assert data.device_regularity is not None
    assert data.device_regularity.sri.sri == pytest.approx(100.0)
    assert data.device_regularity.sri.pairs == 9
    rows = dict(regularity_rows(data))
    assert rows["Sleep Regularity Index (-100..100), devices"].startswith("100 (9 pairs")
    assert "Sleep Regularity Index (-100..100)" in rows  # the diary's, kept apart


def test_device_naps_count_in_the_device_sri(sqlite_database: Database) -> None:
    from zoneinfo import ZoneInfo

    from nightbridge.core.device_nights import build_nights
    from nightbridge.core.samples import SleepSample
    from nightbridge.storage.repositories.devices import DeviceRepository

    person = fill_store(sqlite_database, days=14)
    zone = ZoneInfo("America/Chicago")
    samples = []
    for i in range(10):  # 23:00-07:00 every night; a 14:00-15:00 nap before every other
        morning = dt.date(2026, 3, 13) + dt.timedelta(days=i)
        eve = morning - dt.timedelta(days=1)
        start = dt.datetime.combine(eve, dt.time(23), tzinfo=zone)
        end = dt.datetime.combine(morning, dt.time(7), tzinfo=zone)
        samples.append(SleepSample("Watch", start, end, "asleep", "light"))
        if i % 2:
            nap = dt.datetime.combine(eve, dt.time(14), tzinfo=zone)
            samples.append(
                SleepSample("Watch", nap, nap + dt.timedelta(hours=1), "asleep", "light")
            )
    nights = build_nights(sorted(samples, key=lambda s: s.start))
    assert any(n.is_nap for n in nights)
    with sqlite_database.transaction() as session:
        repo = DeviceRepository(session)
        repo.add_samples(person, samples)
        repo.replace_nights(person, dt.date(2026, 3, 13), TODAY, nights)
    data = gather_report(sqlite_database, person, start=dt.date(2026, 3, 13), end=TODAY, now=NOW)
    assert data.device_regularity is not None
    # Each of the 9 pairs differs in the 60 nap minutes: -100 + 200 * 1380 / 1440.
    assert data.device_regularity.sri.sri == pytest.approx(-100 + 200 * 1380 / 1440)
    assert data.device_regularity.sri.pairs == 9
    assert data.device_regularity.rise_sd_min == pytest.approx(0.0)  # naps move no timing


def test_device_regularity_takes_each_nights_own_samples_as_a_scan_of_all_would(
    sqlite_database: Database,
) -> None:
    """The nights' samples found by bisection give the regularity that testing every
    sample against every night gives (the demo's watch: stages, awakenings, nights off)."""
    from nightbridge.core.regularity import (
        assess_regularity,
        sleep_day_bounds,
        sleep_day_from_intervals,
    )
    from nightbridge.services.demo.demo import plan_demo
    from nightbridge.services.demo.demo_devices import import_demo_devices
    from nightbridge.services.devices.devices import device_nights
    from nightbridge.storage.repositories.devices import DeviceRepository

    person = fill_store(sqlite_database, days=14)
    import_demo_devices(sqlite_database, person, plan_demo(42, today=TODAY), "America/Chicago", NOW)
    start = TODAY - dt.timedelta(days=41)
    data = gather_report(sqlite_database, person, start=start, end=TODAY, now=NOW)
    stored = device_nights(sqlite_database, person, start=start, end=TODAY)
    nights = [n for n in stored if n.chosen and not n.is_nap]
    with sqlite_database.reader() as session:
        samples = DeviceRepository(session).samples_between(
            person,
            dt.datetime.combine(start - dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
            dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC),
        )
    days = []
    for night in nights:
        noon_before, noon = sleep_day_bounds(night.date, "America/Chicago")
        asleep, naps = [], []
        for s in samples:
            if s.source != night.source or s.state != "asleep":
                continue
            if night.start <= s.start and s.end <= night.end:
                asleep.append((s.start, s.end))
            elif s.end > noon_before and s.start < noon:
                naps.append((max(s.start, noon_before), min(s.end, noon)))
        day = sleep_day_from_intervals(night.date, asleep, naps)
        if day is not None:
            days.append(day)
    assert len(days) >= 35 and len(samples) > 10 * len(days)
    assert data.device_regularity == assess_regularity(days, "America/Chicago")
