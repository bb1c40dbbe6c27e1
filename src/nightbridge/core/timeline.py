"""Placing a night's diary times on the timeline (docs/definitions.md section 1).

A diary gives clock times (``23:10``) or ISO 8601 datetimes (``2026-03-08T02:10`` or
``2026-03-08T02:10-05:00``). They become instants in the person's IANA zone:

1. ``bedtime`` falls on the evening before the diary's date when its clock time is 12:00
   or later, otherwise on the date itself (a 01:30 bedtime belongs to the same morning).
2. Each later event (``lights_off``, ``final_wake``, ``out_of_bed``) is the first
   wall-clock moment with its clock time at or after the event before it: the same local
   date when its clock time is not earlier, else the next day.
3. Wall-clock times become instants in the zone. On a repeated hour (autumn) the first
   occurrence counts (PEP 495 ``fold=0``). A time that does not exist because the clocks
   jumped forward (spring) is read with the offset in force before the jump, which is
   PEP 495's rule for ``fold=0``: 02:30 on a night New York goes from 02:00 EST to
   03:00 EDT is 07:30 UTC, i.e. 03:30 EDT. Should that put an event before the one
   before it, the diary validation refuses the entry, naming the field.
   Full ISO datetimes with an offset are taken as they are; without an offset they are
   wall-clock times in the zone (rule 3 applies to them too).

Durations are then differences between instants, so a night that crosses a
daylight-saving change is one hour shorter or longer than the clock difference.

Source of the diary items and of dating by the morning: Carney et al., "The Consensus
Sleep Diary", SLEEP 2012;35(2):287-302.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

#: A diary time as entered: a clock time, or a datetime (naive = wall clock in the zone).
TimeValue = dt.time | dt.datetime

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
NOON = dt.time(12, 0)


class TimeFormatError(ValueError):
    """A diary time that is neither HH:MM nor an ISO 8601 datetime."""


@lru_cache(maxsize=2048)
def parse_time_value(text: str) -> TimeValue:
    """``HH:MM`` (or ``HH:MM:SS``, 00:00-23:59) as a clock time, else an ISO datetime.

    Raises ``TimeFormatError`` with a reason written for the person. Remembered (the
    values are immutable): every stored diary entry read back parses four of them.
    """
    text = text.strip()
    match = _CLOCK.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise TimeFormatError(f"{text!r} is not a clock time (HH:MM, 00:00 to 23:59)")
        return dt.time(hour, minute, second)
    if "T" in text or " " in text:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise TimeFormatError(f"{text!r} is not an ISO 8601 datetime") from None
        return value
    raise TimeFormatError(f"{text!r} is not a time (HH:MM or an ISO 8601 datetime)")


def format_time_value(value: TimeValue) -> str:
    """The text form that ``parse_time_value`` reads back to the same value."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.strftime("%H:%M:%S") if value.second else value.strftime("%H:%M")


def is_nonexistent(local: dt.datetime, zone: ZoneInfo) -> bool:
    """True when the naive wall-clock time ``local`` was skipped in ``zone`` (spring gap)."""
    aware = local.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return back != local


def to_instant(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in ``zone`` as an instant in UTC (first occurrence; see module).

    Instants are kept in UTC because Python subtracts two datetimes that share a tzinfo
    by their wall clocks, which would hide a daylight-saving change.
    """
    return local.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class NightTimeline:
    """A night's four events as instants (aware datetimes in UTC)."""

    bedtime: dt.datetime
    lights_off: dt.datetime
    final_wake: dt.datetime
    out_of_bed: dt.datetime

    def minutes_between(self, first: str, second: str) -> float:
        """Minutes from event ``first`` to event ``second`` (exact, between instants)."""
        start: dt.datetime = getattr(self, first)
        end: dt.datetime = getattr(self, second)
        return (end - start).total_seconds() / 60.0


#: The events, in the order they happen.
EVENTS: tuple[str, ...] = ("bedtime", "lights_off", "final_wake", "out_of_bed")


def place_events(date: dt.date, values: Sequence[TimeValue], tz: str) -> list[dt.datetime]:
    """The instants of the events ``values`` (bedtime first) of the night ending on ``date``.

    Rules 1-3 of the module docstring. No ordering check is made here: an event given as a
    full datetime may be before the one before it; the diary validation refuses that.
    """
    return [instant for _wall, instant in place_walls(date, values, tz)]


def place_walls(
    date: dt.date, values: Sequence[TimeValue], tz: str
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Each event's local wall-clock datetime (naive) and its instant (UTC)."""
    zone = ZoneInfo(tz)
    placed: list[tuple[dt.datetime, dt.datetime]] = []
    previous_wall: dt.datetime | None = None
    for value in values:
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                instant = value.astimezone(dt.UTC)
                wall = value.astimezone(zone).replace(tzinfo=None, fold=0)
            else:
                instant = to_instant(value, zone)
                wall = value
        else:
            if previous_wall is None:
                day = date - dt.timedelta(days=1) if value >= NOON else date
            else:
                day = previous_wall.date()
                if value < previous_wall.time():
                    day += dt.timedelta(days=1)
            wall = dt.datetime.combine(day, value)
            instant = to_instant(wall, zone)
        placed.append((wall, instant))
        previous_wall = wall
    return placed


def place_night(
    date: dt.date,
    bedtime: TimeValue,
    lights_off: TimeValue,
    final_wake: TimeValue,
    out_of_bed: TimeValue,
    tz: str,
) -> NightTimeline:
    """The night's events as instants in ``tz`` (definitions.md section 1)."""
    b, lo, fw, ob = place_events(date, (bedtime, lights_off, final_wake, out_of_bed), tz)
    return NightTimeline(bedtime=b, lights_off=lo, final_wake=fw, out_of_bed=ob)
