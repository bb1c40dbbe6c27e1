"""Intake events of a person (core.intake.IntakeEvent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from nightbridge.core.intake import DOSE_CLASSES, IntakeEvent
from nightbridge.storage.tables.safety import IntakeEventRow


@cache
def _dated_query() -> Any:
    """Plain rows of ``:person_id``'s events dated ``:start..:end`` (built once)."""
    table = IntakeEventRow.__table__
    return (
        select(table)
        .where(
            table.c.person_id == bindparam("person_id"),
            table.c.local_date >= bindparam("start"),
            table.c.local_date <= bindparam("end"),
        )
        .order_by(table.c.at, table.c.id)
    )


@cache
def _last_dose_query() -> Any:
    """The plain row of ``:person_id``'s latest dose dated before ``:day`` (built once)."""
    table = IntakeEventRow.__table__
    return (
        select(table)
        .where(
            table.c.person_id == bindparam("person_id"),
            table.c.local_date < bindparam("day"),
            table.c.substance_class.in_(sorted(DOSE_CLASSES)),
        )
        .order_by(table.c.at.desc(), table.c.id.desc())
        .limit(1)
    )


def _event(row: Any) -> IntakeEvent:
    return IntakeEvent(
        substance=row.substance,
        substance_class=row.substance_class,
        amount=row.amount,
        unit=row.unit,
        at=row.at,
        product=row.product,
        strain=row.strain,
        batch=row.batch,
        lab_tested=row.lab_tested,
        note=row.note,
    )


@dataclass(frozen=True, slots=True)
class DatedIntake:
    """An intake event with its stored local date and row id (for evaluating several
    days from one read: ``services.recovery.safety``)."""

    local_date: dt.date
    id: int
    event: IntakeEvent


class IntakeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, person_id: int, event: IntakeEvent, local_date: dt.date) -> int:
        row = IntakeEventRow(
            person_id=person_id,
            substance=event.substance,
            substance_class=event.substance_class,
            amount=event.amount,
            unit=event.unit,
            at=event.at,
            local_date=local_date,
            product=event.product,
            strain=event.strain,
            batch=event.batch,
            lab_tested=event.lab_tested,
            note=event.note,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def between(self, person_id: int, start: dt.date, end: dt.date) -> list[IntakeEvent]:
        """Events whose local date is in ``start..end`` (both included), oldest first."""
        rows = self.session.scalars(
            select(IntakeEventRow)
            .where(
                IntakeEventRow.person_id == person_id,
                IntakeEventRow.local_date >= start,
                IntakeEventRow.local_date <= end,
            )
            .order_by(IntakeEventRow.at, IntakeEventRow.id)
        )
        return [_event(r) for r in rows]

    def dated_between(self, person_id: int, start: dt.date, end: dt.date) -> list[DatedIntake]:
        """``between``, each event with its local date and id."""
        rows = self.session.execute(
            _dated_query(), {"person_id": person_id, "start": start, "end": end}
        )
        return [DatedIntake(r.local_date, r.id, _event(r)) for r in rows]

    def last_dose_before(self, person_id: int, day: dt.date) -> IntakeEvent | None:
        """The latest kratom or opioid event with a local date before ``day``."""
        found = self.last_dose_row_before(person_id, day)
        return found.event if found is not None else None

    def last_dose_row_before(self, person_id: int, day: dt.date) -> DatedIntake | None:
        """``last_dose_before`` with the event's local date and id."""
        row = self.session.execute(_last_dose_query(), {"person_id": person_id, "day": day}).first()
        return DatedIntake(row.local_date, row.id, _event(row)) if row is not None else None

    def last_dose_date(self, person_id: int, on_or_before: dt.date) -> dt.date | None:
        """The local date of the latest kratom or opioid intake on or before a date."""
        return self.session.scalar(
            select(IntakeEventRow.local_date)
            .where(
                IntakeEventRow.person_id == person_id,
                IntakeEventRow.local_date <= on_or_before,
                IntakeEventRow.substance_class.in_(sorted(DOSE_CLASSES)),
            )
            .order_by(IntakeEventRow.local_date.desc())
            .limit(1)
        )
