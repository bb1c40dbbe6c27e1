"""Staging an import: everything a reader yields, parked on disk before the store sees it.

An export is read to the end BEFORE anything is written to the store, so a bad or
hostile file stores nothing, and the store's write lock is never held while a file is
parsed (SQLite has one writer: a diary save waited 30 s behind a long parse). The
samples go to a private SQLite file (in a temporary folder, mode 0700, deleted
afterwards), deduplicated by their content key; memory stays flat whatever the size of
the export. Then :meth:`Staging.batches` hands them back in time order, cut between
sessions (at gaps of ``SESSION_GAP`` or more across every source), so the import can
store them and rebuild their nights in short transactions, each leaving whole nights.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nightbridge.core.device_nights import SESSION_GAP
from nightbridge.core.samples import DailyActivity, Skipped, SleepSample

#: Examples of each kind of skipped record kept for the summary.
SKIP_EXAMPLES = 3
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SCHEMA = """
CREATE TABLE samples (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, start_us INTEGER NOT NULL,
    start_off INTEGER NOT NULL, end_us INTEGER NOT NULL, end_off INTEGER NOT NULL,
    state TEXT NOT NULL, stage TEXT
) WITHOUT ROWID;
CREATE INDEX samples_start ON samples (start_us, end_us);
CREATE TABLE activity (
    source TEXT NOT NULL, date TEXT NOT NULL, minutes REAL NOT NULL,
    PRIMARY KEY (source, date)
);
"""


@dataclass
class SkipCount:
    """Records skipped for one reason in one file: how many, and the first few places."""

    file: str
    reason: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "reason": self.reason,
            "count": self.count,
            "examples": list(self.examples),
        }


class Staging:
    """A private on-disk park for one import's records (use as a context manager)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="nightbridge-staging-", dir=folder))
        self._db = sqlite3.connect(self._dir / "staging.sqlite3", isolation_level=None)
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;" + _SCHEMA
        )
        self._db.execute("BEGIN")
        self.samples = 0
        self.duplicates_in_file = 0
        self.skipped: dict[tuple[str, str], SkipCount] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the staging file and its folder (safe to call twice)."""
        try:
            self._db.close()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    # -- filling -------------------------------------------------------------------------

    def add_samples(self, samples: Iterable[SleepSample]) -> None:
        rows = [_row(s) for s in samples]
        before = self._db.total_changes
        self._db.executemany("INSERT OR IGNORE INTO samples VALUES (?,?,?,?,?,?,?,?)", rows)
        added = self._db.total_changes - before
        self.samples += added
        self.duplicates_in_file += len(rows) - added

    def add_activity(self, items: Iterable[DailyActivity]) -> None:
        self._db.executemany(
            "INSERT INTO activity VALUES (?,?,?) ON CONFLICT (source, date) "
            "DO UPDATE SET minutes = excluded.minutes",
            [(a.source, a.date.isoformat(), a.exercise_min) for a in items],
        )

    def skip(self, notice: Skipped, count: int = 1) -> None:
        entry = self.skipped.setdefault(
            (notice.file, notice.reason), SkipCount(notice.file, notice.reason)
        )
        entry.count += count
        if notice.where and len(entry.examples) < SKIP_EXAMPLES:
            entry.examples.append(notice.where)

    # -- reading back --------------------------------------------------------------------

    def batches(self, size: int) -> Iterator[tuple[list[str], list[SleepSample]]]:
        """The staged samples by start, in lists of about ``size``: each list is cut at a
        gap of ``SESSION_GAP`` or more once it holds ``size`` samples (so no session is
        split), or at ``4 * size`` whatever (so memory stays bounded)."""
        self._db.execute("COMMIT")
        self._db.execute("BEGIN")
        cursor = self._db.execute(
            "SELECT key, source, start_us, start_off, end_us, end_off, state, stage "
            "FROM samples ORDER BY start_us, end_us"
        )
        gap_us = int(SESSION_GAP.total_seconds() * 1_000_000)
        keys: list[str] = []
        batch: list[SleepSample] = []
        latest_end = None
        while rows := cursor.fetchmany(1000):
            for key, source, start_us, start_off, end_us, end_off, state, stage in rows:
                if batch and latest_end is not None:
                    at_gap = start_us - latest_end >= gap_us
                    if (at_gap and len(batch) >= size) or len(batch) >= 4 * size:
                        yield keys, batch
                        keys, batch = [], []
                sample = SleepSample(
                    source, _instant(start_us, start_off), _instant(end_us, end_off), state, stage
                )
                keys.append(key)
                batch.append(sample)
                latest_end = end_us if latest_end is None else max(latest_end, end_us)
        if batch:
            yield keys, batch

    def activity(self) -> list[DailyActivity]:
        """Exercise minutes per source and date (one row per day: a few thousand at most)."""
        return [
            DailyActivity(source, dt.date.fromisoformat(day), minutes)
            for source, day, minutes in self._db.execute(
                "SELECT source, date, minutes FROM activity ORDER BY date, source"
            )
        ]

    def skipped_list(self) -> list[SkipCount]:
        return sorted(self.skipped.values(), key=lambda s: (s.file, s.reason))


def _row(s: SleepSample) -> tuple[Any, ...]:
    return (
        s.key(),
        s.source,
        _micros(s.start),
        _offset_s(s.start),
        _micros(s.end),
        _offset_s(s.end),
        s.state,
        s.stage,
    )


def _micros(moment: dt.datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _offset_s(moment: dt.datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@cache
def _zone(offset_s: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(seconds=offset_s))


def _instant(micros: int, offset_s: int) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=micros)).astimezone(_zone(offset_s))
