"""A person's taper: the settings and holds (the schedule is always recomputed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nightbridge.core.taper import Hold, TaperPlan, build_taper
from nightbridge.storage.tables.safety import TaperHoldRow, TaperRow


@dataclass(frozen=True, slots=True)
class StoredTaper:
    id: int
    plan: TaperPlan


class TaperRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, person_id: int, plan: TaperPlan, *, explicit_min_step: bool) -> int:
        """Store ``plan`` as the person's active taper (the previous one stays, inactive)."""
        self.session.execute(
            update(TaperRow)
            .where(TaperRow.person_id == person_id, TaperRow.active.is_(True))
            .values(active=False)
        )
        row = TaperRow(
            person_id=person_id,
            substance=plan.substance,
            unit=plan.unit,
            start_amount=plan.start_amount,
            step_pct=plan.step_pct,
            every_days=plan.every_days,
            start_date=plan.start,
            min_step=plan.min_step if explicit_min_step else None,
            clinician_override=plan.clinician_override,
            active=True,
        )
        self.session.add(row)
        self.session.flush()
        for hold in plan.holds:
            self.session.add(TaperHoldRow(taper_id=row.id, step=hold.step, days=hold.days))
        self.session.flush()
        return row.id

    def add_hold(self, taper_id: int, hold: Hold) -> None:
        self.session.add(TaperHoldRow(taper_id=taper_id, step=hold.step, days=hold.days))
        self.session.flush()

    def active(self, person_id: int) -> StoredTaper | None:
        """The person's active taper, rebuilt from its settings and holds."""
        row = self.session.scalars(
            select(TaperRow)
            .where(TaperRow.person_id == person_id, TaperRow.active.is_(True))
            .order_by(TaperRow.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        holds = self.session.scalars(
            select(TaperHoldRow).where(TaperHoldRow.taper_id == row.id).order_by(TaperHoldRow.id)
        )
        plan = build_taper(
            start_amount=Decimal(row.start_amount),
            unit=row.unit,
            start=row.start_date,
            step_pct=Decimal(row.step_pct),
            every_days=row.every_days,
            min_step=Decimal(row.min_step) if row.min_step is not None else None,
            holds=[Hold(h.step, h.days) for h in holds],
            clinician_override=row.clinician_override,
            substance=row.substance,
        )
        return StoredTaper(row.id, plan)
