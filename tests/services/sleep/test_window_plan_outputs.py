"""The report and the .ics calendar use the sleep window in force (the stored plan),
not a rise time guessed from the diary (definitions.md section 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nightbridge.core.profile import Profile
from nightbridge.services.handover.exports import export_ics
from nightbridge.services.handover.reports import gather_report
from nightbridge.services.sleep.diary import record_entry
from nightbridge.services.sleep.window import set_plan
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

WEEK2 = dt.date(2026, 11, 17)
WEEK1 = WEEK2 - dt.timedelta(days=7)
NOW = dt.datetime(2026, 11, 17, 12, 0, tzinfo=dt.UTC)


def night(db: Database, pid: int, day: dt.date, bed: str, sol: int, waso: int) -> None:
    record_entry(
        db,
        pid,
        {
            "date": day.isoformat(),
            "bedtime": bed,
            "lights_off": bed,
            "sol_min": sol,
            "nwak": 1,
            "waso_min": waso,
            "final_wake": "06:30",
            "out_of_bed": "06:30",
            "quality": 3,
        },
        today=WEEK2,
    )


def person_a_week_on_the_window(db: Database) -> int:
    """A week before: 23:00-06:30 (400 of 450 asleep); a 390-min window set on WEEK1
    (rise 06:00 chosen, though the diary's out-of-bed time is 06:30); then a week in bed
    00:00-06:30 with 365 of 390 asleep (SE 93.6 %)."""
    with db.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="UTC", screened=True))
    for back in range(7, 14):
        night(db, pid, WEEK2 - dt.timedelta(days=back), "23:00", 20, 30)
    set_plan(db, pid, rise=dt.time(6, 0), window_min=390, by="clinician", action="set", on=WEEK1)
    for back in range(7):
        night(db, pid, WEEK2 - dt.timedelta(days=back), "00:00", 10, 15)
    return pid


def test_the_report_titrates_the_window_in_force_and_lists_its_history(
    database: Database,
) -> None:
    pid = person_a_week_on_the_window(database)
    data = gather_report(database, pid, end=WEEK2, now=NOW)
    window = data.window
    assert window is not None
    assert (window.action, window.window_min, window.in_force_min) == ("increase", 405, 390)
    assert (window.rise, window.bedtime) == ("06:00", "23:15")  # the chosen rise, not 06:30
    assert window.reasons[0] == f"Rise time 06:00 (chosen on {WEEK1.isoformat()})."
    assert window.history == (
        f"window 6 h 30 (23:30 to 06:00) from {WEEK1.isoformat()}, "
        "set by a clinician (set by hand)",
    )


def test_the_calendar_holds_the_window_in_force(sqlite_database: Database, tmp_path: Path) -> None:
    pid = person_a_week_on_the_window(sqlite_database)
    text = export_ics(sqlite_database, pid, tmp_path / "w.ics", now=NOW).read_text()
    # 06:00 - 390 min = 23:30, from the day after the last night.
    assert "DTSTART:20261118T233000" in text
    assert "DTSTART:20261118T060000" in text
