"""Questionnaires scored outside the daily check-in, one row per rating.

The Insomnia Severity Index (the total, entered by the person or a clinician) and the
Clinical Opiate Withdrawal Scale (rated by a clinician, as published: Wesson & Ling
2003). A row keeps the item scores, the total and band as scored then
(core.instruments), the person's local date, the instant, and who rated it: the role
(``person``/``clinician``) and the account, so "rated by Dr. Lee" stays true. PHQ-9 and
GAD-7 stay in the check-in (``checkins``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow


class QuestionnaireScoreRow(Base):
    __tablename__ = "questionnaire_scores"
    __table_args__ = (
        Index("ix_questionnaire_scores_person_date", "person_id", "instrument", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False
    )
    instrument: Mapped[str] = mapped_column(String(16), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    items: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    band: Mapped[str] = mapped_column(String(32), nullable=False)
    rated_by: Mapped[str] = mapped_column(String(16), nullable=False)
    rated_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
