"""Importing samples in pieces stores the same nights as building them all at once.

The explicit examples are inputs that once failed (kept so every run tries them):
a night whose own in-bed record lay more than two days before a later import (its
session was rebuilt cut short), a source lending its time in bed because its record
was imported twice (overlap summed, not a union), and a night whose borrowed time in bed
moved its start before another source's night of that date (the list out of order),
and two in-bed records ending at one instant written with two offsets (the borrowed end
took the offset of whichever came first).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nightbridge.core.device_nights import build_nights
from nightbridge.core.profile import Profile
from nightbridge.core.samples import SleepSample
from nightbridge.services.devices.devices import device_nights, rebuild_nights
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.devices import DeviceRepository
from nightbridge.storage.repositories.persons import PersonRepository

BASE = dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC)
ZONES = [dt.timezone(dt.timedelta(hours=h)) for h in (-5, -4, 1, 2)]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def rec(source: str, start: str, end: str, state: str, stage: str | None = None) -> SleepSample:
    return SleepSample(source, at(start), at(end), state, stage)


# The Phone's in-bed record and its asleep record are one session (a gap under 3 h),
# which ends two days before the second import's record.
LONG_SESSION = (
    [
        rec("Phone", "2026-03-01T23:05-04:00", "2026-03-02T08:05-04:00", "in_bed"),
        rec("Phone", "2026-03-02T17:00+02:00", "2026-03-03T01:55+02:00", "asleep", "rem"),
    ],
    [rec("Phone", "2026-03-04T14:15+02:00", "2026-03-04T18:55+02:00", "in_bed")],
)
# Watch and Ring in bed over the same five minutes: a tie, so the Ring (by name) lends
# the Phone night its time in bed, however often the Watch's record is imported.
DUPLICATED_IN_BED = (
    [
        rec("Watch", "2026-03-01T13:00-05:00", "2026-03-01T13:05-05:00", "in_bed"),
        rec("Ring", "2026-03-01T13:00-05:00", "2026-03-01T13:05-05:00", "in_bed"),
    ],
    [
        rec("Watch", "2026-03-01T13:00-05:00", "2026-03-01T13:05-05:00", "in_bed"),
        rec("Watch", "2026-03-01T13:00-05:00", "2026-03-01T13:05-05:00", "in_bed"),
        rec("Phone", "2026-03-01T13:00-05:00", "2026-03-01T16:00-05:00", "asleep"),
    ],
)
# A Phone night, then a Ring in-bed record: the Phone night (chosen) takes the Ring's
# in-bed span and so starts with the Ring's night; the lists must agree in order too.
BORROWED_START = (
    [rec("Phone", "2026-03-02T20:55+02:00", "2026-03-03T00:35+02:00", "asleep", "rem")],
    [
        rec("Ring", "2026-03-02T20:50+02:00", "2026-03-02T23:50+02:00", "asleep", "rem"),
        rec("Ring", "2026-03-02T19:35+01:00", "2026-03-03T04:15+01:00", "in_bed"),
    ],
)


@st.composite
def sample(draw: st.DrawFn) -> SleepSample:
    start = BASE + dt.timedelta(minutes=5 * draw(st.integers(0, 12 * 24 * 12)))
    end = start + dt.timedelta(minutes=5 * draw(st.integers(1, 9 * 12)))
    state = draw(st.sampled_from(["in_bed", "asleep", "asleep", "awake"]))
    stage = draw(st.sampled_from([None, "light", "deep", "rem"])) if state == "asleep" else None
    tz = draw(st.sampled_from(ZONES))
    source = draw(st.sampled_from(["Watch", "Ring", "Phone"]))
    return SleepSample(source, start.astimezone(tz), end.astimezone(tz), state, stage)


# The Ring's two in-bed records end at one instant, one written in -05:00, one in -04:00.
ONE_INSTANT_TWO_OFFSETS = (
    [
        rec("Ring", "2026-03-02T21:55-05:00", "2026-03-03T06:50-05:00", "in_bed"),
        rec("Watch", "2026-03-02T13:00-05:00", "2026-03-02T22:00-05:00", "asleep"),
    ],
    [rec("Ring", "2026-03-02T22:50-04:00", "2026-03-03T07:50-04:00", "in_bed")],
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(sample(), min_size=1, max_size=40), st.lists(sample(), max_size=40))
@example(*LONG_SESSION)
@example(*DUPLICATED_IN_BED)
@example(*BORROWED_START)
@example(*ONE_INSTANT_TWO_OFFSETS)
def test_two_imports_store_the_nights_of_one(
    sqlite_database: Database, first: list[SleepSample], second: list[SleepSample]
) -> None:
    with sqlite_database.transaction() as session:
        pid = PersonRepository(session).create(Profile())
    for part in (first, second):
        with sqlite_database.transaction() as session:
            repo = DeviceRepository(session)
            added = repo.add_samples(pid, part)
            if added:
                lo = min(s.start for s in added)
                hi = max(s.end for s in added)
                rebuild_nights(repo, pid, lo, hi)
    stored = device_nights(sqlite_database, pid, include_naps=True)
    assert [n.to_dict() for n in stored] == [n.to_dict() for n in build_nights(first + second)]
