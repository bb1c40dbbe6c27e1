"""Use cases of the daily check-in: record one (and the alerts it raises), list them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from nightbridge.core.alerts import Alert
from nightbridge.core.checkin import CheckinDay, make_checkin, merge_checkins
from nightbridge.core.errors import InvalidInput
from nightbridge.services.recovery.safety import evaluate_in_session
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.persons import PersonRepository


@dataclass(frozen=True, slots=True)
class CheckinResult:
    """The day's check-in as stored (merged with an earlier one that day) and the
    alerts in force on that date, most urgent first."""

    checkin: CheckinDay
    alerts: list[Alert] = field(default_factory=list)


def record_checkin(
    db: Database,
    person_id: int,
    day: dt.date,
    *,
    symptoms: Mapping[str, int] | None = None,
    flags: Iterable[str] = (),
    function: int | None = None,
    self_harm_thoughts: bool | None = None,
    phq9: Sequence[int] | None = None,
    gad7: Sequence[int] | None = None,
    tz: str | None = None,
    today: dt.date | None = None,
) -> CheckinResult:
    """Validate and store the day's check-in, then evaluate and record the day's alerts,
    in one transaction. A second check-in the same day adds to the first."""
    checkin = make_checkin(
        day,
        symptoms=symptoms,
        flags=flags,
        function=function,
        self_harm_thoughts=self_harm_thoughts,
        phq9=phq9,
        gad7=gad7,
    )
    with db.transaction() as session:
        zone = tz or PersonRepository(session).get_profile(person_id).tz
        local = today or dt.datetime.now(ZoneInfo(zone)).date()
        if day > local:
            raise InvalidInput.one("date", f"{day.isoformat()} is in the future")
        repo = CheckinRepository(session)
        earlier = repo.add_or_lock(person_id, checkin)  # racing saves merge in turn
        stored = checkin
        if earlier is not None:
            stored = merge_checkins(earlier, checkin)
            repo.save(person_id, stored)
        alerts = evaluate_in_session(session, person_id, day, tz=zone)
    return CheckinResult(stored, alerts)


def list_checkins(db: Database, person_id: int, start: dt.date, end: dt.date) -> list[CheckinDay]:
    """Check-ins dated ``start..end`` (both included), oldest first."""
    with db.reader() as session:
        return CheckinRepository(session).between(person_id, start, end)
