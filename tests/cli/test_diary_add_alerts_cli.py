"""``nightbridge diary add`` records the alerts the new morning raises, in the same
transaction as the entry (definitions.md section 4: poor sleep, SE < 85 or TST < 6 h, on
5 of the last 7 nights when 7 or more days have passed since the last dose)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nightbridge.storage.database import Database, resolve_url
from nightbridge.storage.repositories.alerts import AlertRepository

POOR = [  # eight hours in bed, five asleep: SE 62.5 %
    "--bedtime", "22:30", "--lights-off", "22:30", "--sol", "90", "--nwak", "2",
    "--waso", "90", "--final-wake", "06:30", "--out-of-bed", "06:30", "--quality", "2",
]  # fmt: skip


def recorded_codes(home: Path, day: dt.date) -> set[str]:
    db = Database(resolve_url(home))
    try:
        with db.reader() as session:
            return {a.code for a in AlertRepository(session).between(1, day, day)}
    finally:
        db.dispose()


def test_the_fifth_poor_night_added_records_the_poor_sleep_alert(run_cli, cli_home: Path) -> None:
    # the fifth morning is yesterday's: today's 06:30 has not come yet when the suite runs
    # between midnight and 06:30 UTC (a morning's alerts are recorded on its own date)
    today = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    assert run_cli("profile", "set", "--tz", "UTC").exit_code == 0
    dose = (today - dt.timedelta(days=12)).isoformat() + "T09:00"
    assert run_cli("intake", "add", "kratom", "2", "g", "--at", dose).exit_code == 0
    for back in range(4, 0, -1):
        day = (today - dt.timedelta(days=back)).isoformat()
        assert run_cli("diary", "add", "--date", day, *POOR).exit_code == 0
    assert "poor_sleep_after_last_dose" not in recorded_codes(cli_home, today)

    result = run_cli("diary", "add", "--date", today.isoformat(), *POOR)

    assert result.exit_code == 0, result.stderr
    assert "poor_sleep_after_last_dose" in recorded_codes(cli_home, today)
