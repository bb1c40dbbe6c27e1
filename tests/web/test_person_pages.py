"""The person's pages: the morning diary, check-in, evening log, plan, trends and today.

Through the real app (TestClient) with the personas of tests/web/conftest.py. Dates
are in the past (the store refuses future mornings); "now" is frozen where it matters.
"""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from nightbridge.services.devices.devices import device_activity
from nightbridge.services.recovery.checkins import list_checkins
from nightbridge.services.recovery.intake import list_intake
from nightbridge.services.sleep.diary import list_entries, record_entry
from nightbridge.storage.repositories.toolkit import ToolkitRepository
from tests.web.conftest import NIGHT_FORM, Personas, main_of

NIGHT = {"date": "2026-03-02", **NIGHT_FORM}


def test_the_morning_diary_shows_the_nights_numbers_right_after_saving(
    personas: Personas,
) -> None:
    a = personas.patient_a
    saved = a.post_form("/diary", NIGHT)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/diary?saved=2026-03-02"
    page = main_of(a.client.get(saved.headers["location"]).text)
    # lights off 23:10 -> final wake 06:40 = 450 min, minus 20 + 15 = 415 min asleep;
    # in bed 23:00 -> 06:50 = 470 min; SE = 100 * 415 / 470 = 88.3 % (definitions.md s.1)
    assert 'data-metric="tst_min">6 h 55 min' in page
    assert 'data-metric="se_pct">88.3 %' in page
    assert 'data-metric="tib_min">7 h 50 min' in page
    assert [e.date for e in list_entries(personas.database, a.person_id)] == [dt.date(2026, 3, 2)]


def test_a_refused_diary_names_the_field_and_keeps_everything_typed(personas: Personas) -> None:
    a = personas.patient_a
    bad = {**NIGHT, "nwak": "0", "waso_min": "40", "bedtime": "22:47"}
    page = a.post_form("/diary", bad)
    assert page.status_code == 422
    html = main_of(page.text)
    assert 'aria-invalid="true" aria-describedby="e-nwak"' in html or 'id="e-waso_min"' in html
    assert re.search(r'id="e-(nwak|waso_min)">[^<]*(awakening|nwak|wak)', html)
    assert 'value="22:47"' in html and 'value="40"' in html and 'value="2026-03-02"' in html
    assert list_entries(personas.database, a.person_id) == []


def test_the_diary_form_offers_the_last_entrys_times(personas: Personas) -> None:
    a = personas.patient_a
    record_entry(personas.database, a.person_id, {**NIGHT, "bedtime": "22:35"})
    html = main_of(a.client.get("/diary").text)
    assert 'name="bedtime" type="time" value="22:35"' in html
    assert 'name="out_of_bed" type="time" value="06:50"' in html


def test_a_checkin_with_chest_pain_shows_the_emergency_banner_with_a_number_to_call(
    personas: Personas,
) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        saved = a.post_form("/checkin", {"date": "2026-03-05", "flag": "chest_pain"})
        assert saved.status_code == 303
        page = a.client.get(saved.headers["location"]).text
    assert 'class="alert alert-emergency" role="alert"' in page
    assert 'href="tel:911"' in page
    assert "Check-in saved" in page


def test_a_refused_checkin_keeps_the_answers_and_names_the_item(personas: Personas) -> None:
    a = personas.patient_a
    form = {"date": "2026-03-05", "symptom_aches": "3", "function": "2", "phq9_1": "2"}
    page = a.post_form("/checkin", form)
    assert page.status_code == 422
    html = main_of(page.text)
    assert "PHQ-9 questionnaire, question 2" in html and "answer every item" in html
    assert "phq9 item" not in html and "phq9_item_2</a>" not in html
    assert 'name="symptom_aches" value="3" checked' in html
    assert 'name="function" value="2" checked' in html
    assert (
        list_checkins(personas.database, a.person_id, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        == []
    )


def test_a_refused_symptom_is_named_as_the_checkin_lists_it(personas: Personas) -> None:
    a = personas.patient_a
    page = a.post_form("/checkin", {"date": "2026-03-05", "symptom_aches": "9"})
    assert page.status_code == 422
    html = main_of(page.text)
    assert "Withdrawal symptoms: muscle or bone aches" in html
    assert "symptom aches" not in html and "symptom_aches</a>" not in html


def test_the_evening_log_stores_intake_and_refuses_a_bad_amount_without_storing(
    personas: Personas,
) -> None:
    a = personas.patient_a
    now = dt.datetime(2026, 3, 5, 21, 30, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        bad = a.post_form(
            "/evening",
            {
                "substance": "kratom",
                "amount": "lots",
                "unit": "g",
                "time": "20:00",
                "caffeine_cups": "2",
                "last_caffeine": "15:00",
            },
        )
        assert bad.status_code == 422
        html = main_of(bad.text)
        assert 'id="e-amount"' in html and 'value="lots"' in html and 'value="15:00"' in html
        assert list_intake(personas.database, a.person_id, now.date(), now.date()) == []
        ok = a.post_form(
            "/evening",
            {
                "substance": "kratom",
                "amount": "2.5",
                "unit": "g",
                "time": "20:00",
                "caffeine_cups": "2",
                "last_caffeine": "15:00",
                "screens_last_hour": "yes",
                "exercise_min": "30",
            },
        )
        assert ok.status_code == 303
    logged = list_intake(personas.database, a.person_id, now.date(), now.date())
    assert sorted((e.substance, e.amount, e.unit) for e in logged) == [
        ("caffeine", 2.0, "cups"),
        ("kratom", 2.5, "g"),
    ]
    kratom = next(e for e in logged if e.substance == "kratom")
    assert kratom.at == dt.datetime(2026, 3, 5, 20, 0, tzinfo=dt.UTC)
    # screens belong to the night dated by tomorrow's morning; exercise to today
    with personas.database.reader() as session:
        evenings = ToolkitRepository(session).evenings(
            a.person_id, dt.date(2026, 3, 6), dt.date(2026, 3, 6)
        )
    assert evenings[dt.date(2026, 3, 6)].screens_last_hour is True
    activity = device_activity(personas.database, a.person_id, source="self-report")
    assert [(x.date, x.exercise_min) for x in activity] == [(dt.date(2026, 3, 5), 30.0)]


def test_today_lists_what_is_due_and_last_nights_numbers(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC), tick=False):
        before = main_of(a.client.get("/today").text)
        assert 'data-due="diary"' in before and 'data-due="checkin"' in before
        assert "PHQ-9 and GAD-7" in before  # never done: due
        assert 'data-due="evening"' in before  # after 17:00
        a.post_form("/diary", NIGHT)
        after = main_of(a.client.get("/today").text)
    assert 'data-due="diary"' not in after
    assert 'data-metric="tst_min">6 h 55 min' in after


def test_the_trends_page_draws_four_charts_each_with_its_table(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        for day in range(2, 12):
            record_entry(personas.database, a.person_id, {**NIGHT, "date": f"2026-03-{day:02d}"})
        html = main_of(a.client.get("/trends").text)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 6
    assert html.count("<summary>Show the numbers") == 6
    assert html.count('class="nb-asleep"') == 10
    assert '<th scope="row">2026-03-11</th>' in html


def test_the_plan_explains_the_window_and_refuses_a_bad_rise_time(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        for day in range(2, 12):
            record_entry(personas.database, a.person_id, {**NIGHT, "date": f"2026-03-{day:02d}"})
        html = main_of(a.client.get("/plan?rise=06:45").text)
        refused = a.client.get("/plan?rise=25:99")
    # 10 nights of 415 min: window = floor(415 / 15) * 15 = 405 min = 6 h 45;
    # bedtime = 06:45 - 6 h 45 = 00:00 (definitions.md section 2)
    assert 'data-action="start"' in html
    assert "Bed at 00:00" in html and "up at 06:45" in html
    assert "Stimulus control" in html
    assert refused.status_code == 422
    assert 'id="e-rise"' in refused.text


def test_every_form_carries_the_sessions_csrf_token(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    pages = [(a, "/diary"), (a, "/checkin"), (a, "/evening")]
    pages.append((clinician, f"/clinician/people/{a.person_id}"))
    for persona, url in pages:
        html = main_of(persona.client.get(url).text)
        forms = html.count('<form method="post"')
        tokens = re.findall(r'name="csrf_token" value="([^"]*)"', html)
        assert forms >= 1 and len(tokens) == forms, url
        assert set(tokens) == {persona.csrf_token}, url


def test_todays_alerts_are_at_the_top_of_every_page_of_the_person(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        a.post_form("/checkin", {"date": "2026-03-05", "self_harm_thoughts": "yes"})
        for url in ("/today", "/diary", "/trends", "/plan"):
            html = a.client.get(url).text
            top = html[: html.index("<main")]
            assert 'class="alert alert-crisis" role="alert"' in top, url
            assert 'href="tel:988"' in top, url
        other = personas.patient_b.client.get("/today").text
    assert "alert-crisis" not in other


def test_the_page_stylesheet_carries_the_chart_colours() -> None:
    from pathlib import Path

    from nightbridge.reports.svg import CHART_STYLE

    css = Path(__file__).resolve().parents[2] / "src/nightbridge/web/static/pages.css"
    assert CHART_STYLE in css.read_text(encoding="utf-8")


def test_with_a_window_in_force_the_plan_applies_the_weekly_step(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        for day in range(2, 12):
            record_entry(personas.database, a.person_id, {**NIGHT, "date": f"2026-03-{day:02d}"})
        keep = main_of(a.client.get("/plan?rise=06:45&current=405").text)
        bad = a.client.get("/plan?rise=06:45&current=lots")
    # pooled SE of the last 7 nights = 88.3 %: between 85 and 90, so keep (definitions s.2)
    assert 'data-action="keep"' in keep and "Bed at 00:00" in keep
    assert bad.status_code == 422 and 'id="e-current"' in bad.text
    assert 'value="lots"' in bad.text


def test_the_evening_log_is_no_longer_due_once_tonights_intake_is_in(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 2, 20, 30, tzinfo=dt.UTC), tick=False):
        assert 'data-due="evening"' in a.client.get("/today").text
        a.post_form("/evening", {"substance": "melatonin", "amount": "1", "unit": "mg"})
        assert 'data-due="evening"' not in a.client.get("/today").text


def test_the_checkin_shows_todays_earlier_answers_again(personas: Personas) -> None:
    a = personas.patient_a
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        a.post_form("/checkin", {"date": "2026-03-05", "symptom_craving": "3", "function": "4"})
        html = main_of(a.client.get("/checkin").text)
    assert 'name="symptom_craving" value="3" checked' in html
    assert 'name="function" value="4" checked' in html
