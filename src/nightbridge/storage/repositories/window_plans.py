"""The sleep window plans (core.window_plan.WindowPlan): add one, the one in force, history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.core.window_plan import WindowPlan
from nightbridge.storage.tables.window_plans import WindowPlanRow


def _plan(row: WindowPlanRow) -> WindowPlan:
    hours, minutes = row.rise.split(":")
    return WindowPlan(
        rise=dt.time(int(hours), int(minutes)),
        window_min=row.window_min,
        set_on=row.set_on,
        set_by=row.set_by,
        action=row.action,
    )


class WindowPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, person_id: int, plan: WindowPlan) -> None:
        """Store ``plan`` as the one in force (the earlier ones stay as history)."""
        self.session.add(
            WindowPlanRow(
                person_id=person_id,
                rise=plan.rise.strftime("%H:%M"),
                window_min=plan.window_min,
                set_on=plan.set_on,
                set_by=plan.set_by,
                action=plan.action,
            )
        )
        self.session.flush()

    def current(self, person_id: int) -> WindowPlan | None:
        """The plan in force: the last one stored."""
        row = self.session.scalars(
            select(WindowPlanRow)
            .where(WindowPlanRow.person_id == person_id)
            .order_by(WindowPlanRow.id.desc())
            .limit(1)
        ).first()
        return _plan(row) if row is not None else None

    def history(self, person_id: int) -> list[WindowPlan]:
        """Every plan stored, oldest first."""
        rows = self.session.scalars(
            select(WindowPlanRow)
            .where(WindowPlanRow.person_id == person_id)
            .order_by(WindowPlanRow.id)
        )
        return [_plan(row) for row in rows]
