"""Tables for the diary area: one row per person and morning (docs/definitions.md section 1).

Times are kept as entered (``HH:MM`` clock times or ISO datetimes) so an entry can be
placed again on the timeline, for example after the person's zone changes; metrics are
always computed, never stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class DiaryEntryRow(Base):
    __tablename__ = "diary_entries"
    __table_args__ = (UniqueConstraint("person_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    bedtime: Mapped[str] = mapped_column(String(40), nullable=False)
    lights_off: Mapped[str] = mapped_column(String(40), nullable=False)
    sol_min: Mapped[int] = mapped_column(Integer, nullable=False)
    nwak: Mapped[int] = mapped_column(Integer, nullable=False)
    waso_min: Mapped[int] = mapped_column(Integer, nullable=False)
    final_wake: Mapped[str] = mapped_column(String(40), nullable=False)
    out_of_bed: Mapped[str] = mapped_column(String(40), nullable=False)
    quality: Mapped[int] = mapped_column(Integer, nullable=False)
    rested: Mapped[int | None] = mapped_column(Integer, nullable=True)
    naps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    naps_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    caffeine: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_caffeine: Mapped[str | None] = mapped_column(String(8), nullable=True)
    alcohol: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_alcohol: Mapped[str | None] = mapped_column(String(8), nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
