"""Intake events of a person (core.intake.IntakeEvent)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.core.intake import DOSE_CLASSES, IntakeEvent
from nightbridge.storage.tables.safety import IntakeEventRow


def _event(row: IntakeEventRow) -> IntakeEvent:
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

    def last_dose_before(self, person_id: int, day: dt.date) -> IntakeEvent | None:
        """The latest kratom or opioid event with a local date before ``day``."""
        row = self.session.scalars(
            select(IntakeEventRow)
            .where(
                IntakeEventRow.person_id == person_id,
                IntakeEventRow.local_date < day,
                IntakeEventRow.substance_class.in_(sorted(DOSE_CLASSES)),
            )
            .order_by(IntakeEventRow.at.desc(), IntakeEventRow.id.desc())
            .limit(1)
        ).first()
        return _event(row) if row is not None else None

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
