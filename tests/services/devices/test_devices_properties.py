"""Importing samples in pieces stores the same nights as building them all at once."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
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


@st.composite
def sample(draw: st.DrawFn) -> SleepSample:
    start = BASE + dt.timedelta(minutes=5 * draw(st.integers(0, 12 * 24 * 12)))
    end = start + dt.timedelta(minutes=5 * draw(st.integers(1, 9 * 12)))
    state = draw(st.sampled_from(["in_bed", "asleep", "asleep", "awake"]))
    stage = draw(st.sampled_from([None, "light", "deep", "rem"])) if state == "asleep" else None
    tz = draw(st.sampled_from(ZONES))
    source = draw(st.sampled_from(["Watch", "Ring", "Phone"]))
    return SleepSample(source, start.astimezone(tz), end.astimezone(tz), state, stage)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(sample(), min_size=1, max_size=40), st.lists(sample(), max_size=40))
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
