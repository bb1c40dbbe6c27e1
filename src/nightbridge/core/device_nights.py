"""Nights from device sleep samples (definitions.md section 7).

A device night is built from ONE source's samples; sources are never summed, because
every exporting app writes its own copy of the same night (Apple's export keeps the
Watch, the iPhone and third-party apps side by side: summing them doubles the night, as
reported in apple-health-grafana issue #24 and SpeziHealthKit issue #58).

The rules, in order (all from definitions.md section 7):

1. Group samples by ``source``; sort each group by start.
2. Within a source, consecutive samples form one *session* until a gap of
   ``SESSION_GAP`` (3 h) or more between the latest end so far and the next start.
3. A session's date is the local date of its end, read in the offset that end sample
   carries (Apple writes each instant with its own offset; a night that crosses a
   daylight-saving change keeps both).
4. A session with less than ``NAP_MAX_ASLEEP`` (3 h) asleep that starts between
   10:00 and 20:00 local time (``NAP_WINDOW``, start inclusive, end exclusive) is a nap.
5. Per date and source, the longest session that is not a nap (by time in bed, then
   by asleep minutes, then the earlier start) is the main sleep. Other non-nap sessions
   of that date and source are not nights.
6. Per date, one source speaks for the night (``chosen``): among the sources with a
   main sleep that date, one with sleep stages; among equals, the most asleep minutes;
   ties by source name.
7. In bed from another source: when the chosen night's session has no ``in_bed``
   sample (an Apple Watch writes stages only), the ``in_bed`` intervals of ONE other
   source that overlap the night (the one overlapping it most; ties by name) set its
   time in bed: from the earlier of their first start and the night's first sample to
   the later of their last end and the night's last sample. ``tib_min``, ``sol_min`` and
   ``se_pct`` follow; ``in_bed_source`` names that source (asleep, stages and WASO stay
   the night's own).
8. Session only: a night asleep over its whole time in bed with no stages and nothing
   awake (``DeviceNight.session_only``) is a vendor's session, not a measured time in
   bed; SOL 0 and SE 100 % are then said to measure nothing (``/nights``, ``nights``,
   ``"session_only": true`` in ``nights --json``).

Metrics of a night (whole minutes, rounded half up; same keys as the diary):

- ``tst_min``: length of the UNION of the session's ``asleep`` intervals (overlapping
  samples of one source count once).
- ``tib_min``: earliest ``in_bed``/``asleep`` start to the latest end of any sample.
- ``sol_min``: first asleep start minus that in-bed start.
- ``waso_min``: (last asleep end - first asleep start) - tst.
- ``se_pct``: 100 * tst_min / tib_min, to one decimal (as the diary, section 1).
- stage minutes (``light``, ``deep``, ``rem``): union of that stage's intervals, only
  when the session has staged samples.

A session without any ``asleep`` sample (time in bed only, e.g. an iPhone bedtime
schedule) has nothing to measure and is not a night.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nightbridge.core.samples import SleepSample

#: A gap this long or longer between samples of one source starts a new session.
SESSION_GAP = dt.timedelta(hours=3)
#: A session with less asleep time than this (and starting in NAP_WINDOW) is a nap.
NAP_MAX_ASLEEP = dt.timedelta(hours=3)
#: Local start times of naps: from 10:00 (inclusive) to 20:00 (exclusive).
NAP_WINDOW: tuple[dt.time, dt.time] = (dt.time(10, 0), dt.time(20, 0))
#: Stages reported as minutes, in this order.
REPORTED_STAGES: tuple[str, ...] = ("light", "deep", "rem")


@dataclass(frozen=True, slots=True)
class DeviceNight:
    """One source's session for one date (a main sleep or a nap) and its metrics.

    Minutes are whole minutes; ``se_pct`` is a percentage to one decimal. ``start`` and
    ``end`` keep the offsets the device wrote.
    """

    date: dt.date
    source: str
    chosen: bool
    is_nap: bool
    start: dt.datetime
    end: dt.datetime
    tst_min: int
    tib_min: int
    sol_min: int
    waso_min: int
    se_pct: float
    stages: dict[str, int] = field(default_factory=dict)
    #: The other source whose in-bed interval set ``tib_min`` and ``sol_min`` (rule 7).
    in_bed_source: str | None = None

    @property
    def has_stages(self) -> bool:
        return bool(self.stages)

    @property
    def session_only(self) -> bool:
        """The source wrote only a session (asleep from its start to its end, no stages,
        nothing awake; Samsung or Health Connect without stages or efficiency): TIB is the
        session, not time in bed, so SOL 0 and SE 100 % measure nothing (rule 8)."""
        return (
            not self.stages
            and self.in_bed_source is None
            and self.tib_min > 0
            and self.tst_min == self.tib_min
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``nights --json`` object of docs/cli.md (+ stage minutes where known)."""
        doc: dict[str, Any] = {
            "date": self.date.isoformat(),
            "source": self.source,
            "chosen": self.chosen,
            "tst_min": self.tst_min,
            "tib_min": self.tib_min,
            "sol_min": self.sol_min,
            "waso_min": self.waso_min,
            "se_pct": self.se_pct,
        }
        for stage in REPORTED_STAGES:
            if stage in self.stages:
                doc[f"{stage}_min"] = self.stages[stage]
        doc["start"] = self.start.isoformat()
        doc["end"] = self.end.isoformat()
        doc["is_nap"] = self.is_nap
        if self.in_bed_source is not None:
            doc["in_bed_source"] = self.in_bed_source
        if self.session_only:
            doc["session_only"] = True
        return doc


def build_nights(samples: Iterable[SleepSample]) -> list[DeviceNight]:
    """Main sleeps and naps of every source, sorted by date, then main before nap, then source.

    ``chosen`` is set on exactly one main sleep per date (never on a nap).
    """
    by_source: dict[str, list[SleepSample]] = defaultdict(list)
    for sample in samples:
        by_source[sample.source].append(with_fixed_offsets(sample))

    for group in by_source.values():
        group.sort(
            key=_sample_order
        )  # so ties (one instant, two offsets) never depend on input order
    nights: list[DeviceNight] = []
    sleep_only: set[tuple[str, dt.date, dt.datetime]] = set()
    for source in sorted(by_source):
        own, without_in_bed = _source_nights(by_source[source])
        nights.extend(own)
        sleep_only |= without_in_bed
    in_bed = {
        source: [(s.start, s.end) for s in group if s.state == "in_bed"]
        for source, group in by_source.items()
    }
    out = [
        borrow_in_bed(n, in_bed) if n.chosen and (n.source, n.date, n.start) in sleep_only else n
        for n in choose_sources(nights)
    ]
    out.sort(key=_night_order)  # a borrowed time in bed moves the night's start
    return out


def borrow_in_bed(
    night: DeviceNight, in_bed: dict[str, list[tuple[dt.datetime, dt.datetime]]]
) -> DeviceNight:
    """Rule 7: the night with its time in bed from another source's in-bed intervals
    that overlap it (the source whose intervals cover most of the night, counted as a
    union; ties by name), or unchanged."""
    best: tuple[float, str] | None = None
    for source, intervals in in_bed.items():
        if source == night.source:
            continue
        overlap = union_seconds(  # a union: a duplicated or overlapping record counts once
            (max(start, night.start), min(end, night.end))
            for start, end in intervals
            if start < night.end and end > night.start
        )
        if overlap > 0 and (best is None or (-overlap, source) < (-best[0], best[1])):
            best = (overlap, source)
    if best is None:
        return night
    source = best[1]
    touching = [(a, b) for a, b in in_bed[source] if a < night.end and b > night.start]
    bed_start = min(night.start, *(a for a, _ in touching))
    bed_end = max(night.end, *(b for _, b in touching))
    tib_min = round_minutes((bed_end - bed_start).total_seconds())
    sleep_start = night.start + dt.timedelta(minutes=night.sol_min)
    return dataclasses.replace(
        night,
        start=bed_start,
        end=bed_end,
        tib_min=tib_min,
        sol_min=round_minutes((sleep_start - bed_start).total_seconds()),
        se_pct=round(100.0 * night.tst_min / tib_min, 1) if tib_min > 0 else 0.0,
        in_bed_source=source,
    )


def choose_sources(nights: Sequence[DeviceNight]) -> list[DeviceNight]:
    """Mark, per date, the main sleep whose source speaks for the night (rule 6)."""
    best: dict[dt.date, DeviceNight] = {}
    for night in nights:
        if night.is_nap:
            continue
        current = best.get(night.date)
        if current is None or _speaks_before(night, current):
            best[night.date] = night
    out = [dataclasses.replace(n, chosen=not n.is_nap and best.get(n.date) is n) for n in nights]
    out.sort(key=_night_order)
    return out


def _sample_order(sample: SleepSample) -> tuple[object, ...]:
    """A total order of one source's samples: instants, then the offsets they carry."""
    return (
        sample.start,
        sample.end,
        sample.start.utcoffset(),
        sample.end.utcoffset(),
        sample.state,
        sample.stage or "",
    )


def _night_order(night: DeviceNight) -> tuple[dt.date, bool, dt.datetime, str]:
    """Date, main sleep before nap, start, source (the order the store reads them in)."""
    return (night.date, night.is_nap, night.start, night.source)


def split_sessions(samples: Iterable[SleepSample]) -> list[list[SleepSample]]:
    """One source's samples cut into sessions at gaps of ``SESSION_GAP`` or more."""
    ordered = sorted(samples, key=lambda s: (s.start, s.end))
    sessions: list[list[SleepSample]] = []
    latest_end: dt.datetime | None = None
    for sample in ordered:
        if latest_end is None or sample.start - latest_end >= SESSION_GAP:
            sessions.append([])
            latest_end = sample.end
        sessions[-1].append(sample)
        latest_end = max(latest_end, sample.end)
    return sessions


def measure_session(session: Sequence[SleepSample]) -> DeviceNight | None:
    """The metrics of one session (``chosen`` False), or None without asleep samples."""
    asleep = [s for s in session if s.state == "asleep"]
    if not asleep:
        return None
    source = session[0].source
    bed_start = min(s.start for s in session if s.state in ("in_bed", "asleep"))
    first = min(session, key=lambda s: s.start).start
    last = max(session, key=lambda s: s.end).end
    sleep_start = min(s.start for s in asleep)
    sleep_end = max(s.end for s in asleep)

    tst_s = union_seconds((s.start, s.end) for s in asleep)
    tib_s = (last - bed_start).total_seconds()
    tst_min = round_minutes(tst_s)
    tib_min = round_minutes(tib_s)
    stages: dict[str, int] = {}
    if any(s.stage in REPORTED_STAGES for s in asleep):
        for stage in REPORTED_STAGES:
            stages[stage] = round_minutes(
                union_seconds((s.start, s.end) for s in asleep if s.stage == stage)
            )
    is_nap = (
        tst_s < NAP_MAX_ASLEEP.total_seconds() and NAP_WINDOW[0] <= first.time() < NAP_WINDOW[1]
    )
    return DeviceNight(
        date=last.date(),
        source=source,
        chosen=False,
        is_nap=is_nap,
        start=bed_start,
        end=last,
        tst_min=tst_min,
        tib_min=tib_min,
        sol_min=round_minutes((sleep_start - bed_start).total_seconds()),
        waso_min=round_minutes((sleep_end - sleep_start).total_seconds() - tst_s),
        se_pct=round(100.0 * tst_min / tib_min, 1) if tib_min > 0 else 0.0,
        stages=stages,
    )


def union_seconds(intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> float:
    """Seconds covered by the union of ``(start, end)`` intervals (overlaps count once)."""
    total = 0.0
    run_start: dt.datetime | None = None
    run_end: dt.datetime | None = None
    for start, end in sorted(intervals):
        if run_end is None or run_start is None or start > run_end:
            if run_end is not None and run_start is not None:
                total += (run_end - run_start).total_seconds()
            run_start, run_end = start, end
        elif end > run_end:
            run_end = end
    if run_end is not None and run_start is not None:
        total += (run_end - run_start).total_seconds()
    return total


def with_fixed_offsets(sample: SleepSample) -> SleepSample:
    """The sample with fixed-offset times (same instants, same local wall times).

    Python subtracts and compares two datetimes that share one ``ZoneInfo`` by their wall
    clocks, which is an hour off across a daylight-saving change; fixed offsets make every
    difference a difference of instants.
    """
    if isinstance(sample.start.tzinfo, dt.timezone) and isinstance(sample.end.tzinfo, dt.timezone):
        return sample
    return dataclasses.replace(sample, start=fix_offset(sample.start), end=fix_offset(sample.end))


def fix_offset(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its current UTC offset as a fixed ``datetime.timezone``."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("an instant needs a UTC offset")
    return moment.replace(tzinfo=dt.timezone(offset))


def round_minutes(seconds: float) -> int:
    """Seconds to whole minutes, rounded half up (0.5 min -> 1)."""
    return math.floor(seconds / 60.0 + 0.5)


def _source_nights(
    samples: Sequence[SleepSample],
) -> tuple[list[DeviceNight], set[tuple[str, dt.date, dt.datetime]]]:
    """One source's main sleeps and naps, and the (source, date, start) of those whose
    session has no in-bed sample (rule 7 may borrow one)."""
    measured: list[DeviceNight] = []
    sleep_only: set[tuple[str, dt.date, dt.datetime]] = set()
    for session in split_sessions(samples):
        night = measure_session(session)
        if night is None:
            continue
        measured.append(night)
        if not any(s.state == "in_bed" for s in session):
            sleep_only.add((night.source, night.date, night.start))
    naps = [n for n in measured if n.is_nap]
    main: dict[dt.date, DeviceNight] = {}
    for night in measured:
        if night.is_nap:
            continue
        current = main.get(night.date)
        if current is None or _longer(night, current):
            main[night.date] = night
    return [*main.values(), *naps], sleep_only


def _longer(a: DeviceNight, b: DeviceNight) -> bool:
    """Rule 5: longer in bed, then more asleep, then the earlier start."""
    return (a.tib_min, a.tst_min, -a.start.timestamp()) > (
        b.tib_min,
        b.tst_min,
        -b.start.timestamp(),
    )


def _speaks_before(a: DeviceNight, b: DeviceNight) -> bool:
    """Rule 6: stages first, then more asleep minutes, then the name (A before B)."""
    return (not a.has_stages, -a.tst_min, a.source) < (not b.has_stages, -b.tst_min, b.source)
