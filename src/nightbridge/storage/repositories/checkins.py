"""Daily check-ins of a person (core.checkin.CheckinDay): one row per person and date."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from nightbridge.core.checkin import CheckinDay
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.safety import CheckinRow
from nightbridge.storage.upsert import forget_rows, insert_missing, upsert


@cache
def _between_query() -> Any:
    """Plain rows of ``:person_id``'s check-ins dated ``:start..:end``, oldest first
    (built once; no ORM objects)."""
    table = CheckinRow.__table__
    return (
        select(table)
        .where(
            table.c.person_id == bindparam("person_id"),
            table.c.date >= bindparam("start"),
            table.c.date <= bindparam("end"),
        )
        .order_by(table.c.date)
    )


def _checkin(row: Any) -> CheckinDay:
    return CheckinDay(
        date=row.date,
        symptoms=dict(row.symptoms or {}),
        flags=frozenset(row.flags or ()),
        function=row.function,
        self_harm_thoughts=row.self_harm_thoughts,
        phq9=tuple(row.phq9) if row.phq9 is not None else None,
        gad7=tuple(row.gad7) if row.gad7 is not None else None,
    )


def _values(checkin: CheckinDay) -> dict[str, object]:
    return {
        "symptoms": dict(checkin.symptoms),
        "flags": sorted(checkin.flags),
        "function": checkin.function,
        "self_harm_thoughts": checkin.self_harm_thoughts,
        "withdrawal_score": checkin.withdrawal_score,
        "phq9": list(checkin.phq9) if checkin.phq9 is not None else None,
        "phq9_total": sum(checkin.phq9) if checkin.phq9 is not None else None,
        "gad7": list(checkin.gad7) if checkin.gad7 is not None else None,
        "gad7_total": sum(checkin.gad7) if checkin.gad7 is not None else None,
    }


class CheckinRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, person_id: int, day: dt.date) -> CheckinDay | None:
        row = self._row(person_id, day)
        return _checkin(row) if row is not None else None

    def _row(self, person_id: int, day: dt.date) -> CheckinRow | None:
        return self.session.scalars(
            select(CheckinRow).where(CheckinRow.person_id == person_id, CheckinRow.date == day)
        ).first()

    def save(self, person_id: int, checkin: CheckinDay) -> None:
        """Store the day's check-in (replacing the stored one for that date)."""
        upsert(
            self.session,
            CheckinRow,
            [{"person_id": person_id, "date": checkin.date, **_values(checkin)}],
            ("person_id", "date"),
            touch={"updated_at": utcnow()},
        )
        forget_rows(self.session, CheckinRow)

    def add_or_lock(self, person_id: int, checkin: CheckinDay) -> CheckinDay | None:
        """Store ``checkin`` if the day has none yet (None), else lock the stored one
        (``SELECT .. FOR UPDATE``, read fresh) and return it, for the caller to merge
        and ``save``: two check-ins of one day racing each other are merged one after
        the other, never both inserted (storage.upsert)."""
        row = {"person_id": person_id, "date": checkin.date, **_values(checkin)}
        if insert_missing(self.session, CheckinRow, row, ("person_id", "date")):
            return None
        stored = self.session.scalars(
            select(CheckinRow)
            .where(CheckinRow.person_id == person_id, CheckinRow.date == checkin.date)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        return _checkin(stored)

    def last_date(self, person_id: int, on_or_before: dt.date) -> dt.date | None:
        """The date of the person's newest check-in up to ``on_or_before``, if any."""
        return self.session.scalar(
            select(func.max(CheckinRow.date)).where(
                CheckinRow.person_id == person_id, CheckinRow.date <= on_or_before
            )
        )

    def between(self, person_id: int, start: dt.date, end: dt.date) -> list[CheckinDay]:
        """Check-ins dated ``start..end`` (both included), oldest first."""
        rows = self.session.execute(
            _between_query(), {"person_id": person_id, "start": start, "end": end}
        )
        return [_checkin(r) for r in rows]

    def withdrawal_scores(self, person_id: int, start: dt.date, end: dt.date) -> dict[dt.date, int]:
        """The withdrawal symptom diary score per date, where one was given."""
        rows = self.session.execute(
            select(CheckinRow.date, CheckinRow.withdrawal_score).where(
                CheckinRow.person_id == person_id,
                CheckinRow.date >= start,
                CheckinRow.date <= end,
                CheckinRow.withdrawal_score.is_not(None),
            )
        )
        return {day: int(score) for day, score in rows}
