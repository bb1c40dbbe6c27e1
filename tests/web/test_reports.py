"""Report downloads in the web app: the person's own and the invited clinician's."""

from __future__ import annotations

import io
import re

import pytest

from nightbridge.services.sleep.diary import import_diary, metrics_from_file, record_entry
from tests.reports.pdf_text import drawn_pages, page_count
from tests.services.store_sample import diary_csv
from tests.web.conftest import Personas

NIGHT = {
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": "3",
}


def add_week(personas: Personas, person_id: int) -> None:
    for day in range(2, 9):
        record_entry(personas.database, person_id, {**NIGHT, "date": f"2026-03-0{day}"})


def test_the_person_downloads_a_pdf_of_their_week(personas: Personas) -> None:
    a = personas.patient_a
    add_week(personas, a.person_id)
    page = a.client.get("/report")
    assert page.status_code == 200 and "Download the report" in page.text
    got = a.client.get(
        "/report",
        params={"from": "2026-03-02", "to": "2026-03-08", "format": "pdf", "download": "1"},
    )
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["cache-control"] == "no-store"
    assert (
        'filename="nightbridge-report-2026-03-02-to-2026-03-08.pdf"'
        in (got.headers["content-disposition"])
    )
    assert got.content.startswith(b"%PDF-")
    assert 2 <= len(re.findall(rb"/Type /Page[^s]", got.content)) <= 4


def test_the_invited_clinician_gets_the_clinician_version_and_others_get_404(
    personas: Personas,
) -> None:
    a = personas.patient_a
    add_week(personas, a.person_id)
    url = f"/clinician/people/{a.person_id}/report"
    query = {"from": "2026-03-02", "to": "2026-03-08", "format": "html", "download": "1"}
    got = personas.clinician_a.client.get(url, params=query)
    assert got.status_code == 200
    assert "for the clinician" in got.text and "2026-03-02 to 2026-03-08" in got.text
    assert personas.clinician_x.client.get(url, params=query).status_code == 404
    assert personas.patient_b.client.get(url, params=query).status_code == 404


def test_a_bad_span_shows_the_form_again_with_the_reason(personas: Personas) -> None:
    got = personas.patient_a.client.get(
        "/report", params={"from": "2026-03-08", "to": "2026-03-01", "download": "1"}
    )
    assert got.status_code == 400
    assert "is before the first day 2026-03-08" in got.text
    assert 'role="alert"' in got.text


@pytest.mark.slow
def test_a_year_downloads_as_a_pdf_and_a_web_page_with_every_night(personas: Personas) -> None:
    a = personas.patient_a
    year = diary_csv(366)
    import_diary(personas.database, a.person_id, io.StringIO(year), tz="UTC")
    span = {"from": "2025-03-22", "to": "2026-03-22", "download": "1"}
    got = a.client.get("/report", params={**span, "format": "pdf"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    pages = drawn_pages(got.content)
    assert got.content.startswith(b"%PDF-") and len(pages) == page_count(got.content)
    charts = [i for i, page in enumerate(pages) if "asleep, SE, awake in night" in page]
    assert len(charts) == 6  # 366 mornings, 61 a page
    last = metrics_from_file(io.StringIO(year), tz="UTC")[-1]
    assert last.date.isoformat() == "2026-03-22"
    row = f"{last.tst_min // 60}h{last.tst_min % 60:02d}  {last.se_pct:.0f}%  {last.waso_min}m"
    assert row in pages[charts[-1]]
    url = f"/clinician/people/{a.person_id}/report"
    page = personas.clinician_a.client.get(url, params={**span, "format": "html"})
    assert page.status_code == 200 and "2025-03-22 to 2026-03-22" in page.text
