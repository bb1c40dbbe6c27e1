"""Device imports and device nights (definitions.md section 7; docs/device-nights.md).

``import_device`` opens an export (zip, folder or file; ``services.devices.device_files``), runs
the reader registered for its kind (``importers.READERS``) and stores what is new in ONE
write transaction: a bad or hostile file raises ``InvalidInput`` and changes nothing.
Samples are stored in batches of ``BATCH`` as they stream out of the reader, so memory
stays flat whatever the size of the export; then the nights of the dates the new samples
touch are rebuilt from the stored samples of every source (so the source chosen for a
night is chosen among all of them). Device nights never touch the diary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from nightbridge.core.device_nights import DeviceNight, build_nights
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.importers import DeviceRecord, get_format
from nightbridge.services.devices.device_files import open_export
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.devices import DeviceRepository

#: Samples stored per executemany.
BATCH = 5000
#: Samples this far around the new ones are re-read to rebuild their nights; sessions
#: longer than this (no 3 h gap in two days) would be cut at the edge.
REBUILD_MARGIN = dt.timedelta(days=2)

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
    """Counts per source of one import (samples added and already stored; nights)."""

    kind: str
    file_name: str
    sources: dict[str, SourceCount] = field(default_factory=dict)
    activity_days: int = 0

    @property
    def added(self) -> int:
        return sum(c.added for c in self.sources.values())

    @property
    def duplicates(self) -> int:
        return sum(c.duplicates for c in self.sources.values())

    @property
    def nights(self) -> int:
        return sum(c.nights for c in self.sources.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "samples_added": self.added,
            "samples_duplicate": self.duplicates,
            "nights": self.nights,
            "activity_days": self.activity_days,
            "sources": [self.sources[s].to_dict() for s in sorted(self.sources)],
        }


def import_device(
    db: Database,
    person_id: int,
    kind: str,
    source: BinaryIO | Path,
    *,
    tz: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one export of ``kind`` (a ``READERS`` name) for ``person_id``; safe to repeat.

    ``progress(done_bytes, total_bytes)`` is called as the export's files are read.
    Raises ``InvalidInput`` (nothing stored) for an unknown kind, an export without the
    kind's files, or a bad or hostile file.
    """
    fmt = get_format(kind)
    read = fmt.load()
    file_name = source.name if isinstance(source, Path) else str(getattr(source, "name", ""))
    summary = ImportSummary(kind=kind, file_name=Path(file_name).name)
    done = total = 0

    def on_bytes(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, total), total)

    with open_export(source, on_bytes) as files:
        wanted = [n for n in files.names() if fmt.accepts(n)]
        if not wanted:
            raise InvalidInput.one("file", f"has no {fmt.label} export files in it")
        total = sum(files.size(n) for n in wanted)
        if progress is not None:
            progress(0, total)
        with db.transaction() as session:
            repo = DeviceRepository(session)
            span = _Span()
            for batch in _batched(read(files, tz=tz), BATCH):
                _store_batch(repo, person_id, batch, summary, span)
            if span.new_lo is not None and span.new_hi is not None:
                rebuild_nights(repo, person_id, span.new_lo, span.new_hi)
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
                kind=kind,
                file_name=summary.file_name,
                added=summary.added,
                skipped=summary.duplicates,
                nights=summary.nights,
            )
        if progress is not None:
            progress(total, total)
    return summary


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
    """Earliest start and latest end of the samples seen, and of those newly stored."""

    seen_lo: dt.datetime | None = None
    seen_hi: dt.datetime | None = None
    new_lo: dt.datetime | None = None
    new_hi: dt.datetime | None = None

    def see(self, samples: list[SleepSample], *, new: bool) -> None:
        if not samples:
            return
        lo = min(s.start for s in samples)
        hi = max(s.end for s in samples)
        self.seen_lo = lo if self.seen_lo is None else min(self.seen_lo, lo)
        self.seen_hi = hi if self.seen_hi is None else max(self.seen_hi, hi)
        if new:
            self.new_lo = lo if self.new_lo is None else min(self.new_lo, lo)
            self.new_hi = hi if self.new_hi is None else max(self.new_hi, hi)


def _store_batch(
    repo: DeviceRepository,
    person_id: int,
    batch: list[DeviceRecord],
    summary: ImportSummary,
    span: _Span,
) -> None:
    samples = [r for r in batch if isinstance(r, SleepSample)]
    activity = [r for r in batch if isinstance(r, DailyActivity)]
    added = repo.add_samples(person_id, samples)
    for s in samples:
        summary.sources.setdefault(s.source, SourceCount(s.source)).duplicates += 1
    for s in added:
        count = summary.sources[s.source]
        count.duplicates -= 1
        count.added += 1
    span.see(samples, new=False)
    span.see(added, new=True)
    summary.activity_days += repo.save_activity(person_id, activity)


def rebuild_nights(repo: DeviceRepository, person_id: int, lo: dt.datetime, hi: dt.datetime) -> int:
    """Rebuild the stored nights dated around ``lo``..``hi`` from every stored sample.

    The nights dated from the day before ``lo`` to the day after ``hi`` are replaced by
    those built from every source's samples within ``REBUILD_MARGIN`` of the span, so the
    chosen source of each night is chosen among all stored sources. Returns the count.
    """
    first = lo.date() - dt.timedelta(days=1)
    last = hi.date() + dt.timedelta(days=1)
    samples = repo.samples_between(person_id, lo - REBUILD_MARGIN, hi + REBUILD_MARGIN)
    return repo.replace_nights(person_id, first, last, build_nights(samples))


def _batched(records: Iterable[DeviceRecord], size: int) -> Iterator[list[DeviceRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
