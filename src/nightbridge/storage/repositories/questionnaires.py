"""Questionnaires scored outside the check-in (ISI, COWS): add one, list them with the
rater's username."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.questionnaires import QuestionnaireScoreRow


@dataclass(frozen=True, slots=True)
class StoredScore:
    """One stored rating: what was scored, when, the result, and who rated it."""

    id: int
    instrument: str
    date: dt.date
    at: dt.datetime
    items: tuple[int, ...]
    total: int
    band: str
    rated_by: str
    rater: str


class QuestionnaireRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        person_id: int,
        *,
        instrument: str,
        day: dt.date,
        items: tuple[int, ...],
        total: int,
        band: str,
        rated_by: str,
        account_id: int | None,
    ) -> StoredScore:
        row = QuestionnaireScoreRow(
            person_id=person_id,
            instrument=instrument,
            date=day,
            items=list(items),
            total=total,
            band=band,
            rated_by=rated_by,
            rated_by_account_id=account_id,
        )
        self.session.add(row)
        self.session.flush()
        account = self.session.get(AccountRow, account_id) if account_id is not None else None
        return _stored(row, account.username if account else "")

    def between(
        self,
        person_id: int,
        start: dt.date,
        end: dt.date,
        instruments: tuple[str, ...] = (),
    ) -> list[StoredScore]:
        """Ratings dated ``start..end`` (both included), oldest first."""
        query = (
            select(QuestionnaireScoreRow, AccountRow.username)
            .outerjoin(AccountRow, AccountRow.id == QuestionnaireScoreRow.rated_by_account_id)
            .where(
                QuestionnaireScoreRow.person_id == person_id,
                QuestionnaireScoreRow.date >= start,
                QuestionnaireScoreRow.date <= end,
            )
        )
        if instruments:
            query = query.where(QuestionnaireScoreRow.instrument.in_(instruments))
        rows = self.session.execute(
            query.order_by(QuestionnaireScoreRow.date, QuestionnaireScoreRow.id)
        )
        return [_stored(row, username or "") for row, username in rows]


def _stored(row: QuestionnaireScoreRow, rater: str) -> StoredScore:
    return StoredScore(
        id=row.id,
        instrument=row.instrument,
        date=row.date,
        at=row.at,
        items=tuple(int(v) for v in row.items or ()),
        total=int(row.total),
        band=row.band,
        rated_by=row.rated_by,
        rater=rater,
    )
