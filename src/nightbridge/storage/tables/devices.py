"""Tables for the devices area (definitions.md section 7).

Device data is kept apart from the diary: nothing here refers to ``diary_entries``, and
the diary never reads these tables to fill itself in.

- ``device_samples``: every imported sleep sample, keyed per person by a content hash
  (``SleepSample.key()``: exports carry no record ids), so re-importing the same or a
  newer export adds only what is new. Instants are stored as UTC with the offset the
  device wrote beside them, so local dates and nap rules read as they were recorded.
- ``device_nights``: main sleeps and naps built from the samples (``core.device_nights``),
  rebuilt for the dates an import touches; kept so ``nights --json`` reads years of
  nights without recomputing them.
- ``device_activity``: exercise minutes per source and local date.
- ``device_imports``: one row per import run (what, when, how much was new).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow

SOURCE_LENGTH = 200


class DeviceSampleRow(Base):
    __tablename__ = "device_samples"
    __table_args__ = (
        UniqueConstraint("person_id", "key"),
        Index("ix_device_samples_person_start", "person_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH), nullable=False)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    start_offset_s: Mapped[int] = mapped_column(Integer, nullable=False)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    end_offset_s: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False)
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    key: Mapped[str] = mapped_column(String(32), nullable=False)


class DeviceNightRow(Base):
    __tablename__ = "device_nights"
    __table_args__ = (Index("ix_device_nights_person_date", "person_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH), nullable=False)
    chosen: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_nap: Mapped[bool] = mapped_column(Boolean, nullable=False)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    start_offset_s: Mapped[int] = mapped_column(Integer, nullable=False)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    end_offset_s: Mapped[int] = mapped_column(Integer, nullable=False)
    tst_min: Mapped[int] = mapped_column(Integer, nullable=False)
    tib_min: Mapped[int] = mapped_column(Integer, nullable=False)
    sol_min: Mapped[int] = mapped_column(Integer, nullable=False)
    waso_min: Mapped[int] = mapped_column(Integer, nullable=False)
    se_pct: Mapped[float] = mapped_column(Float, nullable=False)
    light_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deep_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rem_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Another source whose in-bed interval set tib/sol (definitions.md section 7).
    in_bed_source: Mapped[str | None] = mapped_column(String(SOURCE_LENGTH), nullable=True)


class DeviceActivityRow(Base):
    __tablename__ = "device_activity"
    __table_args__ = (UniqueConstraint("person_id", "source", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    exercise_min: Mapped[float] = mapped_column(Float, nullable=False)


class DeviceImportRow(Base):
    __tablename__ = "device_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    samples_added: Mapped[int] = mapped_column(Integer, nullable=False)
    samples_skipped: Mapped[int] = mapped_column(Integer, nullable=False)
    nights: Mapped[int] = mapped_column(Integer, nullable=False)
