"""Use case: the sleep-hygiene nudges in force for a person, and dismissing one.

Builds one ``core.nudges.EveningLog`` per morning from the person's own records: the
diary (bedtime, out of bed, naps, ``last_caffeine``, ``last_alcohol``), intake events of
class ``caffeine`` and ``alcohol``, and the toolkit's evening items (screens, bedroom
temperature, nap start). The rules are in ``core.nudges``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from nightbridge.content import load_json
from nightbridge.core.diary import DiaryEntry
from nightbridge.core.errors import InvalidInput
from nightbridge.core.nudges import (
    LOOKBACK_DAYS,
    NUDGE_CODES,
    EveningExtras,
    EveningLog,
    Nudge,
    compute_nudges,
    night_of,
    place_evening_time,
)
from nightbridge.i18n import current_locale
from nightbridge.services.sleep.diary import list_entries, local_today, person_zone
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.toolkit import ToolkitRepository

#: Intake classes that count as caffeine or alcohol (definitions.md section 5).
_DRINK_CLASSES = ("caffeine", "alcohol")


def _intake_drinks(
    db: Database, person_id: int, start: dt.date, end: dt.date, tz: str
) -> dict[str, dict[dt.date, list[dt.datetime]]]:
    """Caffeine and alcohol intake times per night (by morning)."""
    from nightbridge.storage.repositories.intake import IntakeRepository

    found: dict[str, dict[dt.date, list[dt.datetime]]] = {
        klass: defaultdict(list) for klass in _DRINK_CLASSES
    }
    with db.reader() as session:
        events = IntakeRepository(session).between(person_id, start - dt.timedelta(days=1), end)
    for event in events:
        if event.substance_class in _DRINK_CLASSES:
            found[event.substance_class][night_of(event.at, tz)].append(event.at)
    return found


def build_logs(
    entries: list[DiaryEntry],
    extras: dict[dt.date, EveningExtras],
    drinks: dict[str, dict[dt.date, list[dt.datetime]]],
    tz: str,
) -> list[EveningLog]:
    """One EveningLog per morning that has a diary entry, evening items or drinks."""
    by_date = {entry.date: entry for entry in entries}
    dates = set(by_date) | set(extras)
    for per_night in drinks.values():
        dates |= set(per_night)
    logs: list[EveningLog] = []
    for day in sorted(dates):
        entry = by_date.get(day)
        extra = extras.get(day)
        bedtime = out_of_bed = None
        caffeine = list(drinks.get("caffeine", {}).get(day, ()))
        alcohol = list(drinks.get("alcohol", {}).get(day, ()))
        naps_min = None
        if entry is not None:
            try:
                timeline = entry.timeline(tz)
            except InvalidInput:
                timeline = None
            if timeline is not None:
                bedtime, out_of_bed = timeline.bedtime, timeline.out_of_bed
            if entry.last_caffeine is not None and entry.caffeine != 0:
                caffeine.append(place_evening_time(day, entry.last_caffeine, tz))
            if entry.last_alcohol is not None and entry.alcohol != 0:
                alcohol.append(place_evening_time(day, entry.last_alcohol, tz))
            naps_min = entry.naps_min
        nap_starts: tuple[dt.datetime, ...] = ()
        if extra is not None and extra.nap_start is not None:
            nap_starts = (place_evening_time(day, extra.nap_start, tz),)
        logs.append(
            EveningLog(
                date=day,
                bedtime=bedtime,
                out_of_bed=out_of_bed,
                caffeine=tuple(caffeine),
                alcohol=tuple(alcohol),
                naps_min=naps_min,
                nap_starts=nap_starts,
                screens_last_hour=extra.screens_last_hour if extra else None,
                bedroom_temp_c=extra.bedroom_temp_c if extra else None,
            )
        )
    return logs


def nudges_for(db: Database, person_id: int, *, today: dt.date | None = None) -> list[Nudge]:
    """The nudges in force on ``today`` (default: the person's local today)."""
    tz = person_zone(db, person_id)
    day = today or local_today(tz)
    start = day - dt.timedelta(days=LOOKBACK_DAYS - 1)
    entries = list_entries(db, person_id, start, day)
    with db.reader() as session:
        repo = ToolkitRepository(session)
        extras = repo.evenings(person_id, start, day)
        dismissed = repo.dismissals(person_id)
    drinks = _intake_drinks(db, person_id, start, day, tz)
    logs = build_logs(entries, extras, drinks, tz)
    texts = load_json("hygiene.json", current_locale())["nudges"]
    return compute_nudges(logs, tz, day, texts, dismissed)


def dismiss_nudge(db: Database, person_id: int, code: str, *, today: dt.date | None = None) -> None:
    """Hide nudge ``code`` until its habit is seen on a later night."""
    if code not in NUDGE_CODES:
        raise InvalidInput.one("code", f"unknown nudge {code!r}")
    day = today or local_today(person_zone(db, person_id))
    with db.transaction() as session:
        ToolkitRepository(session).dismiss(person_id, code, day)
