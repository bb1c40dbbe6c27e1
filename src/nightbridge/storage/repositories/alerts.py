"""Recorded alerts with the evidence that raised them (core.alerts.Alert).

One row per person, date and code: recording the same alert again refreshes its
message and evidence, and an alert no longer in force on a re-evaluated date is kept
(an alert once raised is part of the record; ``in_force`` tells what holds now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.core.alerts import Alert, sort_alerts
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.persons import PersonRow
from nightbridge.storage.tables.safety import AlertRow
from nightbridge.storage.upsert import forget_rows, upsert


def _alert(row: AlertRow) -> Alert:
    return Alert(
        level=row.level,
        code=row.code,
        message=row.message,
        date=row.date,
        actions=tuple(row.actions or ()),
        evidence=dict(row.evidence or {}),
        source=row.source,
    )


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, person_id: int, alerts: Sequence[Alert]) -> None:
        """Store each alert (insert, or refresh the row of the same date and code; one
        ``INSERT .. ON CONFLICT``, so saves racing each other never collide)."""
        now = utcnow()
        rows = {
            (alert.date, alert.code): {
                "person_id": person_id,
                "date": alert.date,
                "code": alert.code,
                "level": alert.level,
                "message": alert.message,
                "actions": list(alert.actions),
                "evidence": dict(alert.evidence),
                "source": alert.source,
                "raised_at": now,
            }
            for alert in alerts
        }
        upsert(self.session, AlertRow, list(rows.values()), ("person_id", "date", "code"))
        forget_rows(self.session, AlertRow)

    def between(self, person_id: int, start: dt.date, end: dt.date) -> list[Alert]:
        """Alerts recorded for dates ``start..end``, most urgent first, then newest."""
        rows = self.session.scalars(
            select(AlertRow).where(
                AlertRow.person_id == person_id,
                AlertRow.date >= start,
                AlertRow.date <= end,
            )
        )
        return sort_alerts(_alert(r) for r in rows)

    def between_for_persons(
        self, person_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> list[tuple[int, str, Alert]]:
        """``between`` for several persons in one statement: (person, their region,
        alert) for dates ``start..end``."""
        if not person_ids:
            return []
        rows = self.session.execute(
            select(AlertRow, PersonRow.region)
            .join(PersonRow, PersonRow.id == AlertRow.person_id)
            .where(
                AlertRow.person_id.in_(list(person_ids)),
                AlertRow.date >= start,
                AlertRow.date <= end,
            )
        )
        return [(row.person_id, region, _alert(row)) for row, region in rows]
