"""What a clinic records about a person on its caseload (docs/caseload.md): the last
review of their alerts, the clinic's tags on them and the clinician assigned. Entered
by clinicians, so kept apart from the derived ``person_summaries``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class PersonReviewRow(Base):
    """The latest review of a person's alerts (one row per person; each review is also
    in the audit trail). ``alert_id``: the newest alert recorded when it was reviewed
    (None: there was none); an alert recorded after it makes the person unreviewed."""

    __tablename__ = "person_reviews"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)


class ClinicTagRow(Base):
    """A tag a clinic defines for organising its caseload ("new intake", "night shift");
    its clinic admins add and remove them, its members put them on people."""

    __tablename__ = "clinic_tags"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PersonTagRow(Base):
    """A clinic's tag on a person (seen by the clinic's members who see the person)."""

    __tablename__ = "person_tags"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("clinic_tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PersonAssignmentRow(Base):
    """The clinician of a clinic assigned to a person (one per person and clinic; a
    current member of that clinic when assigned)."""

    __tablename__ = "person_assignments"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    assigned_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
