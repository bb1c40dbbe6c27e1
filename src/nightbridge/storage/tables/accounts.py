"""Tables of the web platform: accounts, server-side sessions, invites, shares, the
append-only audit trail and clinicians' notes (clinics: ``tables/clinics.py``).

Everything the web app remembers lives here (not in process memory), so several app
processes can serve one PostgreSQL database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class AccountRow(Base):
    """A login: role ``person`` (linked to a persons row), ``clinician`` or ``admin``."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True, nullable=True
    )
    #: Sealed: ``v1:<key id>:<token>``, AES-GCM with a key kept outside the database
    #: (``services.accounts.totp_keys``); never the base32 secret itself.
    totp_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The language chosen on the account page (``en``, ``es``); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16), nullable=True)


class WebSessionRow(Base):
    """A server-side session; ``id`` is the SHA-256 of the cookie value, never the value."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginThrottleRow(Base):
    """Failed logins of one client (an address, or an IPv6 /64) in the current window;
    past the policy's limit the client is refused until ``blocked_until``."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, nullable=True, index=True
    )


class KnownDeviceRow(Base):
    """A browser that has logged in to an account (the SHA-256 of its device cookie):
    while the account is throttled after failed guesses, it may still try (NIST SP
    800-63B 5.2.2: accept attempts from devices the subscriber used before)."""

    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("account_id", "token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


#: What a share lets the clinician (or the clinic's members) do, chosen by the person:
#: ``view`` reads; ``manage`` reads and changes settings, taper and notes.
SHARE_ACCESS: tuple[str, ...] = ("view", "manage")


class InviteRow(Base):
    """A one-time code a person gives a clinician; only its SHA-256 is stored.

    ``for_account_id``: the clinician account it was made for (only that account can
    redeem it); none on invites made before clinics (any clinician could redeem those).
    ``access``: what the share it makes will allow (``SHARE_ACCESS``)."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    redeemed_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    for_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=True
    )
    access: Mapped[str] = mapped_column(String(8), server_default="manage")


class ShareRow(Base):
    """A person's share of their data with ONE clinician (``clinician_id``) or with a
    clinic (``clinic_id``: every current member), from its start until revocation.

    ``access`` is ``view`` or ``manage`` (``SHARE_ACCESS``), chosen by the person;
    shares from before clinics are ``manage`` (they had full manage rights)."""

    __tablename__ = "shares"
    __table_args__ = (
        CheckConstraint("(clinician_id IS NULL) <> (clinic_id IS NULL)", name="one_grantee"),
        CheckConstraint("access IN ('view', 'manage')", name="access"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=True
    )
    clinic_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), index=True, nullable=True
    )
    access: Mapped[str] = mapped_column(String(8), server_default="manage")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEventRow(Base):
    """One access to health data or one security event. Append-only (a trigger refuses
    UPDATE and DELETE on both engines). No foreign keys: the trail outlives its subjects.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    object: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(String(200), default="")


class ClinicianNoteRow(Base):
    """A clinician's free-text note about a person who shared with them."""

    __tablename__ = "clinician_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    #: Shown to the person too (the clinician chose to share it); otherwise clinicians only.
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RecoveryCodeRow(Base):
    """One single-use TOTP recovery code of an account (argon2id hash only; shown once
    at enrolment or when the set is made anew, which deletes the old set)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ResetCodeRow(Base):
    """A one-time password reset code an admin issued for one account (its SHA-256
    only); it expires, works once, and only for the account it was made for."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
