"""The withdrawal context the sleep window needs (definitions.md section 2, deferral).

The window waits while the person is in early withdrawal: fewer than 7 days since the
last kratom or opioid dose, or a withdrawal symptom diary score in the moderate band
(>= 21) on any of the last 3 days. This module reads both from the safety store.
"""

from __future__ import annotations

import datetime as dt

from nightbridge.core.instruments.withdrawal import MODERATE_THRESHOLD
from nightbridge.core.window import WithdrawalContext
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.intake import IntakeRepository

#: How far back symptom scores are read (the window itself looks at the last 3 days).
SYMPTOM_LOOKBACK_DAYS = 14


def withdrawal_context(db: Database, person_id: int, on: dt.date) -> WithdrawalContext:
    """Last kratom/opioid dose on or before ``on`` and the recent moderate-or-worse days."""
    with db.reader() as session:
        last = IntakeRepository(session).last_dose_date(person_id, on)
        scores = CheckinRepository(session).withdrawal_scores(
            person_id, on - dt.timedelta(days=SYMPTOM_LOOKBACK_DAYS), on
        )
    return WithdrawalContext(
        last_dose_date=last,
        moderate_or_worse_dates=frozenset(d for d, s in scores.items() if s >= MODERATE_THRESHOLD),
    )
