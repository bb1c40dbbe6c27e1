"""Use case: the sleep window for a person's stored diary (docs/definitions.md section 2)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.window import (
    START_SPAN_DAYS,
    WindowAdvice,
    WithdrawalContext,
    recommend_window,
)
from nightbridge.services.diary import list_nights, local_today
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.diary import DiaryRepository
from nightbridge.storage.repositories.persons import PersonRepository

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_rise(text: str) -> dt.time:
    """A rise time ``HH:MM``; ``InvalidInput`` on field ``rise`` otherwise."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise InvalidInput.one("rise", f"{text!r} is not a clock time (HH:MM, 00:00 to 23:59)")
    return dt.time(int(match.group(1)), int(match.group(2)))


def sleep_window(
    db: Database,
    person_id: int,
    *,
    rise: dt.time,
    current: int | None = None,
    on: dt.date | None = None,
    withdrawal: WithdrawalContext | None = None,
    tz: str | None = None,
) -> WindowAdvice:
    """The window for the morning ``on`` (default: today) from the stored diary.

    ``current`` is the window in force (minutes; None when starting); ``withdrawal``
    comes from the safety store (early withdrawal defers the window); ``tz`` overrides
    the profile's zone.
    """
    if current is not None and not 60 <= current <= 24 * 60:
        raise InvalidInput.one("current", f"must be between 60 and 1440 minutes (got {current})")
    with db.reader() as session:
        profile = PersonRepository(session).get_profile(person_id)
    zone = tz or profile.tz
    day = on or local_today(zone)
    # The rules read at most the last 14 mornings, and compression also the diary's first
    # 14 (its baseline): load only those, not years of diary.
    nights = list_nights(db, person_id, day - dt.timedelta(days=START_SPAN_DAYS - 1), day, tz=zone)
    if profile.restriction_contraindicated and current is not None:
        with db.reader() as session:
            first = DiaryRepository(session).first_date(person_id)
        if first is not None and first < day - dt.timedelta(days=START_SPAN_DAYS - 1):
            baseline_end = first + dt.timedelta(days=START_SPAN_DAYS - 1)
            nights = list_nights(db, person_id, first, min(baseline_end, day), tz=zone) + nights
    return recommend_window(
        nights,
        reference_date=day,
        rise=rise,
        profile=profile,
        current_window_min=current,
        withdrawal=withdrawal,
    )


def stimulus_control() -> dict[str, Any]:
    """The stimulus control instructions (Bootzin), with their sources."""
    doc: dict[str, Any] = load_json("stimulus_control.json")
    return doc


def withdrawal_for(
    db: Database, person_id: int, on: dt.date | None, *, tz: str | None = None
) -> WithdrawalContext:
    """The withdrawal context for the morning ``on`` (default today) from the safety store:
    the last kratom or opioid dose and the days with a moderate-or-worse symptom score
    (``services.withdrawal.withdrawal_context``)."""
    from nightbridge.services.withdrawal import withdrawal_context

    if on is None:
        with db.reader() as session:
            zone = tz or PersonRepository(session).get_profile(person_id).tz
        on = local_today(zone)
    return withdrawal_context(db, person_id, on)
