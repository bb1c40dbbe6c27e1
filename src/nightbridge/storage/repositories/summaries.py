"""Per-person summaries (core.triage.PersonSummary): computed from the stored data,
kept in ``person_summaries``, and the clinician's list read from them in one query.

``refresh_changed`` is what ``Database.transaction`` runs before it commits, for the
persons ``storage.changes`` saw written; ``rebuild_all`` recomputes every row (the
migration's backfill and ``nightbridge summaries rebuild``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, delete, func, literal, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import Vocabulary
from nightbridge.core.metrics import stored_night
from nightbridge.core.taper import compare_intake
from nightbridge.core.triage import (
    ALERT_LOOKBACK_DAYS,
    TREND_HORIZON,
    PersonSummary,
    TaperAdherence,
    seven_day_sleep,
)
from nightbridge.storage.changes import EVERYONE, take_changed
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.intake import IntakeRepository
from nightbridge.storage.repositories.shares import persons_shared_with
from nightbridge.storage.repositories.tapers import TaperRepository
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.devices import DeviceNightRow
from nightbridge.storage.tables.diary import DiaryEntryRow
from nightbridge.storage.tables.persons import PersonRow
from nightbridge.storage.tables.questionnaires import QuestionnaireScoreRow
from nightbridge.storage.tables.safety import AlertRow, CheckinRow
from nightbridge.storage.tables.summaries import PersonSummaryRow
from nightbridge.storage.upsert import dialect_insert

#: Days of data the trend reads (two 7-day halves).
TREND_SPAN_DAYS = 14
_LEVEL_COLUMNS = {
    "emergency": "emergency_day",
    "crisis": "crisis_day",
    "urgent": "urgent_day",
    "advise": "advise_day",
}


@cache
def _vocabulary() -> Vocabulary:
    from nightbridge.content import load_json

    return Vocabulary.from_content(load_json("substances.json"))


def _day(value: dt.date | None) -> int | None:
    return value.toordinal() if value is not None else None


def _date(day: int | None) -> dt.date | None:
    return dt.date.fromordinal(day) if day is not None else None


def _points(raw: Iterable[Sequence[Any]]) -> tuple[tuple[dt.date, float], ...]:
    return tuple((dt.date.fromisoformat(str(d)), float(v)) for d, v in raw)


def summary_of(row: PersonSummaryRow) -> PersonSummary:
    """The stored row as the core value."""
    alert_days = {
        level: dt.date.fromordinal(getattr(row, column))
        for level, column in _LEVEL_COLUMNS.items()
        if getattr(row, column) is not None
    }
    points = row.trend_points or {}
    return PersonSummary(
        person_id=row.person_id,
        name=row.name,
        tz=row.tz,
        as_of=row.as_of,
        last_entry=row.last_entry,
        alert_days=alert_days,
        symptom_points=_points(points.get("symptoms", [])),
        tst_points=_points(points.get("tst", [])),
        nights_7d=row.nights_7d,
        tst_7d_min=row.tst_7d_min,
        se_7d_pct=row.se_7d_pct,
        phq9_total=row.phq9_total,
        phq9_on=row.phq9_on,
        gad7_total=row.gad7_total,
        gad7_on=row.gad7_on,
        isi_total=row.isi_total,
        isi_on=row.isi_on,
        taper_active=row.taper_active,
        taper=TaperAdherence(row.taper_days_elapsed, row.taper_days_logged, row.taper_days_over),
        last_device_night=row.last_device_night,
        last_alert_id=row.last_alert_id,
    )


@dataclass(frozen=True, slots=True)
class TriagePage:
    """One page of a clinician's list: the summaries in order, the total, and each
    listed person's local date (the day the order was judged on)."""

    rows: list[PersonSummary]
    total: int
    today: dict[int, dt.date]


class SummaryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- computing ---------------------------------------------------------------------

    def compute(self, person_id: int, now: dt.datetime | None = None) -> PersonSummary | None:
        """The person's summary from scratch (None when there is no such person)."""
        # only the columns read here: migration 0014 runs this code on a persons table
        # without the columns later revisions add (0015: screened, located)
        person = self._person(person_id)
        if person is None:
            return None
        zone = person[0] or "UTC"
        today = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone)).date()
        start = today - dt.timedelta(days=TREND_SPAN_DAYS - 1)
        params = {"person_id": person_id, "today": today, "start": start}
        symptoms = tuple(
            (day, float(score)) for day, score in self.session.execute(_symptoms_query(), params)
        )
        nights = []
        for entry in DiaryRepository(self.session).list(person_id, start, today):
            try:
                nights.append(stored_night(entry, zone))
            except InvalidInput:
                continue
        latest = self.session.execute(_latest_query(), params).one()
        last_checkin, last_diary, last_device, phq9_total, phq9_on, gad7_total, gad7_on = latest[:7]
        last_dates = [d for d in (last_checkin, last_diary) if d is not None and d <= today]
        alert_days = {
            level: _as_date(day)
            for level, day in zip(_LEVEL_COLUMNS, latest[7 : 7 + len(_LEVEL_COLUMNS)], strict=True)
            if day is not None
        }
        stored = TaperRepository(self.session).active(person_id)
        adherence = TaperAdherence()
        if stored is not None:
            plan = stored.plan
            klass = _vocabulary().classify(plan.substance)
            steps = compare_intake(
                plan,
                IntakeRepository(self.session).between(person_id, plan.start, today),
                tz=zone,
                today=today,
                substance_class=klass if klass != "other" else None,
            )
            adherence = TaperAdherence(
                days_elapsed=sum(s.days_elapsed for s in steps),
                days_logged=sum(s.days_logged for s in steps),
                days_over=sum(s.days_over for s in steps),
            )
        count, tst, se = seven_day_sleep(((n.date, n.tst_min, n.se_pct) for n in nights), today)
        return PersonSummary(
            person_id=person_id,
            name=person[1] or f"Person {person_id}",
            tz=zone,
            as_of=today,
            last_entry=max(last_dates) if last_dates else None,
            alert_days=alert_days,
            symptom_points=symptoms,
            tst_points=tuple((n.date, float(n.tst_min)) for n in nights),
            nights_7d=count,
            tst_7d_min=tst,
            se_7d_pct=se,
            phq9_total=int(phq9_total) if phq9_total is not None else None,
            phq9_on=_as_date(phq9_on),
            gad7_total=int(gad7_total) if gad7_total is not None else None,
            gad7_on=_as_date(gad7_on),
            taper_active=stored is not None,
            taper=adherence,
            last_device_night=last_device,
            last_alert_id=latest[7 + len(_LEVEL_COLUMNS)],
            isi_total=int(latest[-2]) if latest[-2] is not None else None,
            isi_on=_as_date(latest[-1]),
        )

    def _person(self, person_id: int) -> tuple[str | None, str | None] | None:
        """The person's zone and name: from the unit of work's loaded row when it has
        one (a write's service read it), else one statement of just these columns
        (migration 0014 runs this code on a persons table without later columns)."""
        row = self.session.identity_map.get(self.session.identity_key(PersonRow, person_id))
        if row is not None:
            state = sa_inspect(row)
            if not state.deleted and {"tz", "display_name"} <= state.dict.keys():
                return row.tz, row.display_name
        found = self.session.execute(
            select(PersonRow.tz, PersonRow.display_name).where(PersonRow.id == person_id)
        ).first()
        return (found[0], found[1]) if found is not None else None

    # -- storing -----------------------------------------------------------------------

    def get(self, person_id: int) -> PersonSummary | None:
        row = self.session.get(PersonSummaryRow, person_id)
        return summary_of(row) if row is not None else None

    def refresh(self, person_id: int, now: dt.datetime | None = None) -> PersonSummary | None:
        """Recompute and store the person's summary (removed if the person is gone)."""
        summary = self.compute(person_id, now)
        if summary is None:
            self.session.execute(
                delete(PersonSummaryRow).where(PersonSummaryRow.person_id == person_id)
            )
            return None
        self.session.execute(_upsert(self.session.get_bind().dialect.name), [_values(summary)])
        return summary

    def rebuild_all(self, now: dt.datetime | None = None) -> int:
        """Recompute every person's summary; the number of persons."""
        ids = list(self.session.scalars(select(PersonRow.id).order_by(PersonRow.id)))
        for person_id in ids:
            self.refresh(person_id, now)
        self.session.flush()
        return len(ids)

    # -- the clinician's list ----------------------------------------------------------

    def _shared_with(self, clinician_id: int) -> Any:
        """Who shares with the clinician now: directly or through a clinic they are a
        current member of (``repositories.shares.persons_shared_with``)."""
        return persons_shared_with(clinician_id).scalar_subquery()

    def missing_for(self, clinician_id: int) -> list[int]:
        """Persons sharing with the clinician who have no summary row yet (a store
        written before summaries existed and not rebuilt: refreshed on sight)."""
        return list(
            self.session.scalars(
                select(PersonRow.id)
                .outerjoin(PersonSummaryRow, PersonSummaryRow.person_id == PersonRow.id)
                .where(
                    PersonRow.id.in_(self._shared_with(clinician_id)),
                    PersonSummaryRow.person_id.is_(None),
                )
            )
        )

    def triage_page(
        self, clinician_id: int, *, now: dt.datetime, offset: int = 0, limit: int = 50
    ) -> TriagePage:
        """One page of the clinician's people in triage order (core.triage), sorted by
        the database across all of them: three statements whatever their number (the
        zones, the count, the page)."""
        shared = PersonSummaryRow.person_id.in_(self._shared_with(clinician_id))
        zones = list(self.session.scalars(select(PersonSummaryRow.tz).where(shared).distinct()))
        today_by_zone = {zone: _today_in(zone, now) for zone in zones}
        fallback = now.astimezone(dt.UTC).date().toordinal()
        today_day: Any = (
            case(
                *(
                    (PersonSummaryRow.tz == z, literal(d.toordinal()))
                    for z, d in today_by_zone.items()
                ),
                else_=literal(fallback),
            )
            if today_by_zone
            else literal(fallback)
        )
        cut = today_day - ALERT_LOOKBACK_DAYS
        rank = case(
            *(
                (getattr(PersonSummaryRow, column) >= cut, i)
                for i, column in enumerate(_LEVEL_COLUMNS.values())
            ),
            else_=len(_LEVEL_COLUMNS),
        )
        age = today_day - PersonSummaryRow.as_of_day
        worsening = case(
            (
                and_(
                    age >= 0,
                    age < TREND_HORIZON,
                    func.substr(PersonSummaryRow.trend_letters, age + 1, 1) == "w",
                ),
                0,
            ),
            else_=1,
        )
        staleness = case(
            (PersonSummaryRow.last_entry_day.is_(None), -(10**6)),
            (PersonSummaryRow.last_entry_day > today_day, 0),
            else_=PersonSummaryRow.last_entry_day - today_day,
        )
        name = PersonSummaryRow.sort_name
        if self.session.get_bind().dialect.name == "postgresql":
            name = name.collate("C")  # code-point order, as Python sorts
        total = self.session.scalar(
            select(func.count()).select_from(PersonSummaryRow).where(shared)
        )
        rows = self.session.scalars(
            select(PersonSummaryRow)
            .where(shared)
            .order_by(rank, worsening, staleness, name, PersonSummaryRow.person_id)
            .offset(offset)
            .limit(limit)
        )
        summaries = [summary_of(row) for row in rows]
        return TriagePage(
            rows=summaries,
            total=int(total or 0),
            today={s.person_id: today_by_zone.get(s.tz) or _today_in(s.tz, now) for s in summaries},
        )


@cache
def _symptoms_query() -> Any:
    """``:person_id``'s withdrawal scores dated ``:start..:today`` (built once)."""
    return (
        select(CheckinRow.date, CheckinRow.withdrawal_score)
        .where(
            CheckinRow.person_id == bindparam("person_id"),
            CheckinRow.date >= bindparam("start"),
            CheckinRow.date <= bindparam("today"),
            CheckinRow.withdrawal_score.is_not(None),
        )
        .order_by(CheckinRow.date)
    )


@cache
def _latest_query() -> Any:
    """One row of ``:person_id``'s newest dates and scores up to ``:today``: the last
    check-in, diary entry and device night, the newest PHQ-9 and GAD-7 totals with
    their dates, the newest day of each alert level, the newest alert's id, and the
    newest ISI total with its date (built once)."""
    person = bindparam("person_id")
    today = bindparam("today")

    def newest(total: Any, day: Any, owner: Any, *where: Any, order: Any = ()) -> tuple[Any, Any]:
        """The newest ``total`` dated up to today and its date (two scalar subqueries)."""
        base = (
            select(total, day)
            .where(owner == person, day <= today, *where)
            .order_by(day.desc(), *order)
            .limit(1)
            .subquery()
        )
        return (
            select(base.c[0]).scalar_subquery(),
            select(base.c[1]).scalar_subquery(),
        )

    def newest_checkin(total: Any) -> tuple[Any, Any]:
        return newest(total, CheckinRow.date, CheckinRow.person_id, total.is_not(None))

    isi = QuestionnaireScoreRow
    return select(
        select(func.max(CheckinRow.date))
        .where(CheckinRow.person_id == person, CheckinRow.date <= today)
        .scalar_subquery(),
        select(func.max(DiaryEntryRow.date))
        .where(DiaryEntryRow.person_id == person)
        .scalar_subquery(),
        select(func.max(DeviceNightRow.date))
        .where(DeviceNightRow.person_id == person)
        .scalar_subquery(),
        *newest_checkin(CheckinRow.phq9_total),
        *newest_checkin(CheckinRow.gad7_total),
        *(
            select(func.max(AlertRow.date))
            .where(AlertRow.person_id == person, AlertRow.level == level)
            .scalar_subquery()
            for level in _LEVEL_COLUMNS
        ),
        select(func.max(AlertRow.id)).where(AlertRow.person_id == person).scalar_subquery(),
        *newest(
            isi.total, isi.date, isi.person_id, isi.instrument == "isi", order=(isi.id.desc(),)
        ),
    )


def _as_date(value: Any) -> dt.date | None:
    """A date from a scalar subquery (SQLite gives its text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _today_in(zone: str, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(zone)).date()


@cache
def _upsert(dialect: str) -> Any:
    """Insert a summary row, or replace the person's row: one statement, built once."""
    insert = dialect_insert(dialect)
    statement = insert(PersonSummaryRow)
    columns = [c.name for c in PersonSummaryRow.__table__.columns if c.name != "person_id"]
    return statement.on_conflict_do_update(
        index_elements=[PersonSummaryRow.person_id],
        set_={name: statement.excluded[name] for name in columns},
    )


def _values(summary: PersonSummary) -> dict[str, Any]:
    """The row of ``summary`` (column name -> value)."""
    values: dict[str, Any] = {
        "person_id": summary.person_id,
        "name": summary.name,
        "sort_name": summary.sort_name,
        "tz": summary.tz,
        "as_of": summary.as_of,
        "as_of_day": summary.as_of.toordinal(),
        "last_entry": summary.last_entry,
        "last_entry_day": _day(summary.last_entry),
        "trend_letters": summary.trend_letters,
        "trend_points": {
            "symptoms": [[d.isoformat(), v] for d, v in summary.symptom_points],
            "tst": [[d.isoformat(), v] for d, v in summary.tst_points],
        },
        "nights_7d": summary.nights_7d,
        "tst_7d_min": summary.tst_7d_min,
        "se_7d_pct": summary.se_7d_pct,
        "phq9_total": summary.phq9_total,
        "phq9_on": summary.phq9_on,
        "gad7_total": summary.gad7_total,
        "gad7_on": summary.gad7_on,
        "isi_total": summary.isi_total,
        "isi_on": summary.isi_on,
        "taper_active": summary.taper_active,
        "taper_days_elapsed": summary.taper.days_elapsed,
        "taper_days_logged": summary.taper.days_logged,
        "taper_days_over": summary.taper.days_over,
        "last_device_night": summary.last_device_night,
        "last_alert_id": summary.last_alert_id,
        "updated_at": utcnow(),
    }
    for level, column in _LEVEL_COLUMNS.items():
        values[column] = _day(summary.alert_days.get(level))
    return values


def refresh_changed(session: Session, now: dt.datetime | None = None) -> int:
    """Refresh the summaries of the persons this unit of work changed (all of them when
    a statement's persons could not be told); the number refreshed."""
    persons = take_changed(session)
    if not persons:
        return 0
    repo = SummaryRepository(session)
    if EVERYONE in persons:
        return repo.rebuild_all(now)
    for person_id in sorted(persons):
        repo.refresh(person_id, now)
    session.flush()
    return len(persons)


def alerts_days_window(today: Mapping[int, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The span of alert dates a page of the list shows (each person's lookback)."""
    if not today:
        return None
    return (
        min(today.values()) - dt.timedelta(days=ALERT_LOOKBACK_DAYS),
        max(today.values()),
    )
