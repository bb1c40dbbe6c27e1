"""The caseload on the web and the API: filters and sort from the address, refusals
naming the filter as the page labels it, and reviewing an alert (docs/caseload.md)."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.recovery.checkins import record_checkin
from tests.web.conftest import Personas, csrf_from, main_of

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_the_page_lists_filters_and_reviews_with_the_list_kept_as_it_was(
    personas: Personas,
) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, a.person_id, NOW.date(), flags=["seizure"])
        page = clinician.client.get("/clinician?alert=emergency&reviewed=no&sort=phq9")
        html = main_of(page.text)
        assert page.status_code == 200
        assert f'data-person="{a.person_id}" data-review="to_review"' in html
        assert 'aria-sort="descending"' in html and ">PHQ-9 <" in html  # highest first
        assert 'name="q"' in html and 'id="f-stale_days"' in html
        assert "Ben" not in html  # patient_b does not share with this clinician
        back = "/clinician?alert=emergency&reviewed=no&sort=phq9"
        done = clinician.client.post(
            f"/clinician/people/{a.person_id}/review",
            data={"csrf_token": csrf_from(page.text), "back": back},
        )
        assert done.status_code == 303 and done.headers["location"] == back
        assert "No one matches these filters" in clinician.client.get(back).text
        reviewed = main_of(clinician.client.get("/clinician?reviewed=yes").text)
        assert "Reviewed by clinician-a at 15:00 UTC" in reviewed
        elsewhere = clinician.client.post(
            f"/clinician/people/{a.person_id}/review",
            data={"csrf_token": csrf_from(page.text), "back": "https://example.org/"},
        )
        assert elsewhere.headers["location"] == "/clinician"


def test_a_bad_filter_on_the_page_is_named_as_the_page_labels_it(personas: Personas) -> None:
    page = personas.clinician_a.client.get("/clinician?stale_days=two&alert=red")
    html = main_of(page.text)
    assert page.status_code == 422
    assert "No entry for (days)</a>: &#39;two&#39; is not a whole number" in html
    assert "Alert level</a>: &#39;red&#39; is not one of" in html
    assert 'aria-invalid="true" aria-describedby="e-stale_days"' in html


def test_the_api_filters_sorts_and_pages_and_names_a_bad_filter(personas: Personas) -> None:
    a, clinician = personas.patient_a, personas.clinician_a
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, a.person_id, NOW.date(), phq9=[2, 2, 2, 2, 1, 1, 1, 1, 0])
        found = clinician.client.get("/api/caseload?alert=advise&reviewed=no&q=an&sort=phq9")
        body = found.json()
        assert found.status_code == 200 and found.headers["X-Total-Count"] == "1"
        assert (body["total"], body["page"], body["pages"], body["sort"], body["order"]) == (
            1,
            1,
            1,
            "phq9",
            "desc",
        )
        person = body["people"][0]
        assert person["name"] == "Ana" and person["top_level"] == "advise"
        assert person["phq9"] == {"total": 12, "on": "2026-03-10"}
        assert person["review_state"] == "to_review" and person["review"] is None
        assert set(person) >= {"sleep_7d", "isi", "gad7", "taper", "tags", "assigned"}
        assert clinician.client.get("/api/caseload?alert=none").json()["total"] == 0
        assert personas.clinician_x.client.get("/api/caseload").json()["people"] == []
    refused = clinician.client.get("/api/caseload?stale_days=-3&order=sideways")
    assert refused.status_code == 422
    assert [(p["field"], p["question"]) for p in refused.json()["problems"]] == [
        ("stale_days", "No entry for (days)"),
        ("order", "Order"),
    ]


def test_reviewing_through_the_api_is_for_the_people_one_may_see(personas: Personas) -> None:
    a, b, clinician = personas.patient_a, personas.patient_b, personas.clinician_a
    url = f"/api/people/{a.person_id}/review"
    with time_machine.travel(NOW, tick=False):
        record_checkin(personas.database, a.person_id, NOW.date(), flags=["jaundice"])
        assert clinician.client.get(url).json() == {"review_state": "to_review", "review": None}
        done = clinician.send("POST", url)
        assert done.status_code == 200
        assert done.json()["review_state"] == "reviewed"
        assert done.json()["review"]["by"] == "clinician-a"
        assert clinician.client.get(url).json()["review_state"] == "reviewed"
    assert personas.clinician_x.send("POST", url).status_code == 404
    assert clinician.send("POST", f"/api/people/{b.person_id}/review").status_code == 404
    assert a.send("POST", url).status_code == 404  # the person is not a clinician
    assert clinician.client.post(url).status_code == 403  # no CSRF token


def test_a_clinic_tags_and_assigns_through_the_api_and_filters_on_the_page(
    personas: Personas,
) -> None:
    from nightbridge.storage.repositories.clinics import ClinicRepository
    from nightbridge.storage.tables.base import utcnow

    a, b, lee, x = (
        personas.patient_a,
        personas.patient_b,
        personas.clinician_a,
        personas.clinician_x,
    )
    with personas.database.transaction() as session:
        clinics = ClinicRepository(session)
        clinic = clinics.create("Northside", "NORTHNORTH34", utcnow()).id
        clinics.add_member(clinic, lee.account_id, "clinic_admin", utcnow())
        clinics.add_member(clinic, x.account_id, "clinician", utcnow())
    made = lee.send("POST", f"/api/clinics/{clinic}/tags", json={"tag": "New intake"})
    assert made.status_code == 201 and made.json()["name"] == "New intake"
    assert x.send("POST", f"/api/clinics/{clinic}/tags", json={"tag": "X"}).status_code == 403
    twice = lee.send("POST", f"/api/clinics/{clinic}/tags", json={"tag": "new intake"})
    assert twice.status_code == 422 and twice.json()["problems"][0]["question"] == "Tag"
    assert [t["name"] for t in x.client.get(f"/api/clinics/{clinic}/tags").json()] == ["New intake"]
    tags = f"/api/people/{a.person_id}/tags"
    assert lee.send("PUT", tags, json={"tags": ["New intake"], "clinic_id": clinic}).json() == {
        "tags": ["New intake"]
    }
    unknown = lee.send("PUT", tags, json={"tags": ["Nope"], "clinic_id": clinic})
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["question"] == "Tags"
    assert x.send("PUT", tags, json={"tags": []}).status_code == 404  # A shares with lee only
    assert lee.send("PUT", f"/api/people/{b.person_id}/tags", json={"tags": []}).status_code == 404
    assign = f"/api/people/{a.person_id}/assignment"
    assert lee.send(
        "PUT", assign, json={"assignee": "clinician-x", "clinic_id": clinic}
    ).json() == {"assigned": "clinician-x"}
    outsider = lee.send("PUT", assign, json={"assignee": "patient-b", "clinic_id": clinic})
    assert outsider.status_code == 422
    assert outsider.json()["problems"][0]["question"] == "Assigned clinician"
    found = lee.client.get("/api/caseload?tag=NEW%20INTAKE&assigned=clinician-x").json()
    assert [(p["name"], p["tags"], p["assigned"]) for p in found["people"]] == [
        ("Ana", ["New intake"], "clinician-x")
    ]
    assert lee.client.get("/api/caseload?assigned=me").json()["total"] == 0
    page = main_of(lee.client.get("/clinician?tag=New+intake").text)
    assert '<span class="tag">New intake</span>' in page and "Assigned: clinician-x" in page
    assert '<option value="New intake" selected>' in page
    assert '<option value="clinician-x">' in page
