"""A night from totals: exports that give stage minutes, not when each stage fell.

Whoop, Withings and Garmin's account export write a night's start and end and the
seconds (or minutes) of light, deep and REM sleep, not their times. ``lay_out_night``
turns those totals into samples that give the vendor's own totals back
(docs/device-nights.md): one ``in_bed`` sample over the time in bed; the asleep time laid
out from sleep onset as light, deep, REM in that order; the minutes awake between sleep
onset and wake-up (the span minus the stages) as ONE ``awake`` block at the middle of the
asleep time, so they count as WASO and not as sleep latency. TST, TIB, SOL (from the
onset the export gives), WASO, SE and the stage minutes are then the export's; the
order of stages within the night is not real and is said so in each importer's page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

from nightbridge.core.samples import SleepSample

Block = tuple[str | None, dt.timedelta]


def lay_out_night(
    source: str,
    bed: tuple[dt.datetime, dt.datetime],
    sleep: tuple[dt.datetime, dt.datetime],
    blocks: Sequence[Block],
    place: dt.tzinfo,
) -> Iterator[SleepSample]:
    """The samples of one night: in bed ``bed``, asleep for ``blocks`` (stage, length)
    from ``sleep[0]``, awake for the rest of ``sleep`` at the middle; times in ``place``.

    The caller checks that ``bed`` contains ``sleep`` and that the blocks fit in it.
    """
    onset, wake = sleep
    span = wake - onset
    asleep = sum((d for _, d in blocks), dt.timedelta())
    awake = max(span - asleep, dt.timedelta())
    middle = asleep / 2

    def real(t: dt.timedelta, is_end: bool) -> dt.datetime:
        shifted = t if t < middle or (t == middle and is_end) else t + awake
        return (onset + min(shifted, span)).astimezone(place)

    yield SleepSample(source, bed[0].astimezone(place), bed[1].astimezone(place), "in_bed")
    pos = dt.timedelta()
    for stage, length in blocks:
        if not length:
            continue
        cuts = (
            [pos, middle, pos + length]
            if awake and pos < middle < pos + length
            else [
                pos,
                pos + length,
            ]
        )
        for a, b in itertools.pairwise(cuts):
            yield SleepSample(source, real(a, False), real(b, True), "asleep", stage)
        pos += length
    if awake and asleep:
        yield SleepSample(source, real(middle, True), real(middle, False), "awake")


def place_of(zone: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> dt.tzinfo:
    """Where a night's times are shown: the profile's zone when it has the offsets the
    export wrote at both ends (a clock change inside the night then keeps both offsets),
    else the offset of the start."""
    if start.utcoffset() == start.astimezone(zone).utcoffset() and (
        end.utcoffset() == end.astimezone(zone).utcoffset()
    ):
        return zone
    offset = start.utcoffset()
    return dt.timezone(offset) if offset is not None else zone
