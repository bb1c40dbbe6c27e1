"""Daily check-ins of a person (core.checkin.CheckinDay): one row per person and date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nightbridge.core.checkin import CheckinDay
from nightbridge.storage.tables.safety import CheckinRow


def _checkin(row: CheckinRow) -> CheckinDay:
    return CheckinDay(
        date=row.date,
        symptoms=dict(row.symptoms or {}),
        flags=frozenset(row.flags or ()),
        function=row.function,
        self_harm_thoughts=row.self_harm_thoughts,
        phq9=tuple(row.phq9) if row.phq9 is not None else None,
        gad7=tuple(row.gad7) if row.gad7 is not None else None,
    )


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
        row = self._row(person_id, checkin.date)
        if row is None:
            row = CheckinRow(person_id=person_id, date=checkin.date)
            self.session.add(row)
        row.symptoms = dict(checkin.symptoms)
        row.flags = sorted(checkin.flags)
        row.function = checkin.function
        row.self_harm_thoughts = checkin.self_harm_thoughts
        row.withdrawal_score = checkin.withdrawal_score
        row.phq9 = list(checkin.phq9) if checkin.phq9 is not None else None
        row.phq9_total = sum(checkin.phq9) if checkin.phq9 is not None else None
        row.gad7 = list(checkin.gad7) if checkin.gad7 is not None else None
        row.gad7_total = sum(checkin.gad7) if checkin.gad7 is not None else None
        self.session.flush()

    def last_date(self, person_id: int, on_or_before: dt.date) -> dt.date | None:
        """The date of the person's newest check-in up to ``on_or_before``, if any."""
        return self.session.scalar(
            select(func.max(CheckinRow.date)).where(
                CheckinRow.person_id == person_id, CheckinRow.date <= on_or_before
            )
        )

    def between(self, person_id: int, start: dt.date, end: dt.date) -> list[CheckinDay]:
        """Check-ins dated ``start..end`` (both included), oldest first."""
        rows = self.session.scalars(
            select(CheckinRow)
            .where(
                CheckinRow.person_id == person_id,
                CheckinRow.date >= start,
                CheckinRow.date <= end,
            )
            .order_by(CheckinRow.date)
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
