"""The clinician's caseload read in one statement over ``person_summaries`` (filters,
sort, page and the total together), and the reviews of people's alerts.

The rules (which filter means what, each column's default order) are
``core.caseload``'s; the persons the reader may see come from the one permission check
(``services.access.readable_persons``, a subquery of person ids) and are joined here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from nightbridge.core.caseload import CaseloadQuery, Review
from nightbridge.core.triage import ALERT_LOOKBACK_DAYS, TREND_HORIZON, PersonSummary
from nightbridge.storage.repositories.summaries import _LEVEL_COLUMNS, summary_of
from nightbridge.storage.repositories.tags import TagRepository
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.caseload import PersonReviewRow
from nightbridge.storage.tables.safety import AlertRow
from nightbridge.storage.tables.summaries import PersonSummaryRow

S = PersonSummaryRow
_NO_ALERT = len(_LEVEL_COLUMNS)
_TREND_RANK = {"w": 0, "s": 1, "i": 2}


@dataclass(frozen=True, slots=True)
class CaseloadPage:
    """One page of the caseload: the summaries in order with their reviews, the total
    that matched, and each listed person's local date (the day the filters used)."""

    rows: list[tuple[PersonSummary, Review | None]]
    total: int
    today: dict[int, dt.date]


def _today_in(zone: str, now: dt.datetime) -> dt.date:
    try:
        return now.astimezone(ZoneInfo(zone)).date()
    except (ValueError, KeyError):
        return now.astimezone(dt.UTC).date()


def _or_none(clinics: Any) -> Any:
    """The reader's clinics, or none at all (``IN ()`` matches nobody)."""
    return clinics if clinics is not None else []


def _like_pattern(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CaseloadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        readable: Any,
        query: CaseloadQuery,
        *,
        now: dt.datetime,
        clinics: Any = None,
        me: int | None = None,
    ) -> CaseloadPage:
        """The page of ``query`` among the persons of ``readable`` (a subquery of ids):
        two statements whatever the number of people (their time zones, then the page
        with the total beside each row), and a count only when the page is past the end.
        ``clinics``: the reader's clinics (a subquery of ids), whose tags and assignments
        the ``tag`` and ``assigned`` filters read; ``me``: the reader's account."""
        shared = S.person_id.in_(readable)
        zones = list(self.session.scalars(select(S.tz).where(shared).distinct()))
        today_by_zone = {zone: _today_in(zone, now) for zone in zones}
        fallback = now.astimezone(dt.UTC).date().toordinal()
        today_day: Any = (
            case(
                *((S.tz == z, literal(d.toordinal())) for z, d in today_by_zone.items()),
                else_=literal(fallback),
            )
            if today_by_zone
            else literal(fallback)
        )
        cut = today_day - ALERT_LOOKBACK_DAYS
        rank = case(
            *((getattr(S, column) >= cut, i) for i, column in enumerate(_LEVEL_COLUMNS.values())),
            else_=_NO_ALERT,
        )
        age = today_day - S.as_of_day
        letter = case(
            (and_(age >= 0, age < TREND_HORIZON), func.substr(S.trend_letters, age + 1, 1)),
            else_="u",
        )
        trend_rank = case(*((letter == k, v) for k, v in _TREND_RANK.items()), else_=3)
        worsening = case((letter == "w", 0), else_=1)
        staleness = case(
            (S.last_entry_day.is_(None), -(10**6)),
            (S.last_entry_day > today_day, 0),
            else_=S.last_entry_day - today_day,
        )
        name: Any = S.sort_name
        if self.session.get_bind().dialect.name == "postgresql":
            name = name.collate("C")  # code-point order, as Python sorts
        review = aliased(PersonReviewRow)
        reviewer = aliased(AccountRow)
        covered = func.coalesce(S.last_alert_id, 0) <= func.coalesce(review.alert_id, 0)
        conditions: list[Any] = [shared]
        if query.q:
            conditions.append(S.sort_name.like(_like_pattern(query.q), escape="\\"))
        if query.alert == "any":
            conditions.append(rank < _NO_ALERT)
        elif query.alert == "none":
            conditions.append(rank == _NO_ALERT)
        elif query.alert is not None:
            conditions.append(rank == list(_LEVEL_COLUMNS).index(query.alert))
        if query.stale_days is not None:
            conditions.append(
                or_(S.last_entry_day.is_(None), today_day - S.last_entry_day >= query.stale_days)
            )
        if query.taper is not None:
            conditions.append(S.taper_active.is_(true()) if query.taper else ~S.taper_active)
        if query.reviewed is True:
            conditions.append(and_(review.person_id.is_not(None), covered))
        elif query.reviewed is False:
            conditions.append(and_(rank < _NO_ALERT, or_(review.person_id.is_(None), ~covered)))
        if query.tag is not None:
            tagged = TagRepository(self.session).persons_tagged(query.tag, _or_none(clinics))
            conditions.append(S.person_id.in_(tagged))
        if query.assigned is not None:
            tags = TagRepository(self.session)
            if query.assigned == "none":
                conditions.append(S.person_id.not_in(tags.persons_assigned(_or_none(clinics))))
            else:
                account = me if query.assigned == "me" else tags.account_by_username(query.assigned)
                conditions.append(
                    S.person_id.in_(tags.persons_assigned(_or_none(clinics), account or -1))
                )
        triage = [rank, worsening, staleness, name, S.person_id]
        adherence = case(
            (
                and_(S.taper_active.is_(true()), S.taper_days_elapsed > 0),
                (S.taper_days_logged - S.taper_days_over) * 100.0 / S.taper_days_elapsed,
            ),
            else_=None,
        )
        columns: dict[str, Any] = {
            "alert": rank,
            "trend": trend_rank,
            "last_entry": staleness,
            "tst": S.tst_7d_min,
            "se": S.se_7d_pct,
            "isi": S.isi_total,
            "phq9": S.phq9_total,
            "gad7": S.gad7_total,
            "taper": adherence,
        }
        order: list[Any]
        if query.sort == "triage":
            order = triage if not query.descending else [c.desc() for c in triage[:3]] + triage[3:]
        elif query.sort == "name":
            order = [name.desc() if query.descending else name, S.person_id]
        else:
            column = columns[query.sort]
            order = [
                column.is_(None),  # no value: last in either order
                column.desc() if query.descending else column.asc(),
                *triage,
            ]
        statement = (
            select(S, review.alert_id, review.reviewed_at, reviewer.username, func.count().over())
            .outerjoin(review, review.person_id == S.person_id)
            .outerjoin(reviewer, reviewer.id == review.reviewed_by)
            .where(*conditions)
            .order_by(*order)
            .offset(query.offset)
            .limit(query.per_page)
        )
        rows: list[tuple[PersonSummary, Review | None]] = []
        total = 0
        for row, alert_id, reviewed_at, username, count in self.session.execute(statement):
            total = int(count)
            stored = (
                Review(by=username, at=reviewed_at, alert_id=alert_id)
                if reviewed_at is not None
                else None
            )
            rows.append((summary_of(row), stored))
        if not rows and query.page > 1:
            counted = (
                select(func.count())
                .select_from(S)
                .outerjoin(review, review.person_id == S.person_id)
                .where(*conditions)
            )
            total = int(self.session.scalar(counted) or 0)
        return CaseloadPage(
            rows=rows,
            total=total,
            today={s.person_id: today_by_zone.get(s.tz) or _today_in(s.tz, now) for s, _ in rows},
        )

    # -- reviews -----------------------------------------------------------------------

    def review(self, person_id: int, account_id: int | None, at: dt.datetime) -> Review:
        """Record that ``account_id`` reviewed the person's alerts now: it covers every
        alert recorded so far (the newest one's id)."""
        newest = self.session.scalar(
            select(func.max(AlertRow.id)).where(AlertRow.person_id == person_id)
        )
        values = {
            "person_id": person_id,
            "alert_id": newest,
            "reviewed_by": account_id,
            "reviewed_at": at,
        }
        insert = (
            postgresql.insert
            if self.session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        statement = insert(PersonReviewRow).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[PersonReviewRow.person_id],
                set_={k: statement.excluded[k] for k in ("alert_id", "reviewed_by", "reviewed_at")},
            )
        )
        username = (
            self.session.scalar(select(AccountRow.username).where(AccountRow.id == account_id))
            if account_id is not None
            else None
        )
        return Review(by=username, at=at, alert_id=newest)

    def latest(self, person_id: int) -> tuple[Review | None, int | None]:
        """The person's latest review and the newest alert recorded for them."""
        found = self.session.execute(
            select(PersonReviewRow, AccountRow.username)
            .outerjoin(AccountRow, AccountRow.id == PersonReviewRow.reviewed_by)
            .where(PersonReviewRow.person_id == person_id)
        ).first()
        newest = self.session.scalar(
            select(func.max(AlertRow.id)).where(AlertRow.person_id == person_id)
        )
        if found is None:
            return None, newest
        row, username = found
        return Review(by=username, at=row.reviewed_at, alert_id=row.alert_id), newest
