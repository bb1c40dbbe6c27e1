"""Fill a store through the real services with the seeded demo plan (services.demo.demo.plan_demo):
diary, check-ins with questionnaires, intake (kratom, coffee, one alcohol day), evening
log, and the taper the plan follows. Used by the report and export tests.

``diary_csv`` writes the plan's diary as a diary CSV (the file ``nightbridge diary import``
reads), so a year of nights goes in with one import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from nightbridge.core.profile import Profile
from nightbridge.services.demo.demo import (
    TAPER_EVERY_DAYS,
    TAPER_START_G,
    TAPER_STEP_PCT,
    plan_demo,
)
from nightbridge.services.recovery import checkins, intake, taper, toolkit
from nightbridge.services.sleep import diary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

TZ = "America/Chicago"
TODAY = dt.date(2026, 3, 22)


def fill_store(db: Database, *, days: int = 21, today: dt.date = TODAY, tz: str = TZ) -> int:
    """Create the owner with zone ``tz`` and store ``days`` days of the demo plan."""
    with db.transaction() as session:
        person_id = PersonRepository(session).ensure_owner(
            Profile(tz=tz, screened=True, located=True)
        )
    zone = ZoneInfo(tz)
    plan = plan_demo(days, today=today)
    now = dt.datetime.combine(today, dt.time(21, 0), tzinfo=zone)
    taper.set_taper(
        db,
        person_id,
        substance="kratom",
        start_amount=TAPER_START_G,
        unit="g",
        start=plan.start,
        step_pct=TAPER_STEP_PCT,
        every_days=TAPER_EVERY_DAYS,
    )
    for day in plan.days:
        if day.diary is not None:
            diary.record_entry(db, person_id, day.diary, today=today)
        checkins.record_checkin(
            db,
            person_id,
            day.date,
            symptoms=day.symptoms,
            function=day.function,
            self_harm_thoughts=day.self_harm_thoughts,
            phq9=day.phq9,
            gad7=day.gad7,
            today=today,
        )
        for dose in day.intake:
            at = dt.datetime.combine(day.date, dose.at, tzinfo=zone)
            intake.log_intake(db, person_id, dose.substance, dose.amount, dose.unit, at, now=now)
        toolkit.save_evening(
            db,
            person_id,
            {
                "date": (day.date + dt.timedelta(days=1)).isoformat(),
                "screens_last_hour": "yes" if day.evening.screens_last_hour else "no",
            },
            today=today + dt.timedelta(days=1),
        ) if day.date < today else None
    return person_id


def diary_csv(days: int, today: dt.date = TODAY) -> str:
    """The demo plan's diary over ``days`` mornings up to ``today`` as a diary CSV."""
    rows = [d.diary for d in plan_demo(days, today=today).days if d.diary is not None]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
