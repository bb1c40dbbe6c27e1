"""Implausible nights on the web form, the JSON API and the CLI (issue 10 item 11; H16,
H17): more than 16 h in bed (an AM/PM slip) is refused with the reason, named by the
question the person answered, and stored only once confirmed; a rise time after now is
refused outright (definitions.md section 1)."""

from __future__ import annotations

import datetime as dt

import time_machine

from nightbridge.services.sleep.diary import list_entries
from tests.web.conftest import Personas

NOW = dt.datetime(2026, 3, 12, 8, 0, tzinfo=dt.UTC)  # patient A's zone is UTC
SLIP = {
    "date": "2026-03-11",
    "bedtime": "11:00",  # meant 23:00: 20 h in bed
    "lights_off": "11:10",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:50",
    "out_of_bed": "07:00",
    "quality": "3",
}


@time_machine.travel(NOW, tick=False)
def test_the_diary_form_refuses_an_am_pm_slip_until_confirmed(personas: Personas) -> None:
    a = personas.patient_a
    refused = a.post_form("/diary", SLIP)
    assert refused.status_code == 422
    html = refused.text
    assert "Got into bed</a>: into bed at 11:00 and out of bed at 07:00 is 20 h in bed" in html
    assert "did you mean 23:00?" in html
    assert 'id="e-bedtime"' in html and 'id="e-out_of_bed"' not in html
    assert 'name="confirm" value="yes"' in html
    assert "bedtime" not in html.split('id="e-bedtime">')[1].split("</p>")[0]
    assert list_entries(personas.database, a.person_id) == []
    saved = a.post_form("/diary", {**SLIP, "confirm": "yes"})
    assert saved.status_code == 303
    [entry] = list_entries(personas.database, a.person_id)
    assert entry.bedtime == dt.time(11, 0)


@time_machine.travel(NOW, tick=False)
def test_the_api_refuses_a_rise_after_now_naming_the_question(
    personas: Personas,
) -> None:
    a = personas.patient_a
    night = {
        **SLIP,
        "date": "2026-03-12",
        "bedtime": "23:00",
        "lights_off": "23:10",
        "final_wake": "08:20",
        "out_of_bed": "08:30",  # it is 08:00
    }
    refused = a.send("POST", "/api/me/diary", json=night)
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert problem["field"] == "out_of_bed" and problem["question"] == "Got out of bed"
    assert "08:30 on 2026-03-12 has not come yet (it is 08:00" in problem["reason"]
    assert a.send("POST", "/api/me/diary", json={**night, "confirm": True}).status_code == 422
    assert list_entries(personas.database, a.person_id) == []
    slip = a.send("POST", "/api/me/diary", json=SLIP)
    assert [p["field"] for p in slip.json()["problems"]] == ["bedtime"]
    saved = a.send("POST", "/api/me/diary", json={**SLIP, "confirm": True})
    assert saved.status_code == 201, saved.text
    assert len(list_entries(personas.database, a.person_id)) == 1


def test_the_cli_refuses_an_am_pm_slip_naming_the_option_until_confirmed(run_cli) -> None:
    args = ["diary", "add", "--tz", "UTC", "--date", "2026-03-12", "--bedtime", "11:00"]
    args += ["--lights-off", "11:10", "--sol", "20", "--nwak", "1", "--waso", "15"]
    args += ["--final-wake", "06:50", "--out-of-bed", "07:00", "--quality", "3"]
    refused = run_cli(*args)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "error: --bedtime: into bed at 11:00 and out of bed at 07:00 is 20 h in bed"
    )
    assert run_cli("diary", "list", "--json").stdout.strip() == "[]"
    assert run_cli(*args, "--confirm").exit_code == 0
