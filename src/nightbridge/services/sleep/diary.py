"""Use cases of the morning diary: record, import, list, and metrics of a file.

Every write is one transaction; bad input raises ``InvalidInput`` naming each row and
field, and nothing is stored (docs/definitions.md section 1: an import is all or
nothing unless the person asks to skip bad rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

from nightbridge.core.alerts import Alert
from nightbridge.core.diary import DiaryEntry, FieldValue, parse_entry
from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.metrics import NightMetrics, compute_night
from nightbridge.importers.diary_csv import read_diary_csv
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: entries added and replaced, and the bad rows it skipped."""

    added: int
    replaced: int
    skipped: tuple[Problem, ...] = ()
    nights: tuple[NightMetrics, ...] = ()

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.skipped if p.row is not None})


def local_today(tz: str) -> dt.date:
    """Today's date on the person's clock."""
    return dt.datetime.now(ZoneInfo(tz)).date()


def person_zone(db: Database, person_id: int) -> str:
    with db.reader() as session:
        return PersonRepository(session).get_profile(person_id).tz


def record_entry(
    db: Database,
    person_id: int,
    fields: Mapping[str, FieldValue],
    *,
    today: dt.date | None = None,
    tz: str | None = None,
    confirmed: bool = False,
) -> NightMetrics:
    """Validate and store one morning's entry (replacing that date's), return its metrics.

    ``tz`` overrides the profile's zone (the CLI's ``--tz``); ``today`` defaults to the
    person's local date, and then getting out of bed after this moment is refused too.
    ``confirmed``: the person confirmed an implausible night (``core.diary``).
    """
    zone = tz or person_zone(db, person_id)
    now = None if today is not None else dt.datetime.now(dt.UTC)
    entry = parse_entry(
        fields, today=today or local_today(zone), tz=zone, now=now, confirmed=confirmed
    )
    metrics = compute_night(entry, zone)
    with db.transaction() as session:
        DiaryRepository(session).upsert(person_id, entry)
    return metrics


@dataclass(frozen=True, slots=True)
class DiarySave:
    """One saved morning: its metrics and the alerts its saving evaluated and recorded."""

    night: NightMetrics
    alerts: tuple[Alert, ...] = ()


def record_entry_with_alerts(
    db: Database,
    person_id: int,
    fields: Mapping[str, FieldValue],
    *,
    today: dt.date | None = None,
    tz: str | None = None,
    confirmed: bool = False,
) -> DiarySave:
    """Store one morning's entry AND evaluate and record the alerts of that morning and
    of today when today's sleep rules read that night (definitions.md section 4, poor
    sleep on 5 of the last 7 nights: a night older than that changes nothing today),
    all in ONE transaction: if the evaluation fails, the entry is not stored either.
    An implausible night is refused unless ``confirmed``
    (``record_entry``).
    """
    from nightbridge.core.safety import LOOKBACK_NIGHTS
    from nightbridge.services.recovery.safety import evaluate_days_in_session

    now = None if today is not None else dt.datetime.now(dt.UTC)
    with db.transaction() as session:  # one transaction: the zone read, the entry, alerts
        zone = tz or PersonRepository(session).get_profile(person_id).tz
        day = today or local_today(zone)
        entry = parse_entry(fields, today=day, tz=zone, now=now, confirmed=confirmed)
        metrics = compute_night(entry, zone)
        DiaryRepository(session).upsert(person_id, entry)
        days = {metrics.date}
        if (day - metrics.date).days < LOOKBACK_NIGHTS:
            days.add(day)  # today's sleep rules read this night: evaluated again
        alerts = evaluate_days_in_session(session, person_id, days, tz=zone)
    return DiarySave(metrics, tuple(alerts))


def parse_diary_file(
    fileobj: BinaryIO | TextIO,
    *,
    tz: str,
    today: dt.date,
    now: dt.datetime | None = None,
    confirmed: bool = False,
) -> tuple[list[tuple[int, DiaryEntry]], list[Problem]]:
    """Every row of a diary CSV checked: the good entries (with row numbers) and every problem.

    A date that appears on two rows is refused on the later row; an implausible night
    (core.diary) unless ``confirmed``.
    """
    good: list[tuple[int, DiaryEntry]] = []
    problems: list[Problem] = []
    first_row: dict[dt.date, int] = {}
    for row_no, fields in read_diary_csv(fileobj):
        try:
            entry = parse_entry(
                fields, today=today, row=row_no, tz=tz, now=now, confirmed=confirmed
            )
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        if entry.date in first_row:
            problems.append(
                Problem(
                    "date",
                    f"{entry.date.isoformat()} is already on row {first_row[entry.date]}",
                    row_no,
                )
            )
            continue
        first_row[entry.date] = row_no
        good.append((row_no, entry))
    return good, problems


def metrics_from_file(
    fileobj: BinaryIO | TextIO, *, tz: str, today: dt.date | None = None
) -> list[NightMetrics]:
    """Per-night metrics of a diary CSV, oldest first; nothing stored.

    Any bad row: ``InvalidInput`` with every problem of every row.
    """
    good, problems = parse_diary_file(fileobj, tz=tz, today=today or local_today(tz))
    if problems:
        raise InvalidInput(problems)
    return sorted((compute_night(entry, tz) for _row, entry in good), key=lambda n: n.date)


def import_diary(
    db: Database,
    person_id: int,
    fileobj: BinaryIO | TextIO,
    *,
    today: dt.date | None = None,
    skip_bad: bool = False,
    tz: str | None = None,
    confirmed: bool = False,
) -> ImportResult:
    """Store every entry of a diary CSV in ONE transaction, or none of them.

    All rows are checked first. With a bad row, ``InvalidInput`` lists every problem and
    nothing is stored, unless ``skip_bad``: then the good rows are stored and the bad
    ones reported in ``ImportResult.skipped``. An entry for a date already stored
    replaces it. ``confirmed``: every implausible night of the file is meant.
    """
    zone = tz or person_zone(db, person_id)
    now = None if today is not None else dt.datetime.now(dt.UTC)
    good, problems = parse_diary_file(
        fileobj, tz=zone, today=today or local_today(zone), now=now, confirmed=confirmed
    )
    if problems and not skip_bad:
        raise InvalidInput(problems)
    entries = [entry for _row, entry in good]
    with db.transaction() as session:
        counts = DiaryRepository(session).add_many(person_id, entries)
    nights = sorted((compute_night(e, zone) for e in entries), key=lambda n: n.date)
    return ImportResult(
        added=counts.added,
        replaced=counts.replaced,
        skipped=tuple(problems),
        nights=tuple(nights),
    )


def list_entries(
    db: Database, person_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[DiaryEntry]:
    """Stored entries dated ``start``..``end`` (inclusive), oldest first."""
    with db.reader() as session:
        return DiaryRepository(session).list(person_id, start, end)


def list_nights(
    db: Database,
    person_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    tz: str | None = None,
) -> list[NightMetrics]:
    """Metrics of the stored entries dated ``start``..``end``, oldest first.

    Times are placed in ``tz`` (default: the profile's zone). An entry that is not valid
    in that zone (possible only on a daylight-saving night after a change of zone) is
    left out, as the definitions count valid nights only.
    """
    zone = tz or person_zone(db, person_id)
    nights: list[NightMetrics] = []
    for entry in list_entries(db, person_id, start, end):
        try:
            nights.append(compute_night(entry, zone))
        except InvalidInput:
            continue
    return nights
