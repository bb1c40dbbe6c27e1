"""Device imports and device nights (definitions.md section 7; docs/device-nights.md).

``import_device`` opens an export (zip, folder or file; ``services.devices.device_files``)
and runs the reader registered for its kind (``importers.READERS``) in two phases:

1. **Read and stage.** The reader runs to the end of the export while the store is not
   touched: its samples are parked, deduplicated, in a private staging file
   (``services.devices.staging``), its activity days and skipped records counted. A bad
   or hostile file raises ``InvalidInput`` here, and nothing is stored. A bad night, an
   unknown level or a record dated after the moment of the import is skipped and
   reported in the summary (``skipped``), never fatal to the rest of the file.
2. **Store in short transactions.** The staged samples come back in time order, in
   batches of about ``BATCH`` cut between sessions; each batch is stored and the nights
   of the dates it touches rebuilt from every stored source (so the source chosen for a
   night is chosen among all of them) in ONE short transaction, which leaves whole
   nights behind it. On SQLite the import pauses ``WRITE_PAUSE_S`` between batches, so a
   diary save (or any other writer, in this process or another) gets the store's single
   write lock within one batch. The run's row is written last.

Memory stays flat: the staging file holds the samples, one batch is in memory at a time.
An import stopped half-way (the process killed) leaves whole nights and samples that a
second import of the same file completes (every sample is keyed by its content).
Device nights never touch the diary.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from nightbridge.core.device_nights import SESSION_GAP, DeviceNight, build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, Skipped, SleepSample
from nightbridge.importers import DeviceRecord, get_format, no_files_message
from nightbridge.services.devices.device_files import open_export
from nightbridge.services.devices.staging import SkipCount, Staging
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.devices import DeviceRepository

#: Samples stored (and nights rebuilt) per write transaction, about (cut between sessions).
BATCH = 500
#: Records taken from the reader at a time while staging.
STAGE_BATCH = 5000
#: Pause between two write transactions of an import on SQLite, in seconds: at least the
#: longest interval (100 ms) between two tries of SQLite's busy handler, so a writer
#: waiting for the lock always gets it within one batch and one pause.
WRITE_PAUSE_S = 0.1
#: How far a local date's instants reach beyond its UTC day (offsets run from -12 to +14 h).
LOCAL_REACH = dt.timedelta(hours=14)
#: Samples this far around the new ones are read at once to rebuild their nights (one
#: read covers their dates and the sessions of those dates; a longer session widens it).
READ_MARGIN = dt.timedelta(hours=60)
#: Why a record dated after the import is skipped (a device clock or zone set wrong).
FUTURE_REASON = "is dated after the moment of the import (check the device's clock and zone)"

Progress = Callable[[int, int], None]


@dataclass
class SourceCount:
    """What one import found for one source."""

    source: str
    added: int = 0
    duplicates: int = 0
    nights: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "samples_added": self.added,
            "samples_duplicate": self.duplicates,
            "nights": self.nights,
        }


@dataclass
class ImportSummary:
    """Counts per source of one import (samples added and already stored; nights), and
    what the reader skipped and why."""

    kind: str
    file_name: str
    sources: dict[str, SourceCount] = field(default_factory=dict)
    activity_days: int = 0
    skipped: list[SkipCount] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.added for c in self.sources.values())

    @property
    def duplicates(self) -> int:
        return sum(c.duplicates for c in self.sources.values())

    @property
    def nights(self) -> int:
        return sum(c.nights for c in self.sources.values())

    @property
    def skipped_count(self) -> int:
        return sum(s.count for s in self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "samples_added": self.added,
            "samples_duplicate": self.duplicates,
            "nights": self.nights,
            "activity_days": self.activity_days,
            "sources": [self.sources[s].to_dict() for s in sorted(self.sources)],
            "skipped": [s.to_dict() for s in self.skipped],
        }


def import_device(
    db: Database,
    person_id: int,
    kind: str,
    source: BinaryIO | Path,
    *,
    tz: str,
    progress: Progress | None = None,
    staging_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> ImportSummary:
    """Import one export of ``kind`` (a ``READERS`` name) for ``person_id``; safe to repeat.

    ``progress(done_bytes, total_bytes)`` is called as the export's files are read.
    ``staging_dir`` is where the staging file goes (default: the system's temporary
    folder); ``now`` the moment records may not be after (default: the clock).
    Raises ``InvalidInput`` (nothing stored) for an unknown kind, an export without the
    kind's files, or a bad or hostile file.
    """
    fmt = get_format(kind)
    read = fmt.load()
    file_name = source.name if isinstance(source, Path) else str(getattr(source, "name", ""))
    summary = ImportSummary(kind=kind, file_name=Path(file_name).name)
    limit = now or dt.datetime.now(dt.UTC)
    done = total = 0

    def on_bytes(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, total), total)

    with Staging(staging_dir) as staging:
        with open_export(source, on_bytes) as files:
            names = files.names()
            wanted = [n for n in names if fmt.accepts(n)]
            if not wanted:
                raise InvalidInput.one("file", no_files_message(fmt, names))
            total = sum(files.size(n) for n in wanted)
            if progress is not None:
                progress(0, total)
            for batch in _batched(read(files, tz=tz), STAGE_BATCH):
                _stage(staging, batch, limit)
        summary.skipped = staging.skipped_list()
        _store(db, person_id, staging, summary)
        if progress is not None:
            progress(total, total)
    return summary


def _stage(staging: Staging, batch: list[DeviceRecord], limit: dt.datetime) -> None:
    samples: list[SleepSample] = []
    activity: list[DailyActivity] = []
    for record in batch:
        if isinstance(record, SleepSample):
            if record.end > limit:
                staging.skip(Skipped(record.source, FUTURE_REASON, record.end.date().isoformat()))
            else:
                samples.append(record)
        elif isinstance(record, DailyActivity):
            if record.date > limit.date():
                staging.skip(Skipped(record.source, FUTURE_REASON, record.date.isoformat()))
            else:
                activity.append(record)
        else:
            staging.skip(record)
    staging.add_samples(samples)
    staging.add_activity(activity)


def _store(db: Database, person_id: int, staging: Staging, summary: ImportSummary) -> None:
    """Phase 2: the staged records into the store, one short transaction per batch."""
    span = _Span()
    pause = WRITE_PAUSE_S if db.is_sqlite else 0.0
    for number, (keys, batch) in enumerate(staging.batches(BATCH)):
        if number and pause:
            time.sleep(pause)  # between two batches: let a waiting writer in
        with db.transaction() as session:
            repo = DeviceRepository(session)
            added = repo.add_samples(person_id, batch, keys)
            _count(summary, batch, added)
            span.see(batch)
            if added:
                lo = min(s.start for s in added)
                hi = max(s.end for s in added)
                rebuild_nights(repo, person_id, lo, hi)
    with db.transaction() as session:
        repo = DeviceRepository(session)
        summary.activity_days = repo.save_activity(person_id, staging.activity())
        if span.seen_lo is not None and span.seen_hi is not None:
            counts = repo.count_nights(
                person_id,
                span.seen_lo.date() - dt.timedelta(days=1),
                span.seen_hi.date() + dt.timedelta(days=1),
                summary.sources,
            )
            for name, count in counts.items():
                summary.sources[name].nights = count
        repo.add_import_run(
            person_id,
            kind=summary.kind,
            file_name=summary.file_name,
            added=summary.added,
            skipped=summary.duplicates,
            nights=summary.nights,
        )


def _count(summary: ImportSummary, batch: list[SleepSample], added: list[SleepSample]) -> None:
    for s in batch:
        summary.sources.setdefault(s.source, SourceCount(s.source)).duplicates += 1
    for s in added:
        count = summary.sources[s.source]
        count.duplicates -= 1
        count.added += 1


def device_nights(
    db: Database,
    person_id: int,
    *,
    source: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_naps: bool = False,
) -> list[DeviceNight]:
    """Stored main-sleep nights (and naps if asked), oldest first; one source if named."""
    with db.reader() as session:
        return DeviceRepository(session).nights(
            person_id, source=source, first=start, last=end, include_naps=include_naps
        )


def device_activity(
    db: Database,
    person_id: int,
    *,
    source: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[DailyActivity]:
    """Stored exercise minutes per source and date, oldest first."""
    with db.reader() as session:
        return DeviceRepository(session).activity(person_id, source=source, first=start, last=end)


def device_row_counts(db: Database, person_id: int) -> dict[str, int]:
    """Rows per device table for ``person_id`` (what an import changed)."""
    with db.reader() as session:
        return DeviceRepository(session).row_counts(person_id)


@dataclass
class _Span:
    """Earliest start and latest end of the samples seen."""

    seen_lo: dt.datetime | None = None
    seen_hi: dt.datetime | None = None

    def see(self, samples: list[SleepSample]) -> None:
        if not samples:
            return
        lo = min(s.start for s in samples)
        hi = max(s.end for s in samples)
        self.seen_lo = lo if self.seen_lo is None else min(self.seen_lo, lo)
        self.seen_hi = hi if self.seen_hi is None else max(self.seen_hi, hi)


def rebuild_nights(repo: DeviceRepository, person_id: int, lo: dt.datetime, hi: dt.datetime) -> int:
    """Rebuild the stored nights that samples from ``lo`` to ``hi`` can change; returns the
    count of nights stored for those dates.

    A night depends on its whole session (rules 2-5), on every source's main sleep of its
    date (rule 6: ``chosen``) and on the other sources' in-bed intervals that overlap it
    (rule 7), so the nights are rebuilt from whole sessions of every stored source:

    1. the span ``lo``..``hi`` grown to whole sessions (any source's samples chained by
       gaps under ``SESSION_GAP``) holds every session the new samples join, before and
       after; their nights are dated by a sample's end in its own offset, so the local
       dates of the span's sample ends are the dates that can change;
    2. every stored sample of those dates' instants, grown again to whole sessions, is
       taken, the nights built from it, and the stored nights of those dates replaced.

    The samples are read once, ``READ_MARGIN`` around the span (an indexed read that
    costs as much as one narrower read); only a session reaching past that widens it.

    So the stored nights are those of ``build_nights`` over every stored sample, whatever
    the order and grouping of imports (``tests/services/devices/test_devices_properties.py``).
    """
    window = (lo - READ_MARGIN, hi + READ_MARGIN)
    samples = repo.samples_between(person_id, *window)
    while True:  # one read, unless a session reaches past its edge (then a wider one)
        span = _whole_sessions(samples, lo, hi)
        ends = [s.end.date() for s in samples if s.end >= span[0] and s.start <= span[1]]
        first, last = min(ends, default=lo.date()), max(ends, default=hi.date())
        needed = _whole_sessions(
            samples,
            dt.datetime.combine(first, dt.time(), dt.UTC) - LOCAL_REACH,
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC) + LOCAL_REACH,
        )
        if needed[0] - SESSION_GAP >= window[0] and needed[1] + SESSION_GAP <= window[1]:
            break
        window = (
            min(window[0], needed[0]) - READ_MARGIN,
            max(window[1], needed[1]) + READ_MARGIN,
        )
        samples = repo.samples_between(person_id, *window)
    inside = [s for s in samples if s.end >= needed[0] and s.start <= needed[1]]
    return repo.replace_nights(person_id, first, last, build_nights(inside))


def _whole_sessions(
    samples: list[SleepSample], lo: dt.datetime, hi: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """``lo``..``hi`` grown until no sample of any source (of ``samples``, sorted by
    start) ends less than ``SESSION_GAP`` before it or starts less than ``SESSION_GAP``
    after it: every session that touches the span is then inside it (as far as
    ``samples`` reach; the caller checks that they reach far enough)."""
    grown = True
    while grown:
        grown = False
        for sample in samples:
            if sample.start > hi + SESSION_GAP:
                break
            if sample.end >= lo - SESSION_GAP and (sample.start < lo or sample.end > hi):
                lo, hi = min(lo, sample.start), max(hi, sample.end)
                grown = True
    return lo, hi


def _batched(records: Iterable[DeviceRecord], size: int) -> Iterator[list[DeviceRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
