"""Everything in reach at any time (issue 13 item 3): the menu has Diary, Log, Check-in
and Help; the last 7 mornings can be filled in or corrected, with the saved entry shown
and its replacement stated; the Log page takes several substances a day, each with its
own time, at any hour. Through the real app with the personas of tests/web/conftest.py;
"now" is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine

from nightbridge.services.recovery.intake import list_intake
from nightbridge.services.sleep.dashboard import person_zone
from nightbridge.services.sleep.diary import list_entries
from tests.web.conftest import NIGHT_FORM, Personas, main_of

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_the_menu_reaches_diary_log_checkin_and_help(personas: Personas) -> None:
    nav = personas.patient_a.client.get("/today").text
    nav = nav[nav.index('<nav aria-label="Main">') : nav.index("</nav>")]
    more = nav.index('class="more-menu"')
    for path, label in (
        ("/diary", "Diary"),
        ("/log", "Log"),
        ("/checkin", "Check-in"),
        ("/help-now", "Help"),
    ):
        assert nav.index(f'<a href="{path}">{label}</a>') < more  # in sight, not under More


@time_machine.travel(NOW, tick=False)
def test_a_missed_morning_is_filled_in_and_a_saved_one_corrected(personas: Personas) -> None:
    a = personas.patient_a
    page = main_of(a.client.get("/diary").text)
    recent = page[page.index('id="recent-mornings"') :]
    links = re.findall(r'href="/diary\?date=([0-9-]+)">(Fill in|Correct)', recent)
    assert [d for d, _ in links] == [f"2026-03-{day:02d}" for day in range(10, 3, -1)]
    assert {kind for _, kind in links} == {"Fill in"}

    # Three mornings ago, missed: filled in now.
    assert a.post_form("/diary", {**NIGHT_FORM, "date": "2026-03-07"}).status_code == 303
    page = main_of(a.client.get("/diary?date=2026-03-07").text)
    assert "Already filled in for this morning" in page and "<strong>replaces</strong>" in page
    assert 'value="2026-03-07"' in page and 'id="f-waso_min" name="waso_min"' in page
    assert re.search(r'id="f-waso_min"[^>]*value="15"', page)
    assert "Replace this morning&#39;s entry" in page or "Replace this morning's entry" in page
    listed = main_of(a.client.get("/diary").text)
    assert 'href="/diary?date=2026-03-07">Correct' in listed

    # Corrected: the entry replaced, not doubled.
    assert (
        a.post_form("/diary", {**NIGHT_FORM, "date": "2026-03-07", "waso_min": "45"}).status_code
        == 303
    )
    entries = list_entries(personas.database, a.person_id)
    assert [(e.date, e.waso_min) for e in entries] == [(dt.date(2026, 3, 7), 45)]
    # A morning not yet filled in shows no "replaces" note.
    assert "Already filled in" not in a.client.get("/diary?date=2026-03-08").text


@time_machine.travel(NOW, tick=False)
def test_the_log_takes_several_substances_each_at_its_own_time(personas: Personas) -> None:
    a = personas.patient_a
    form = {
        "date": "2026-03-10",
        "substance.0": "kratom",
        "amount.0": "2",
        "unit.0": "g",
        "time.0": "07:30",
        "substance.1": "melatonin",
        "amount.1": "1",
        "unit.1": "mg",
        "time.1": "09:15",
    }
    saved = a.post_form("/log", form)
    assert saved.status_code == 303 and saved.headers["location"] == "/log?date=2026-03-10&saved=1"
    events = list_intake(personas.database, a.person_id, dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    zone = ZoneInfo(person_zone(personas.database, a.person_id))
    assert [(e.substance, e.at.astimezone(zone).strftime("%H:%M")) for e in events] == [
        ("kratom", "07:30"),
        ("melatonin", "09:15"),
    ]
    page = main_of(a.client.get(saved.headers["location"]).text)
    assert re.search(r"<td>07:30</td><td>kratom</td>", page)
    assert re.search(r"<td>09:15</td><td>melatonin</td>", page)

    # Yesterday at 22:00 (a dose logged the morning after).
    late = {
        "date": "2026-03-09",
        "substance.0": "kratom",
        "amount.0": "3",
        "unit.0": "g",
        "time.0": "22:00",
    }
    assert a.post_form("/log", late).status_code == 303
    assert (
        len(list_intake(personas.database, a.person_id, dt.date(2026, 3, 9), dt.date(2026, 3, 9)))
        == 1
    )


@time_machine.travel(NOW, tick=False)
def test_a_bad_line_stores_nothing_and_names_the_question(personas: Personas) -> None:
    a = personas.patient_a
    form = {
        "date": "2026-03-10",
        "substance.0": "kratom",
        "amount.0": "2",
        "unit.0": "g",
        "time.0": "08:00",
        "substance.1": "melatonin",
        "amount.1": "1",
        "unit.1": "mg",
        "time.1": "23:30",
    }
    page = a.post_form("/log", form)
    assert page.status_code == 422
    html = main_of(page.text)
    assert "Time, item 2</a>: is later than now" in html
    assert 'value="kratom"' in html and 'value="23:30"' in html  # everything typed kept
    assert (
        list_intake(personas.database, a.person_id, dt.date(2026, 3, 1), dt.date(2026, 3, 10)) == []
    )
    empty = a.post_form("/log", {"date": "2026-03-10"})
    assert empty.status_code == 422 and "What, item 1</a>: is empty" in empty.text
    old = a.post_form("/log", {**form, "date": "2026-02-01", "time.1": "08:00"})
    assert (
        old.status_code == 422 and "Day</a>: can be today or one of the 6 days before" in old.text
    )


@time_machine.travel(NOW, tick=False)
def test_the_api_logs_several_substances_once_per_key(personas: Personas) -> None:
    a = personas.patient_a
    body = {
        "date": "2026-03-10",
        "items": [
            {"substance": "kratom", "amount": "2", "unit": "g", "time": "07:30"},
            {"substance": "melatonin", "amount": 1, "unit": "mg", "time": "09:15"},
        ],
    }
    headers = {"Idempotency-Key": "phone-log-0001"}
    first = a.send("POST", "/api/me/intake", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert [i["substance"] for i in first.json()["intake"]] == ["kratom", "melatonin"]
    again = a.send("POST", "/api/me/intake", json=body, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    day = dt.date(2026, 3, 10)
    assert len(list_intake(personas.database, a.person_id, day, day)) == 2
    bad = {"items": [body["items"][0], {**body["items"][1], "time": "23:30"}]}
    refused = a.send("POST", "/api/me/intake", json=bad)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["question"] == "Time, item 2"
    assert len(list_intake(personas.database, a.person_id, day, day)) == 2
