"""The notification outbox (issue 14 item 4; services/notifications).

One row per notice to send: an alert notice (one per person, alert and route: the
alert's date and code make it one alert, so saving the same day again adds nothing) or
a daily digest (one per day and route). A row is written in the same transaction as the
write that raised the alert, so a rolled-back write leaves none and a committed one
always has its row; the worker (``services.notifications.worker``) sends it later.

No address and no health data is stored here: ``route`` names who is told
(``deployment``: the deployment's on-call address; ``clinic:<id>``: that clinic's), and
the address is looked up when the notice is sent. ``person_id`` only counts people.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class NotificationRow(Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``alert`` or ``digest``.
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    #: One notice per key: ``alert:<person>:<date>:<code>:<route>``, ``digest:<date>:<route>``.
    dedup_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    #: ``deployment`` or ``clinic:<id>`` (resolved to an address at send time).
    route: Mapped[str] = mapped_column(String(40), nullable=False)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The alert's level (emergency, crisis, urgent); None for a digest.
    level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: The date the alert is for, or the digest's day.
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    #: ``pending``, ``sent``, ``failed`` (gave up after the last attempt) or
    #: ``unrouted`` (no on-call address when it was due).
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow
    )
    #: A worker's claim: until then no other worker takes the row (a worker that dies
    #: mid-send leaves it to be taken again after this).
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: Why the last attempt failed: the error's kind and the relay's reply code only.
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
