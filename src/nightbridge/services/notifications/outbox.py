"""Adding notices to the outbox, inside the writer's transaction.

``notify_alerts`` is called wherever alerts are recorded (``services.recovery.safety``),
in the same transaction: a rolled-back write adds no notice, a committed one always
has its notice. One notice per person, alert (its date and code) and route: saving the
same day again, or re-evaluating it, adds nothing (the outbox's unique key decides, so
racing saves cannot add two).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from nightbridge.core.alerts import Alert
from nightbridge.storage.repositories.notifications import NotificationRepository

#: The levels that email the on-call address (definitions.md section 4): act today or now.
NOTIFY_LEVELS: frozenset[str] = frozenset({"emergency", "crisis", "urgent"})
#: Alerts for dates older than this many days before today (UTC) are not emailed: a
#: backfilled diary or an import of last month raises them on the caseload, but an
#: email "new urgent alert" about a week-old day would mislead the person on call.
RECENT_DAYS = 2


def notify_alerts(
    session: Session,
    person_id: int,
    alerts: Iterable[Alert],
    *,
    now: dt.datetime | None = None,
) -> int:
    """Add a notice for each emergency, crisis or urgent alert of ``alerts`` to each
    route the person's data goes to; returns how many notices are new."""
    now = now or dt.datetime.now(dt.UTC)
    oldest = now.date() - dt.timedelta(days=RECENT_DAYS)
    chosen = [a for a in alerts if a.level in NOTIFY_LEVELS and a.date >= oldest]
    if not chosen:
        return 0
    repo = NotificationRepository(session)
    routes = repo.routes_of_person(person_id)
    added = 0
    for alert in chosen:
        for route in routes:
            added += repo.add(
                kind="alert",
                dedup_key=f"alert:{person_id}:{alert.date.isoformat()}:{alert.code}:{route}",
                route=route,
                day=alert.date,
                now=now,
                person_id=person_id,
                level=alert.level,
            )
    return added
