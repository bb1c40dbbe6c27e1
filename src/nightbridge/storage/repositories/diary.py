"""Diary entries of a person, one per morning (core.diary.DiaryEntry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from nightbridge.core.diary import DiaryEntry
from nightbridge.core.timeline import EVENTS, format_time_value, parse_time_value
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.diary import DiaryEntryRow
from nightbridge.storage.upsert import forget_rows, upsert

_NUMBERS = ("sol_min", "nwak", "waso_min", "quality")
_OPTIONAL_NUMBERS = ("rested", "naps", "naps_min", "caffeine", "alcohol")
_OPTIONAL_CLOCKS = ("last_caffeine", "last_alcohol")


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How many entries a write added and how many it replaced (same person and date)."""

    added: int = 0
    replaced: int = 0


class DiaryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, person_id: int, entry: DiaryEntry) -> bool:
        """Store ``entry``, replacing that person's entry for the same date. True if replaced."""
        return self.add_many(person_id, [entry]).replaced == 1

    def add_many(self, person_id: int, entries: Iterable[DiaryEntry]) -> StoreCounts:
        """Store every entry (the last one wins for a repeated date) in the open
        transaction: one ``INSERT .. ON CONFLICT`` per date, so two saves of the same
        morning racing each other leave one entry and both succeed (storage.upsert)."""
        by_date = {entry.date: entry for entry in entries}
        if not by_date:
            return StoreCounts()
        existing = set(
            self.session.scalars(
                select(DiaryEntryRow.date).where(
                    DiaryEntryRow.person_id == person_id,
                    DiaryEntryRow.date.in_(list(by_date)),
                )
            )
        )
        now = utcnow()
        rows = [
            {"person_id": person_id, "date": date, **_values(entry), "updated_at": now}
            for date, entry in by_date.items()
        ]
        upsert(self.session, DiaryEntryRow, rows, ("person_id", "date"))
        forget_rows(self.session, DiaryEntryRow)
        return StoreCounts(added=len(by_date) - len(existing), replaced=len(existing))

    def list(
        self, person_id: int, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[DiaryEntry]:
        """The person's entries dated ``start``..``end`` (inclusive, either open), oldest first."""
        query = _list_query(start is not None, end is not None)
        rows = self.session.execute(query, {"person_id": person_id, "start": start, "end": end})
        return [_entry(row) for row in rows]

    def latest(self, person_id: int) -> DiaryEntry | None:
        """The person's newest entry, if any."""
        row = self.session.scalars(
            select(DiaryEntryRow)
            .where(DiaryEntryRow.person_id == person_id)
            .order_by(DiaryEntryRow.date.desc())
            .limit(1)
        ).first()
        return _entry(row) if row is not None else None

    def first_date(self, person_id: int) -> dt.date | None:
        """The date of the person's oldest entry, if any."""
        return self.session.scalar(
            select(func.min(DiaryEntryRow.date)).where(DiaryEntryRow.person_id == person_id)
        )

    def delete(self, person_id: int, date: dt.date) -> bool:
        """Remove the entry for ``date``; True if there was one."""
        row = self.session.scalars(
            select(DiaryEntryRow).where(
                DiaryEntryRow.person_id == person_id, DiaryEntryRow.date == date
            )
        ).first()
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True


@cache
def _list_query(from_start: bool, to_end: bool) -> Any:
    """The entries of ``:person_id`` (from ``:start``, to ``:end``), oldest first: plain
    rows of the table (no ORM objects), the statement built once."""
    table = DiaryEntryRow.__table__
    query = select(table).where(table.c.person_id == bindparam("person_id"))
    if from_start:
        query = query.where(table.c.date >= bindparam("start"))
    if to_end:
        query = query.where(table.c.date <= bindparam("end"))
    return query.order_by(table.c.date)


def _values(entry: DiaryEntry) -> dict[str, object]:
    """The columns of ``entry`` (all of them: a replaced entry keeps nothing old)."""
    values: dict[str, object] = {}
    for name in EVENTS:
        values[name] = format_time_value(getattr(entry, name))
    for name in (*_NUMBERS, *_OPTIONAL_NUMBERS):
        values[name] = getattr(entry, name)
    for name in _OPTIONAL_CLOCKS:
        value = getattr(entry, name)
        values[name] = format_time_value(value) if value is not None else None
    values["note"] = entry.note
    return values


def _clock(text: str | None) -> dt.time | None:
    if not text:
        return None
    value = parse_time_value(text)
    return value.time() if isinstance(value, dt.datetime) else value


def _entry(row: Any) -> DiaryEntry:
    """The entry of a ``DiaryEntryRow`` or of a plain row of its table."""
    return DiaryEntry(
        date=row.date,
        bedtime=parse_time_value(row.bedtime),
        lights_off=parse_time_value(row.lights_off),
        sol_min=row.sol_min,
        nwak=row.nwak,
        waso_min=row.waso_min,
        final_wake=parse_time_value(row.final_wake),
        out_of_bed=parse_time_value(row.out_of_bed),
        quality=row.quality,
        rested=row.rested,
        naps=row.naps,
        naps_min=row.naps_min,
        caffeine=row.caffeine,
        last_caffeine=_clock(row.last_caffeine),
        alcohol=row.alcohol,
        last_alcohol=_clock(row.last_alcohol),
        note=row.note,
    )
