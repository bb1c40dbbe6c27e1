"""Tables of the recovery toolkit: program progress, dismissed nudges, the relapse
plan, cravings, weekly check-ins, thought records, evening log items and reminder
times. Every table belongs to one person (``persons.id``, deleted with the person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow

#: Reminder clock times until the person sets their own (local ``HH:MM``).
DEFAULT_MORNING_AT = "07:30"
DEFAULT_EVENING_AT = "21:00"


class ProgramRow(Base):
    """When a person started the six-week program."""

    __tablename__ = "toolkit_programs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    started_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonDoneRow(Base):
    """A lesson a person marked as done."""

    __tablename__ = "toolkit_lessons_done"
    __table_args__ = (UniqueConstraint("person_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class NudgeDismissalRow(Base):
    """A hygiene nudge the person dismissed, and on which local date."""

    __tablename__ = "toolkit_nudge_dismissals"
    __table_args__ = (UniqueConstraint("person_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    dismissed_on: Mapped[dt.date] = mapped_column(Date)


class RelapsePlanRow(Base):
    """The person's relapse-prevention plan (one per person; lists of lines as JSON)."""

    __tablename__ = "toolkit_relapse_plans"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    coping_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CravingRow(Base):
    """One logged craving (intensity 0..10)."""

    __tablename__ = "toolkit_cravings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    intensity: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(Text, default="")
    helped: Mapped[str] = mapped_column(Text, default="")


class WeeklyCheckinRow(Base):
    """One week's relapse-prevention check-in (four items 0..4), keyed by its Monday."""

    __tablename__ = "toolkit_weekly_checkins"
    __table_args__ = (UniqueConstraint("person_id", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[dt.date] = mapped_column(Date)
    confidence: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    cravings: Mapped[int] = mapped_column(Integer)
    stress: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThoughtRecordRow(Base):
    """One thought record (lesson 5): the thought, how strongly it was believed before
    and after (0..100), the evidence both ways and a more balanced thought."""

    __tablename__ = "toolkit_thought_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    situation: Mapped[str] = mapped_column(Text, default="")
    thought: Mapped[str] = mapped_column(Text)
    belief_before: Mapped[int] = mapped_column(Integer)
    evidence_for: Mapped[str] = mapped_column(Text, default="")
    evidence_against: Mapped[str] = mapped_column(Text, default="")
    balanced: Mapped[str] = mapped_column(Text, default="")
    belief_after: Mapped[int | None] = mapped_column(Integer, nullable=True)


class EveningLogRow(Base):
    """Evening items the diary does not hold, for the night dated by its morning:
    screens in the last hour before bed, bedroom temperature (degrees C), and when the
    last nap started (local ``HH:MM``)."""

    __tablename__ = "toolkit_evening_logs"
    __table_args__ = (UniqueConstraint("person_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    screens_last_hour: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    bedroom_temp_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    nap_start: Mapped[str | None] = mapped_column(String(5), nullable=True)


class ReminderRow(Base):
    """The clock times (local, ``HH:MM``) of the person's diary and evening reminders."""

    __tablename__ = "toolkit_reminders"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    morning_at: Mapped[str] = mapped_column(String(5), default=DEFAULT_MORNING_AT)
    evening_at: Mapped[str] = mapped_column(String(5), default=DEFAULT_EVENING_AT)
