"""The person whose nights these are, and their settings (core.profile.Profile)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Float, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    region: Mapped[str] = mapped_column(String(8), default="US")
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    safety_critical_job: Mapped[bool] = mapped_column(Boolean, default=False)
    floor_min: Mapped[int] = mapped_column(Integer, default=300)
    raise_at_pct: Mapped[float] = mapped_column(Float, default=90.0)
    lower_at_pct: Mapped[float] = mapped_column(Float, default=85.0)
    step_min: Mapped[int] = mapped_column(Integer, default=15)
    #: The restriction-safety screen was answered ("none of these" included).
    screened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The time zone and region were chosen, not left at their defaults.
    located: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
