"""One plan (issue 13 item 4): after a clinician sets the window, Today, Plan, Trends,
the JSON API, the report and the calendar show the same window in force, each saying
the clinician set it; while early withdrawal defers the window, every one says it waits
(definitions.md section 2; H25). Through the real app with the personas of
tests/web/conftest.py; "now" is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine

from nightbridge.services.handover.exports import export_ics
from nightbridge.services.handover.reports import gather_report
from nightbridge.services.recovery.intake import log_intake
from nightbridge.services.sleep.diary import record_entry
from tests.web.conftest import NIGHT_FORM, Personas, main_of

NOW = dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC)


def _clinician_sets_the_window(personas: Personas) -> int:
    a = personas.patient_a
    for day in range(2, 12):
        record_entry(personas.database, a.person_id, {**NIGHT_FORM, "date": f"2026-03-{day:02d}"})
    c = personas.clinician_a
    url = f"/clinician/people/{a.person_id}/window"
    saved = c.post_form(url, {"rise": "06:45", "window_min": "330"})
    assert saved.status_code == 303, saved.text
    return a.person_id


@time_machine.travel(NOW, tick=False)
def test_every_page_shows_the_window_the_clinician_set(personas: Personas, tmp_path: Path) -> None:
    person_id = _clinician_sets_the_window(personas)
    a = personas.patient_a
    # 06:45 - 330 min = bed at 01:15, everywhere, and who set it.
    for path in ("/today", "/plan", "/trends"):
        html = main_of(a.client.get(path).text)
        assert 'class="plan-times plan-in-force" data-window="330"' in html, path
        assert "Bed at 01:15 · up at 06:45" in html, path
        assert 'data-set-by="clinician"' in html and "(set by your clinician)" in html, path
    trends = main_of(a.client.get("/trends").text)
    assert re.search(r'class="nb-window"[^>]*data-minutes="330"', trends)
    assert a.client.get("/api/me/today").json()["in_force"]["window_min"] == 330
    in_force = a.client.get("/api/me/plan").json()["in_force"]
    assert (in_force["bedtime"], in_force["set_by"], in_force["paused"]) == (
        "01:15",
        "clinician",
        False,
    )
    report = gather_report(personas.database, person_id, end=dt.date(2026, 3, 12))
    assert report.window is not None
    assert (report.window.in_force_min, report.window.set_by) == (330, "clinician")
    ics = export_ics(personas.database, person_id, tmp_path / "plan.ics").read_text()
    assert re.search(r"DTSTART[^\n]*T011500", ics)


@time_machine.travel(NOW, tick=False)
def test_in_early_withdrawal_every_page_says_the_window_waits(
    personas: Personas, tmp_path: Path
) -> None:
    person_id = _clinician_sets_the_window(personas)
    log_intake(personas.database, person_id, "kratom", "2", "g", NOW - dt.timedelta(days=2))
    a = personas.patient_a
    for path in ("/today", "/plan", "/trends"):
        html = main_of(a.client.get(path).text)
        assert 'data-paused="yes"' in html and "the window waits" in html, path
        assert "was set by your clinician on 2026-03-12" in html, path
        assert 'data-window="330"' not in html, path
    assert 'class="nb-window"' not in a.client.get("/trends").text
    assert a.client.get("/api/me/today").json()["in_force"] == {
        "window_min": None,
        "bedtime": None,
        "rise": "06:45",
        "paused": True,
        "set_by": "clinician",
        "set_on": "2026-03-12",
        "advice": "defer",
    }
    report = gather_report(personas.database, person_id, end=dt.date(2026, 3, 12))
    assert report.window is not None
    assert (report.window.in_force_min, report.window.paused) == (None, True)
    ics = export_ics(personas.database, person_id, tmp_path / "plan.ics").read_text()
    assert not re.search(r"DTSTART[^\n]*T011500", ics)
