"""Clinics (workspaces): the clinic, its members and the invites its admins send.

A clinic groups clinicians (Tidepool's clinic workspaces). A person shares with a
clinic by its share code (``shares.clinic_id``) or with one clinician
(``shares.clinician_id``); every current member of the clinic then sees what the
person shared with it, at the access the person chose (``shares.access``). The rules
live in ``services/access.py``; what each role may do in docs/clinics.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow

#: Roles in a clinic: ``clinic_admin`` (members, invites, share code, on-call address)
#: and ``clinician``. Both see the people who share with the clinic.
CLINIC_ROLES: tuple[str, ...] = ("clinic_admin", "clinician")


class ClinicRow(Base):
    """A clinic. ``share_code`` is shown to its members (people type it to share with the
    clinic), so it is stored as it is, unique, and can be rotated (the old one stops
    working at once; existing shares stay)."""

    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    share_code: Mapped[str] = mapped_column(String(16), unique=True)
    #: Where alert emails go (no health data in them); none until a clinic admin sets it.
    on_call_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClinicMemberRow(Base):
    """An account's membership of a clinic, from ``added_at`` until ``removed_at``.

    A removed member keeps the row (history); only rows without ``removed_at`` count,
    and ``services.access`` reads them on every request."""

    __tablename__ = "clinic_members"
    __table_args__ = (Index("ix_clinic_members_account_clinic", "account_id", "clinic_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # CLINIC_ROLES
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ClinicInviteRow(Base):
    """A clinic admin's invitation of one clinician account to join the clinic.

    Bound to ``account_id`` (only that account sees and accepts it), expires at
    ``expires_at``, and is used once (``accepted_at``) or ended (``ended_at``:
    declined by the invitee or withdrawn by a clinic admin)."""

    __tablename__ = "clinic_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # CLINIC_ROLES
    invited_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True, nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
