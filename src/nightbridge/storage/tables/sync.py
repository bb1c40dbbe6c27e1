"""Idempotency keys of the offline outbox (issue 13; services/sync): one row per account
and key, with the response given the first time.

A phone that filled in a form offline sends it when the connection returns, and may send
it again (the answer was lost, the page was reloaded, a second reconnect). The key is
stored in the SAME transaction as the write it protects, so a retry finds it and gets
the first answer instead of storing twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )
    key: Mapped[str] = mapped_column(String(128), nullable=False)
    #: The route it was sent to, e.g. ``POST /diary``.
    route: Mapped[str] = mapped_column(String(120), nullable=False)
    #: SHA-256 (hex) of the route and what was sent: the same key with other content is
    #: refused, never answered with the first response.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The first response (status and the JSON body or the redirect's location); NULL in
    #: the moment between the write's commit and the response being kept.
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
