"""The clinician's page about a person (issue 14 item 3): the one-screen summary with the
right figures for a realistic person built through the services, the ISI entered by the
person (web and API), and the COWS rated by a clinician (web and API), refused to a
person, to a clinician without a share, and stored with who rated it. On SQLite and
PostgreSQL (the ``people`` fixture runs on both stores)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

import pytest
import time_machine

from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.intake import IntakeRow, log_intakes
from nightbridge.services.recovery.questionnaires import list_ratings, record_isi
from nightbridge.services.recovery.taper import set_taper
from nightbridge.services.sleep.dashboard import record_diary
from nightbridge.services.sleep.window import set_plan
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.web.conftest import FAST_AUTH, NIGHT_FORM, Personas, main_of, make_personas

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
#: A COWS rating as a clinician gives it: total 1+1+1+1+1+1+2+1+1+1+3 = 14 (moderate).
COWS_14 = [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3]
#: The last 7 mornings: minutes to fall asleep and awake in the night (sum 50 each night,
#: so every night is 7 h 00 from lights off less 50 = 370 min asleep of 460 in bed).
WEEK_SOL = (20, 30, 10, 40, 20, 30, 10)
WEEK_WASO = (30, 20, 40, 10, 30, 20, 40)


@pytest.fixture
def people(database: Database) -> Iterator[Personas]:
    """The personas on this engine (the shared persona store is SQLite only)."""
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    built = make_personas(app, database)
    yield built
    for persona in built.by_name.values():
        persona.client.close()


def build_person(people: Personas) -> None:
    """Fourteen mornings of diary, a taper set by the clinician, intake logged against
    it, check-ins with symptoms, PHQ-9 and GAD-7, ISI totals and a window plan."""
    db, a, clinician = people.database, people.patient_a, people.clinician_a
    pid = a.person_id
    assert pid is not None
    for back in range(14):
        day = TODAY - dt.timedelta(days=back)
        this_week = back < 7
        sol, waso = (WEEK_SOL[back], WEEK_WASO[back]) if this_week else (60, 60)
        fields = {
            **NIGHT_FORM,
            "date": day.isoformat(),
            "bedtime": "23:00",
            "lights_off": "23:10",
            "final_wake": "06:10",
            "out_of_bed": "06:40",
            "sol_min": str(sol),
            "waso_min": str(waso),
            "nwak": "1",
        }
        record_diary(db, pid, fields)
    set_taper(
        db,
        pid,
        substance="kratom",
        start_amount="8",
        unit="g",
        start=TODAY - dt.timedelta(days=9),
        step_pct="10",
        every_days=7,
        by=clinician.actor,
    )
    for back in range(14):
        day = TODAY - dt.timedelta(days=back)
        amount = "7" if back < 3 else "8"
        log_intakes(db, pid, day, [IntakeRow("kratom", amount, "g", "09:00")])
    for back, aches, phq9, gad7 in (
        (13, 3, [2, 2, 2, 2, 1, 1, 1, 1, 0], [2, 2, 1, 1, 1, 1, 1]),
        (6, 2, None, None),
        (0, 1, [1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 1, 0]),
    ):
        day = TODAY - dt.timedelta(days=back)
        record_checkin(db, pid, day, symptoms={"aches": aches, "craving": 2}, phq9=phq9, gad7=gad7)
    record_isi(db, pid, 18, by=a.actor, today=TODAY - dt.timedelta(days=13))
    set_plan(
        db,
        pid,
        rise=dt.time(6, 30),
        window_min=420,
        by="clinician",
        on=TODAY - dt.timedelta(days=7),
    )


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found, f"no figure {name}"
    return html.unescape(found.group(1))


def latest_row(page: str, scale: str) -> list[str]:
    found = re.search(rf'<tr data-scale="{scale}">(.*?)</tr>', page, re.S)
    assert found, f"no latest {scale}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1))
    ]


def test_the_summary_shows_this_weeks_sleep_the_window_the_taper_and_every_scale(
    people: Personas,
) -> None:
    a, clinician = people.patient_a, people.clinician_a
    with time_machine.travel(NOW, tick=False):
        build_person(people)
        isi = a.send("POST", "/api/me/questionnaires/isi", json={"total": 12})
        assert isi.status_code == 201, isi.text
        rated = clinician.post_form(
            f"/clinician/people/{a.person_id}/cows",
            {f"cows_{i}": str(v) for i, v in enumerate(COWS_14, start=1)},
        )
        assert rated.status_code == 303
        assert rated.headers["location"].endswith("?saved=cows#questionnaires")
        page = main_of(clinician.client.get(rated.headers["location"]).text)
    summary = page[page.index('id="summary"') : page.index('id="alerts"')]
    # this week: 7 of 7 nights, 370 min asleep of 460 in bed every night (80.4 %)
    assert "7 of 7 nights" in summary
    assert figure(summary, "tst") == "6 h 10 min"
    assert figure(summary, "se") == "80.4 %"
    assert figure(summary, "sol") == "23 min"  # mean of 20,30,10,40,20,30,10 = 22.9
    assert figure(summary, "waso") == "27 min"  # mean of 30,20,40,10,30,20,40 = 27.1
    assert 'data-window="420"' in summary and "7 h 00 min" in summary
    assert "Waiting</strong>: early withdrawal" in summary  # kratom logged every day
    # the latest of each scale, with its band (definitions.md section 3)
    assert latest_row(summary, "isi")[:3] == ["ISI", "12/28", "subthreshold"]
    assert latest_row(summary, "phq9")[:3] == ["PHQ-9", "5/27", "mild"]
    assert latest_row(summary, "gad7")[:3] == ["GAD-7", "3/21", "minimal"]
    assert latest_row(summary, "cows")[:3] == ["COWS", "14/48", "moderate"]
    assert 'title="Rated by clinician-a"' in summary
    # four charts, each an accessible image with a table of its numbers
    assert summary.count('role="img"') == 4
    assert summary.count("<summary>Show the numbers") == 4
    # intake against the taper someone set: 8 g for a week, then 7.2 g
    assert 'data-amount="7"' in summary and 'data-amount="8"' in summary
    assert "<td>7.2</td>" in summary and "<td>8</td>" in summary
    assert "the taper target someone set" in summary
    # every scale on its own strip, the ISI at both totals
    assert summary.count('data-instrument="isi"') == 2
    assert 'data-instrument="cows" data-date="2026-03-10" data-total="14"' in summary
    # the sections are one click away, in the page's order
    nav = re.findall(r'<li><a href="#([a-z]+)">', page)
    assert nav[:5] == ["summary", "alerts", "sleep", "intake", "questionnaires"]
    for section in nav:
        assert f'id="{section}"' in page
    # the history table: who entered each
    ratings = page[page.index('class="data ratings"') :]
    assert ratings.index("clinician-a") < ratings.index("the person")  # newest first


def test_the_summary_lists_alerts_in_force_with_the_crisis_lines(people: Personas) -> None:
    a, clinician = people.patient_a, people.clinician_a
    with time_machine.travel(NOW, tick=False):
        record_checkin(people.database, a.person_id, TODAY, self_harm_thoughts=True)
        page = main_of(clinician.client.get(f"/clinician/people/{a.person_id}").text)
    summary = page[page.index('id="summary"') : page.index('id="alerts"')]
    assert 'class="triage-level level-crisis"' in summary
    assert 'href="tel:988"' in summary  # the person's region's crisis line (US default)


def test_a_person_enters_their_isi_total_on_the_web_and_sees_its_band(people: Personas) -> None:
    a = people.patient_a
    with time_machine.travel(NOW, tick=False):
        form = a.client.get("/checkin/isi")
        assert form.status_code == 200
        assert "ISI total (0-28), as scored on the licensed form" in form.text
        saved = a.post_form("/checkin/isi", {"isi": "16"})
        assert saved.status_code == 303
        shown = a.client.get(saved.headers["location"]).text
        stored = list_ratings(people.database, a.person_id, TODAY, TODAY)
    assert "Saved: ISI total 16 of 28" in shown and "(moderate)" in shown
    assert [(r.instrument, r.total, r.band, r.rated_by) for r in stored] == [
        ("isi", 16, "moderate", "person")
    ]
    assert stored[0].rater == a.username


@pytest.mark.parametrize("sent", ["29", "-1", "lots", ""])
def test_a_bad_isi_total_is_refused_naming_the_question(people: Personas, sent: str) -> None:
    a = people.patient_a
    refused = a.post_form("/checkin/isi", {"isi": sent})
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "ISI total (0-28)" in page and 'aria-invalid="true"' in page
    assert list_ratings(people.database, a.person_id, TODAY - dt.timedelta(days=400), TODAY) == []


def test_the_isi_in_the_api_is_stored_listed_and_refused_with_the_question(
    people: Personas,
) -> None:
    a, clinician = people.patient_a, people.clinician_a
    bad = a.send("POST", "/api/me/questionnaires/isi", json={"total": 30})
    assert bad.status_code == 422
    problem = bad.json()["problems"][0]
    assert problem["field"] == "isi" and problem["question"] == "ISI total (0-28)"
    typed = a.send("POST", "/api/me/questionnaires/isi", json={"total": "many"})
    assert typed.status_code == 422
    assert typed.json()["problems"][0]["question"] == "ISI total (0-28)"
    good = a.send("POST", "/api/me/questionnaires/isi", json={"total": 7})
    assert good.status_code == 201
    assert (good.json()["total"], good.json()["band"]) == (7, "none")
    mine = a.send("GET", "/api/me/questionnaires").json()
    assert [(r["instrument"], r["total"], r["rated_by"]) for r in mine] == [("isi", 7, "person")]
    theirs = clinician.send("GET", f"/api/people/{a.person_id}/questionnaires").json()
    assert [r["total"] for r in theirs] == [7]
    assert (
        clinician.send("POST", "/api/me/questionnaires/isi", json={"total": 7}).status_code == 404
    )


def test_a_clinician_rates_the_cows_in_the_api_and_it_keeps_who_rated_it(
    people: Personas,
) -> None:
    a, clinician = people.patient_a, people.clinician_a
    url = f"/api/people/{a.person_id}/cows"
    made = clinician.send("POST", url, json={"answers": COWS_14})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["total"], body["band"], body["rated_by"], body["rater"]) == (
        14,
        "moderate",
        "clinician",
        "clinician-a",
    )
    # restlessness allows 0, 1, 3, 5: a 2 is refused naming the question, nothing stored
    wrong = clinician.send("POST", url, json={"answers": [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 3]})
    assert wrong.status_code == 422
    problem = wrong.json()["problems"][0]
    assert (problem["field"], problem["question"]) == ("cows item 3", "COWS, question 3")
    assert "restlessness" not in problem["reason"]
    short = clinician.send("POST", url, json={"answers": [1, 1]})
    assert short.status_code == 422 and short.json()["problems"][0]["question"] == "COWS"
    summary = clinician.send("GET", f"/api/people/{a.person_id}/summary").json()
    assert [(r["instrument"], r["total"]) for r in summary["ratings"]] == [("cows", 14)]
    stored = list_ratings(
        people.database,
        a.person_id,
        TODAY - dt.timedelta(days=400),
        NOW.date() + dt.timedelta(days=400),
    )
    assert len(stored) == 1


def test_the_cows_is_refused_to_the_person_and_to_a_clinician_without_a_share(
    people: Personas,
) -> None:
    a, b, other = people.patient_a, people.patient_b, people.clinician_x
    form = {f"cows_{i}": str(v) for i, v in enumerate(COWS_14, start=1)}
    for who in (a, b, other):
        assert who.post_form(f"/clinician/people/{a.person_id}/cows", form).status_code == 404
        api = who.send("POST", f"/api/people/{a.person_id}/cows", json={"answers": COWS_14})
        assert api.status_code == 404
    assert (
        list_ratings(people.database, a.person_id, dt.date(2000, 1, 1), dt.date(2100, 1, 1)) == []
    )


def test_a_refused_cows_form_names_each_question_and_keeps_the_answers(
    people: Personas,
) -> None:
    a, clinician = people.patient_a, people.clinician_a
    form = {f"cows_{i}": str(v) for i, v in enumerate(COWS_14, start=1)}
    del form["cows_5"]
    form["cows_11"] = "4"  # gooseflesh allows 0, 3, 5
    refused = clinician.post_form(f"/clinician/people/{a.person_id}/cows", form)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "COWS, question 5: answer this question" in page
    assert "COWS, question 11: 4 is not a score of this question (0, 3, 5)" in page
    assert 'name="cows_1" value="1" checked' in page  # the answers given are kept
    assert (
        list_ratings(people.database, a.person_id, dt.date(2000, 1, 1), dt.date(2100, 1, 1)) == []
    )


def test_a_view_only_clinician_reads_the_page_but_cannot_rate_the_cows(people: Personas) -> None:
    """A share the person made view-only: the clinician sees the summary, but rating the
    COWS is managing the record (services/access.py), so it is a 403, stored nowhere."""
    from nightbridge.services.accounts.sharing import create_invite, redeem_invite

    b, viewer = people.patient_b, people.clinician_x
    invite = create_invite(people.database, b.actor, access="view")
    redeem_invite(people.database, viewer.actor, invite.code)
    page = viewer.client.get(f"/clinician/people/{b.person_id}")
    assert page.status_code == 200 and 'id="summary"' in page.text
    form = {f"cows_{i}": str(v) for i, v in enumerate(COWS_14, start=1)}
    assert viewer.post_form(f"/clinician/people/{b.person_id}/cows", form).status_code == 403
    api = viewer.send("POST", f"/api/people/{b.person_id}/cows", json={"answers": COWS_14})
    assert api.status_code == 403
    assert (
        list_ratings(people.database, b.person_id, dt.date(2000, 1, 1), dt.date(2100, 1, 1)) == []
    )
