"""A person's taper: the settings and holds (the schedule is always recomputed), and the
history of changes (every schedule kept, inactive, with who set it; every hold)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nightbridge.core.taper import Hold, TaperPlan, build_taper
from nightbridge.storage.changes import remembered
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.safety import TaperHoldRow, TaperRow


@dataclass(frozen=True, slots=True)
class StoredTaper:
    id: int
    plan: TaperPlan


@dataclass(frozen=True, slots=True)
class StoredChange:
    """One change of the schedule: a new schedule (``kind`` "set") or a hold added later
    ("hold"); ``before`` is the schedule it replaced (None for the first)."""

    kind: str
    at: dt.datetime
    set_by: str | None
    set_by_username: str | None
    before: TaperPlan | None
    after: TaperPlan
    raise_confirmed: bool


def _plan(row: TaperRow, holds: Sequence[TaperHoldRow]) -> TaperPlan:
    return build_taper(
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


class TaperRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(
        self,
        person_id: int,
        plan: TaperPlan,
        *,
        explicit_min_step: bool,
        set_by: str | None = None,
        set_by_account_id: int | None = None,
        raise_confirmed: bool = False,
    ) -> int:
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
            set_by=set_by,
            set_by_account_id=set_by_account_id,
            raise_confirmed=raise_confirmed,
        )
        self.session.add(row)
        self.session.flush()
        for hold in plan.holds:
            self.session.add(
                TaperHoldRow(
                    taper_id=row.id,
                    step=hold.step,
                    days=hold.days,
                    set_by=set_by,
                    set_by_account_id=set_by_account_id,
                    on_save=True,
                )
            )
        self.session.flush()
        return row.id

    def add_hold(
        self,
        taper_id: int,
        hold: Hold,
        *,
        set_by: str | None = None,
        set_by_account_id: int | None = None,
    ) -> None:
        self.session.add(
            TaperHoldRow(
                taper_id=taper_id,
                step=hold.step,
                days=hold.days,
                set_by=set_by,
                set_by_account_id=set_by_account_id,
                on_save=False,
            )
        )
        self.session.flush()

    def active(self, person_id: int) -> StoredTaper | None:
        """The person's active taper, rebuilt from its settings and holds (read once
        per unit of work until it writes: ``storage.changes.remembered``)."""
        return remembered(  # type: ignore[no-any-return]
            self.session, ("active taper", person_id), lambda: self._active(person_id)
        )

    def _active(self, person_id: int) -> StoredTaper | None:
        row = self.session.scalars(
            select(TaperRow)
            .where(TaperRow.person_id == person_id, TaperRow.active.is_(True))
            .order_by(TaperRow.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        holds = list(
            self.session.scalars(
                select(TaperHoldRow)
                .where(TaperHoldRow.taper_id == row.id)
                .order_by(TaperHoldRow.id)
            )
        )
        return StoredTaper(row.id, _plan(row, holds))

    def changes(self, person_id: int) -> list[StoredChange]:
        """Every change of the person's taper, oldest first (three queries in all)."""
        rows = list(
            self.session.scalars(
                select(TaperRow).where(TaperRow.person_id == person_id).order_by(TaperRow.id)
            )
        )
        if not rows:
            return []
        holds: dict[int, list[TaperHoldRow]] = {}
        for hold in self.session.scalars(
            select(TaperHoldRow)
            .where(TaperHoldRow.taper_id.in_([r.id for r in rows]))
            .order_by(TaperHoldRow.id)
        ):
            holds.setdefault(hold.taper_id, []).append(hold)
        ids = {r.set_by_account_id for r in rows} | {
            h.set_by_account_id for hs in holds.values() for h in hs
        }
        ids.discard(None)
        names = (
            dict(
                self.session.execute(
                    select(AccountRow.id, AccountRow.username).where(AccountRow.id.in_(ids))
                ).all()
            )
            if ids
            else {}
        )

        found: list[StoredChange] = []
        current: TaperPlan | None = None
        for row in rows:
            kept = [h for h in holds.get(row.id, []) if h.on_save]
            plan = _plan(row, kept)
            found.append(
                StoredChange(
                    "set",
                    row.created_at,
                    row.set_by,
                    names.get(row.set_by_account_id),
                    current,
                    plan,
                    row.raise_confirmed,
                )
            )
            current = plan
            for hold in (h for h in holds.get(row.id, []) if not h.on_save):
                kept.append(hold)
                plan = _plan(row, kept)
                found.append(
                    StoredChange(
                        "hold",
                        hold.created_at,
                        hold.set_by,
                        names.get(hold.set_by_account_id),
                        current,
                        plan,
                        False,
                    )
                )
                current = plan
        return found
