"""Android Health Connect exports (Settings > Health Connect > Export data).

Shape: a zip holding ``health_connect_export.db``, a SQLite copy of Health Connect's
own store (tables as in AOSP ``packages/modules/HealthFitness``; verified against the
schema dumped by public tools reading real exports):

- ``sleep_session_record_table``: ``row_id``, ``app_info_id``, ``start_time``,
  ``end_time`` (epoch milliseconds, UTC), ``start_zone_offset``, ``end_zone_offset``
  (seconds east of UTC; may be NULL), ``title``, ``notes``.
- ``sleep_stages_table``: ``parent_key`` (the session's ``row_id``),
  ``stage_start_time``, ``stage_end_time`` (epoch ms), ``stage_type``: 0 unknown,
  1 awake, 2 sleeping, 3 out of bed, 4 light, 5 deep, 6 REM, 7 awake in bed
  (``SleepSessionRecord.STAGE_TYPE_*`` in the Jetpack Health Connect API).
- ``application_info_table``: ``row_id``, ``package_name``, ``app_name``: which app
  wrote the session; that app is the sample's source (two apps writing the same night
  are two sources, never summed).

Mapping (definitions.md section 7): a session is an ``in_bed`` sample; stages 4/5/6 are
``asleep`` with the stage, 2 ``asleep`` without one, 1/3/7 ``awake``; a session without
any stage is one ``asleep`` sample (the session is the sleep). A NULL zone offset takes
the profile's zone at that instant.

Skipped: stage 0 (unknown), stages of sessions that are not in the file, every other
table. SQLite needs a real file: the member is copied (streaming) to a private temporary
file, opened read-only (``mode=ro``, ``trusted_schema`` off so the file's own views and
triggers cannot run functions) and deleted afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name, files_of

DEFAULT_SOURCE = "Health Connect"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Health Connect stage types: (state, stage); 0 (unknown) is skipped.
STAGE_TYPES: dict[int, tuple[str, str | None]] = {
    1: ("awake", None),
    2: ("asleep", None),
    3: ("awake", None),
    4: ("asleep", "light"),
    5: ("asleep", "deep"),
    6: ("asleep", "rem"),
    7: ("awake", None),
}


def accepts(name: str) -> bool:
    """The export's SQLite file (``health_connect_export.db``, or any ``.db``)."""
    return base_name(name).lower().endswith(".db")


def read_health_connect_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of the export's database (``tz`` for sessions without an offset)."""
    names = files_of(files, accepts, "has no health_connect_export.db")
    names.sort(key=lambda n: base_name(n) != "health_connect_export.db")
    with files.open(names[0]) as stream:
        yield from read_health_connect(stream, tz=tz, name=base_name(names[0]))


def read_health_connect(
    fileobj: BinaryIO, *, tz: str, name: str = "health_connect_export.db"
) -> Iterator[SleepSample]:
    """Copy the database stream to a temporary file, read it read-only, delete the copy."""
    with tempfile.TemporaryDirectory(prefix="nightbridge-hc-") as folder:
        path = Path(folder) / "export.db"
        with path.open("wb") as out:
            shutil.copyfileobj(fileobj, out, 1024 * 1024)
        yield from read_health_connect_db(path, tz=tz, name=name)


def read_health_connect_db(
    path: Path, *, tz: str, name: str = "health_connect_export.db"
) -> Iterator[SleepSample]:
    """The samples of a Health Connect database file (opened read-only)."""
    with path.open("rb") as head:
        if head.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise InvalidInput.one(name, "is not a SQLite database")
    zone = ZoneInfo(tz)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput.one(name, f"cannot be opened as SQLite ({exc})") from None
    with contextlib.closing(connection):
        try:
            connection.execute("PRAGMA trusted_schema=OFF")
            yield from _read(connection, zone, name)
        except sqlite3.DatabaseError as exc:
            raise InvalidInput.one(
                name, f"is not a readable Health Connect export ({exc})"
            ) from None


def _read(connection: sqlite3.Connection, zone: ZoneInfo, name: str) -> Iterator[SleepSample]:
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "sleep_session_record_table" not in tables:
        raise InvalidInput.one(name, "has no sleep_session_record_table")
    apps = _app_names(connection) if "application_info_table" in tables else {}
    stages: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    if "sleep_stages_table" in tables:
        for parent, begin, finish, kind in connection.execute(
            "SELECT parent_key, stage_start_time, stage_end_time, stage_type "
            "FROM sleep_stages_table ORDER BY parent_key, stage_start_time"
        ):
            stages[int(parent)].append((int(begin), int(finish), int(kind)))
    sessions = connection.execute(
        "SELECT row_id, app_info_id, start_time, end_time, start_zone_offset, end_zone_offset "
        "FROM sleep_session_record_table ORDER BY start_time"
    )
    for row, (row_id, app_id, start_ms, end_ms, start_off, end_off) in enumerate(sessions, 1):
        source = apps.get(app_id, DEFAULT_SOURCE)
        start = _instant(start_ms, start_off, zone, name, row)
        end = _instant(end_ms, end_off, zone, name, row)
        if end < start:
            raise InvalidInput.one(f"{name} end_time", "is before start_time", row)
        yield SleepSample(source, start, end, "in_bed")
        # Stages carry no offset of their own: read them in the profile's zone when it
        # agrees with the session's offsets (so a stage after a DST change gets the new
        # offset), else in the session's start offset.
        stage_off = None if _zone_agrees(zone, start, end) else start_off
        own = stages.get(int(row_id), [])
        if not own:
            yield SleepSample(source, start, end, "asleep")
        for begin_ms, finish_ms, kind in own:
            if kind not in STAGE_TYPES:
                if kind == 0:
                    continue
                raise InvalidInput.one(f"{name} stage_type", f"unknown stage type {kind}", row)
            state, stage = STAGE_TYPES[kind]
            begin = _instant(begin_ms, stage_off, zone, name, row)
            finish = _instant(finish_ms, stage_off, zone, name, row)
            if finish < begin:
                raise InvalidInput.one(f"{name} stage_end_time", "is before its start", row)
            yield SleepSample(source, begin, finish, state, stage)  # type: ignore[arg-type]


def _zone_agrees(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> bool:
    return all(m.utcoffset() == m.astimezone(zone).utcoffset() for m in (start, end))


def _app_names(connection: sqlite3.Connection) -> dict[int, str]:
    columns = {r[1] for r in connection.execute("PRAGMA table_info(application_info_table)")}
    label = "app_name" if "app_name" in columns else "package_name"
    if label not in columns or "row_id" not in columns:
        return {}
    return {
        int(row_id): str(text)
        for row_id, text in connection.execute(
            f"SELECT row_id, {label} FROM application_info_table"  # noqa: S608 (label is one of two names)
        )
        if text
    }


def _instant(
    epoch_ms: int, offset_s: int | None, zone: ZoneInfo, name: str, row: int
) -> dt.datetime:
    try:
        utc = dt.datetime.fromtimestamp(int(epoch_ms) / 1000.0, dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise InvalidInput.one(f"{name} start_time", f"{epoch_ms!r} is not epoch ms", row) from None
    if offset_s is None:
        local = utc.astimezone(zone)
        offset = local.utcoffset() or dt.timedelta(0)
    else:
        if abs(int(offset_s)) > 14 * 3600:
            raise InvalidInput.one(f"{name} zone_offset", f"{offset_s} s is beyond ±14 h", row)
        offset = dt.timedelta(seconds=int(offset_s))
    return utc.astimezone(dt.timezone(offset))
