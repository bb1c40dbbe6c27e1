"""Device samples, nights, activity and import runs (storage/tables/devices.py).

Writes go through SQLAlchemy Core in batches (one ``executemany`` per batch) and never
overwrite: a sample already stored (same person, same content key) is skipped, first by
looking its key up and then by ``ON CONFLICT DO NOTHING`` on both engines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, and_, delete, func, select
from sqlalchemy.orm import Session

from nightbridge.core.device_nights import DeviceNight
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.storage.tables.devices import (
    SOURCE_LENGTH,
    DeviceActivityRow,
    DeviceImportRow,
    DeviceNightRow,
    DeviceSampleRow,
)

SAMPLES: Table = DeviceSampleRow.__table__  # type: ignore[assignment]
NIGHTS: Table = DeviceNightRow.__table__  # type: ignore[assignment]
ACTIVITY: Table = DeviceActivityRow.__table__  # type: ignore[assignment]
IMPORTS: Table = DeviceImportRow.__table__  # type: ignore[assignment]
#: Keys looked up per query (well under SQLite's 32 766 bound variables).
KEY_LOOKUP_BATCH = 2000


def _person_source_dates(
    table: Table,
    person_id: int,
    source: str | None,
    first: dt.date | None,
    last: dt.date | None,
) -> list[Any]:
    """WHERE conditions on ``table``: the person's rows, of ``source`` and dated
    ``first``..``last`` when those are given."""
    conditions = [table.c.person_id == person_id]
    if source is not None:
        conditions.append(table.c.source == source)
    if first is not None:
        conditions.append(table.c.date >= first)
    if last is not None:
        conditions.append(table.c.date <= last)
    return conditions


class DeviceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- samples ---------------------------------------------------------------------

    def add_samples(
        self,
        person_id: int,
        samples: Sequence[SleepSample],
        keys: Sequence[str] | None = None,
    ) -> list[SleepSample]:
        """Store the samples not stored yet; return those (duplicates in ``samples`` once).

        ``keys`` are the samples' ``key()`` when the caller has them already."""
        fresh: dict[str, SleepSample] = {}
        for key, sample in zip(keys or [s.key() for s in samples], samples, strict=True):
            fresh.setdefault(key, sample)
        keys = list(fresh)
        for i in range(0, len(keys), KEY_LOOKUP_BATCH):
            chunk = keys[i : i + KEY_LOOKUP_BATCH]
            stored = self.session.execute(
                select(SAMPLES.c.key).where(
                    SAMPLES.c.person_id == person_id, SAMPLES.c.key.in_(chunk)
                )
            )
            for (key,) in stored:
                fresh.pop(key, None)
        if fresh:
            self._insert_samples(person_id, fresh)
        return list(fresh.values())

    def _insert_samples(self, person_id: int, fresh: dict[str, SleepSample]) -> None:
        """One driver-level ``executemany`` (the hot path of a large import).

        SQLAlchemy's per-row parameter and type processing costs more than the insert
        itself here, so the values are prepared once: naive UTC as ``UTCDateTime``
        stores them (SQLite: its ``YYYY-MM-DD HH:MM:SS.ffffff`` text form).
        """
        connection = self.session.connection()
        sqlite_text = connection.dialect.name == "sqlite"
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        rows = []
        for key, s in fresh.items():
            start, end = s.start.astimezone(dt.UTC), s.end.astimezone(dt.UTC)
            rows.append(
                (
                    person_id,
                    s.source[:SOURCE_LENGTH],
                    _naive_utc(start, sqlite_text),
                    _offset_s(s.start),
                    _naive_utc(end, sqlite_text),
                    _offset_s(s.end),
                    s.state,
                    s.stage,
                    key,
                )
            )
        connection.exec_driver_sql(
            f"INSERT INTO {SAMPLES.name} ({', '.join(_SAMPLE_COLUMNS)}) "  # noqa: S608 (constants)
            f"VALUES ({', '.join([mark] * len(_SAMPLE_COLUMNS))}) "
            "ON CONFLICT (person_id, key) DO NOTHING",
            rows,
        )

    def samples_between(
        self, person_id: int, start: dt.datetime, end: dt.datetime
    ) -> list[SleepSample]:
        """Every sample of the person that overlaps ``[start, end]``, by start.

        Read at the driver level (the nights of years of data are rebuilt from these);
        the values are turned back into aware instants in their recorded offsets.
        """
        connection = self.session.connection()
        sqlite_text = connection.dialect.name == "sqlite"
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        rows = connection.exec_driver_sql(
            _SELECT_SAMPLES.replace(":m", mark),
            (
                person_id,
                _naive_utc(end.astimezone(dt.UTC), sqlite_text),
                _naive_utc(start.astimezone(dt.UTC), sqlite_text),
            ),
        )
        parse = dt.datetime.fromisoformat
        return [
            SleepSample(
                source,
                _local(parse(a) if sqlite_text else a, a_off),
                _local(parse(b) if sqlite_text else b, b_off),
                state,
                stage,
            )
            for source, a, a_off, b, b_off, state, stage in rows
        ]

    # -- nights ----------------------------------------------------------------------

    def replace_nights(
        self, person_id: int, first: dt.date, last: dt.date, nights: Iterable[DeviceNight]
    ) -> int:
        """Replace the stored nights dated ``first``..``last`` with ``nights`` in that span."""
        self.session.execute(
            delete(NIGHTS).where(
                NIGHTS.c.person_id == person_id, NIGHTS.c.date >= first, NIGHTS.c.date <= last
            )
        )
        rows = [_night_row(person_id, n) for n in nights if first <= n.date <= last]
        if rows:
            self.session.execute(NIGHTS.insert(), rows)
        return len(rows)

    def nights(
        self,
        person_id: int,
        *,
        source: str | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
        include_naps: bool = False,
    ) -> list[DeviceNight]:
        """Stored nights, oldest first (main sleeps before naps on a date)."""
        conditions = _person_source_dates(NIGHTS, person_id, source, first, last)
        if not include_naps:
            conditions.append(NIGHTS.c.is_nap.is_(False))
        rows = self.session.execute(
            select(NIGHTS)
            .where(and_(*conditions))
            .order_by(NIGHTS.c.date, NIGHTS.c.is_nap, NIGHTS.c.start_at, NIGHTS.c.source)
        )
        return [_night(row._mapping) for row in rows]

    def count_nights(
        self, person_id: int, first: dt.date, last: dt.date, sources: Iterable[str]
    ) -> dict[str, int]:
        """Main-sleep nights per source dated ``first``..``last``."""
        wanted = list(sources)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(NIGHTS.c.source, func.count())
            .where(
                NIGHTS.c.person_id == person_id,
                NIGHTS.c.date >= first,
                NIGHTS.c.date <= last,
                NIGHTS.c.is_nap.is_(False),
                NIGHTS.c.source.in_(wanted),
            )
            .group_by(NIGHTS.c.source)
        )
        counts = dict.fromkeys(wanted, 0)
        counts.update({source: int(n) for source, n in rows})
        return counts

    # -- activity --------------------------------------------------------------------

    def save_activity(self, person_id: int, items: Sequence[DailyActivity]) -> int:
        """Insert or update exercise minutes per source and date (a newer export wins)."""
        latest: dict[tuple[str, dt.date], float] = {}
        for item in items:
            latest[(item.source, item.date)] = item.exercise_min
        if not latest:
            return 0
        rows = [
            {"person_id": person_id, "source": src, "date": day, "exercise_min": minutes}
            for (src, day), minutes in latest.items()
        ]
        stmt = self._insert(ACTIVITY)
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["person_id", "source", "date"],
                set_={"exercise_min": stmt.excluded.exercise_min},
            ),
            rows,
        )
        return len(rows)

    def activity(
        self,
        person_id: int,
        *,
        source: str | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
    ) -> list[DailyActivity]:
        conditions = _person_source_dates(ACTIVITY, person_id, source, first, last)
        rows = self.session.execute(
            select(ACTIVITY.c.source, ACTIVITY.c.date, ACTIVITY.c.exercise_min)
            .where(and_(*conditions))
            .order_by(ACTIVITY.c.date, ACTIVITY.c.source)
        )
        return [DailyActivity(src, day, float(minutes)) for src, day, minutes in rows]

    # -- import runs and counts ------------------------------------------------------

    def add_import_run(
        self, person_id: int, *, kind: str, file_name: str, added: int, skipped: int, nights: int
    ) -> None:
        self.session.execute(
            IMPORTS.insert(),
            [
                {
                    "person_id": person_id,
                    "at": dt.datetime.now(dt.UTC),
                    "kind": kind,
                    "file_name": file_name[:255],
                    "samples_added": added,
                    "samples_skipped": skipped,
                    "nights": nights,
                }
            ],
        )

    def row_counts(self, person_id: int) -> dict[str, int]:
        """Rows per device table for one person (to show what an import changed)."""
        return {
            table.name: int(
                self.session.scalar(
                    select(func.count()).select_from(table).where(table.c.person_id == person_id)
                )
                or 0
            )
            for table in (SAMPLES, NIGHTS, ACTIVITY, IMPORTS)
        }

    def _insert(self, table: Any) -> Any:
        from nightbridge.storage.upsert import dialect_insert

        return dialect_insert(self.session.get_bind().dialect.name)(table)


#: Samples overlapping a span (":m" is replaced by the driver's parameter mark).
_SELECT_SAMPLES = (
    "SELECT source, start_at, start_offset_s, end_at, end_offset_s, state, stage "
    "FROM device_samples WHERE person_id = :m AND start_at <= :m AND end_at >= :m "
    "ORDER BY start_at"
)
_SAMPLE_COLUMNS = (
    "person_id",
    "source",
    "start_at",
    "start_offset_s",
    "end_at",
    "end_offset_s",
    "state",
    "stage",
    "key",
)


def _naive_utc(moment_utc: dt.datetime, as_sqlite_text: bool) -> Any:
    naive = moment_utc.replace(tzinfo=None)
    return naive.isoformat(" ", "microseconds") if as_sqlite_text else naive


@cache
def _zone(offset_s: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(seconds=offset_s))


def _local(utc: dt.datetime, offset_s: int) -> dt.datetime:
    """A stored UTC instant (aware, or naive as the driver returns it) in its offset."""
    return utc.replace(tzinfo=dt.UTC).astimezone(_zone(offset_s))


def _offset_s(moment: dt.datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _night_row(person_id: int, n: DeviceNight) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "date": n.date,
        "source": n.source[:200],
        "chosen": n.chosen,
        "is_nap": n.is_nap,
        "start_at": n.start,
        "start_offset_s": _offset_s(n.start),
        "end_at": n.end,
        "end_offset_s": _offset_s(n.end),
        "tst_min": n.tst_min,
        "tib_min": n.tib_min,
        "sol_min": n.sol_min,
        "waso_min": n.waso_min,
        "se_pct": n.se_pct,
        "light_min": n.stages.get("light"),
        "deep_min": n.stages.get("deep"),
        "rem_min": n.stages.get("rem"),
        "in_bed_source": n.in_bed_source[:SOURCE_LENGTH] if n.in_bed_source else None,
    }


def _night(row: Any) -> DeviceNight:
    stages = {
        stage: row[f"{stage}_min"]
        for stage in ("light", "deep", "rem")
        if row[f"{stage}_min"] is not None
    }
    return DeviceNight(
        date=row["date"],
        source=row["source"],
        chosen=bool(row["chosen"]),
        is_nap=bool(row["is_nap"]),
        start=_local(row["start_at"], row["start_offset_s"]),
        end=_local(row["end_at"], row["end_offset_s"]),
        tst_min=row["tst_min"],
        tib_min=row["tib_min"],
        sol_min=row["sol_min"],
        waso_min=row["waso_min"],
        se_pct=float(row["se_pct"]),
        stages=stages,
        in_bed_source=row["in_bed_source"],
    )
