"""Per-person summaries (core.triage.PersonSummary): read one, or rebuild them all.

Every write keeps them current by itself (``Database.transaction`` refreshes the
summaries of the persons it wrote, ``storage.changes``); ``rebuild_summaries`` is for
repair (``nightbridge summaries rebuild``).
"""

from __future__ import annotations

import datetime as dt

from nightbridge.core.triage import PersonSummary
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.summaries import SummaryRepository


def rebuild_summaries(db: Database, *, now: dt.datetime | None = None) -> int:
    """Recompute every person's summary in one transaction; the number of persons."""
    with db.transaction() as session:
        return SummaryRepository(session).rebuild_all(now)


def get_summary(db: Database, person_id: int) -> PersonSummary | None:
    """The stored summary of ``person_id`` (call through the permission check)."""
    with db.reader() as session:
        return SummaryRepository(session).get(person_id)
