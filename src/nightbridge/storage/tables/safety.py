"""Tables for the safety area: intake, check-ins, recorded alerts, tapers and holds.

Intake keeps the instant (UTC) and the local date it fell on in the person's zone when
it was logged, so day-based rules (definitions.md section 4) can select by date.
Alerts are recorded with the evidence that raised them (JSON) and the date they are for;
one row per person, date and code (re-evaluating a date refreshes the evidence).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


def _person_fk() -> ForeignKey:
    return ForeignKey("persons.id", ondelete="CASCADE")


class IntakeEventRow(Base):
    __tablename__ = "intake_events"
    __table_args__ = (Index("ix_intake_events_person_local_date", "person_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk(), nullable=False)
    substance: Mapped[str] = mapped_column(String(120), nullable=False)
    substance_class: Mapped[str] = mapped_column(String(40), nullable=False)
    amount: Mapped[float] = mapped_column(Float, nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    local_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    product: Mapped[str | None] = mapped_column(String(200), nullable=True)
    strain: Mapped[str | None] = mapped_column(String(200), nullable=True)
    batch: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lab_tested: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class CheckinRow(Base):
    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("person_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk(), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    symptoms: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict)
    flags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    function: Mapped[int | None] = mapped_column(Integer, nullable=True)
    self_harm_thoughts: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    withdrawal_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    phq9: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    phq9_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gad7: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    gad7_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("person_id", "date", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk(), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    actions: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class TaperRow(Base):
    __tablename__ = "tapers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk(), nullable=False, index=True)
    substance: Mapped[str] = mapped_column(String(120), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    start_amount: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    step_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    every_days: Mapped[int] = mapped_column(Integer, nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    min_step: Mapped[Decimal | None] = mapped_column(Numeric(12, 3), nullable=True)
    clinician_override: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Who set it (migration 0013): "person" or "clinician" (None before 0013), the
    # account when known, and whether a raise of today's target was confirmed.
    set_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    set_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    raise_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class TaperHoldRow(Base):
    __tablename__ = "taper_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taper_id: Mapped[int] = mapped_column(
        ForeignKey("tapers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    set_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    set_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    # True for a hold saved with its schedule (part of that change), False for a hold
    # added later (a change of its own in the history).
    on_save: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
