"""Per-person summaries: what a clinician's list shows and sorts by (core.triage.PersonSummary).

One row per person, derived from the person's diary, check-ins, intake, alerts, taper
and device nights, and rewritten in the same transaction as every write that changes
those (``storage.changes``; the unit of work in ``Database.transaction``). Nothing here
is entered by anyone: ``nightbridge summaries rebuild`` recomputes every row.

Day numbers (``*_day``) are proleptic ordinals (``date.toordinal()``), so the triage
query can count days on both engines with plain integer arithmetic.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class PersonSummaryRow(Base):
    __tablename__ = "person_summaries"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    sort_name: Mapped[str] = mapped_column(String(480), nullable=False)
    tz: Mapped[str] = mapped_column(String(64), nullable=False)
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    as_of_day: Mapped[int] = mapped_column(Integer, nullable=False)
    last_entry: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_entry_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the latest date an alert of each level is recorded for (day number)
    emergency_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    crisis_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    urgent_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    advise_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the trend on as_of and each following day (core.triage.trend_letters), and its inputs
    trend_letters: Mapped[str] = mapped_column(String(16), nullable=False)
    trend_points: Mapped[dict[str, list[list[object]]]] = mapped_column(
        JSON, nullable=False, default=dict
    )
    nights_7d: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    tst_7d_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    se_7d_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    phq9_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    phq9_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    gad7_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gad7_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    isi_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    isi_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    taper_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    taper_days_elapsed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    taper_days_logged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    taper_days_over: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_device_night: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # the newest alert recorded for the person (its id): a review covers up to it
    last_alert_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
