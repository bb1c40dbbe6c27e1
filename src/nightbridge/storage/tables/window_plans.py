"""The sleep window in force (core.window_plan.WindowPlan), one row per change.

The newest row (highest id) is the plan in force; older rows are its history (reports
show "window 5 h 30 from Nov 3, 5 h 45 from Nov 10").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class WindowPlanRow(Base):
    __tablename__ = "window_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False, index=True
    )
    rise: Mapped[str] = mapped_column(String(5), nullable=False)
    window_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    set_by: Mapped[str] = mapped_column(String(16), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
