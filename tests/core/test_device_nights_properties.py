"""Rules of definitions.md section 7 that must hold for every set of samples."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.device_nights import DeviceNight, build_nights
from nightbridge.core.samples import SleepSample

BASE = dt.datetime(2026, 3, 27, 18, 0, tzinfo=dt.UTC)
OFFSETS = [dt.timezone(dt.timedelta(hours=h)) for h in (-7, 0, 1, 2, 9)]
STATES = ["in_bed", "asleep", "asleep", "awake"]
STAGES = [None, "light", "deep", "rem"]


@st.composite
def samples_of(draw: st.DrawFn, source: str) -> list[SleepSample]:
    tz = draw(st.sampled_from(OFFSETS))
    out = []
    for _ in range(draw(st.integers(1, 12))):
        start = BASE + dt.timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))
        end = start + dt.timedelta(minutes=draw(st.integers(0, 10 * 60)))
        state = draw(st.sampled_from(STATES))
        stage = draw(st.sampled_from(STAGES)) if state == "asleep" else None
        out.append(SleepSample(source, start.astimezone(tz), end.astimezone(tz), state, stage))
    return out


def metrics(nights: list) -> list[dict]:
    return [{k: v for k, v in n.to_dict().items() if k != "chosen"} for n in nights]


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"))
def test_sleep_never_exceeds_time_in_bed(samples: list[SleepSample]) -> None:
    for night in build_nights(samples):
        assert 0 <= night.tst_min <= night.tib_min
        assert night.sol_min >= 0 and night.waso_min >= 0
        assert 0.0 <= night.se_pct <= 100.0
        assert all(minutes <= night.tst_min for minutes in night.stages.values())


OWN = ("date", "source", "is_nap", "tst_min", "waso_min", "light_min", "deep_min", "rem_min")


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"), samples_of("Phone"))
def test_another_source_never_changes_a_sources_sleep_only_its_borrowed_time_in_bed(
    watch: list[SleepSample], phone: list[SleepSample]
) -> None:
    """What a source measured (asleep, stages, WASO) never changes with another source;
    only a chosen night without an in-bed record of its own takes its time in bed (and
    so SOL and SE) from the other source's in-bed record (rule 7), never shortening it,
    and says so; every other night is exactly as alone."""

    def key(n: DeviceNight) -> tuple[object, ...]:
        return (n.date, n.is_nap, n.start if n.is_nap else None)

    alone = {key(n): n for n in build_nights(watch)}
    together = [n for n in build_nights(watch + phone) if n.source == "Watch"]
    assert len(together) == len(alone)
    for night in together:
        mine = alone[key(night)]
        assert {k: night.to_dict().get(k) for k in OWN} == {k: mine.to_dict().get(k) for k in OWN}
        if night.in_bed_source is None:
            assert metrics([night]) == metrics([mine])
        else:
            assert night.chosen and night.in_bed_source == "Phone"
            assert night.tib_min >= mine.tib_min and night.start <= mine.start
            assert 0 <= night.tst_min <= night.tib_min and night.sol_min >= 0


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"))
def test_a_duplicated_sample_changes_nothing_union_not_sum(samples: list[SleepSample]) -> None:
    once = [n.to_dict() for n in build_nights(samples)]
    twice = [n.to_dict() for n in build_nights([*samples, *samples])]
    assert twice == once


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"), samples_of("Phone"), samples_of("Ring"))
def test_a_duplicated_in_bed_record_never_changes_which_source_lends_it(
    watch: list[SleepSample], phone: list[SleepSample], ring: list[SleepSample]
) -> None:
    """Rule 7 measures each source's overlap as a union: a record imported twice (or two
    apps writing the same interval) does not make its source overlap more."""
    once = [n.to_dict() for n in build_nights([*watch, *phone, *ring])]
    twice = [n.to_dict() for n in build_nights([*watch, *phone, *ring, *ring])]
    assert twice == once


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"), samples_of("Phone"), samples_of("Ring"))
def test_nights_come_in_the_order_the_store_reads_them(
    a: list[SleepSample], b: list[SleepSample], c: list[SleepSample]
) -> None:
    """Date, main sleep before nap, start (after a borrowed time in bed), source."""
    nights = build_nights([*a, *b, *c])
    order = [(n.date, n.is_nap, n.start, n.source) for n in nights]
    assert order == sorted(order)


@settings(max_examples=150, deadline=None)
@given(samples_of("Watch"), samples_of("Phone"), samples_of("Ring"))
def test_one_chosen_main_sleep_per_date_and_never_a_nap(
    a: list[SleepSample], b: list[SleepSample], c: list[SleepSample]
) -> None:
    nights = build_nights([*a, *b, *c])
    chosen = Counter(n.date for n in nights if n.chosen)
    main_dates = {n.date for n in nights if not n.is_nap}
    assert set(chosen) == main_dates
    assert all(count == 1 for count in chosen.values())
    assert not any(n.chosen and n.is_nap for n in nights)
    assert len({(n.date, n.source) for n in nights if not n.is_nap}) == sum(
        1 for n in nights if not n.is_nap
    )
