"""Samsung Health CSV exports (Settings > Download personal data).

Shape (the export folder ``samsunghealth_<user>_<timestamp>/``; column names follow the
Samsung Health Data SDK, ``com.samsung.health.sleep`` and ``...sleep_stage``; verified
against public parsers of real exports): each data type is
``<type>.<timestamp>.csv`` where line 1 is metadata (``com.samsung.shealth.sleep,
6313007,13``), line 2 the header, and every line ends with a trailing comma.

- ``com.samsung.shealth.sleep.<ts>.csv``: one row per sleep session; columns
  ``com.samsung.health.sleep.start_time``, ``...end_time``, ``...time_offset``
  (``UTC+0100``), ``...datauuid`` (the names carry that prefix; some versions drop it).
- ``com.samsung.health.sleep_stage.<ts>.csv``: ``start_time``, ``end_time``,
  ``sleep_id`` (the session's ``datauuid``), ``stage``, ``time_offset``; stages 40001
  awake, 40002 light, 40003 deep, 40004 REM.

Times are written as ``YYYY-MM-DD HH:MM:SS.fff`` in UTC (the SDK stores UTC
milliseconds) with the local offset in ``time_offset``; the samples keep that offset.

Mapping (definitions.md section 7): a session is an ``in_bed`` sample; its stages are
``asleep`` (with the stage) or ``awake`` samples. A session without stages (older
phones) with Samsung's ``efficiency`` (percent of the session asleep; read as a percent
by every public parser seen) is asleep for that share, the rest ``awake`` as one block at
the middle of the session (the export gives a total, not when); without ``efficiency``
it is one ``asleep`` sample over the session, which the nights mark as a session, not
time in bed (definitions.md section 7 rule 8). ``sleep_latency`` is not read: its unit
could not be confirmed in Samsung's documentation or in public parsers.

Skipped: rows without a start or end (Samsung writes placeholder rows), stage rows whose
session is not in the export, every other CSV of the export.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import BinaryIO

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name
from nightbridge.importers.textguard import iter_text_lines

SOURCE = "Samsung Health"
_SESSIONS = re.compile(r"com\.samsung\.shealth\.sleep\.\d+\.csv")
_STAGES = re.compile(r"com\.samsung\.health\.sleep_stage\.\d+\.csv")
_OFFSET = re.compile(r"UTC([+-])(\d{2}):?(\d{2})")
#: Samsung stage codes: (state, stage).
STAGE_CODES: dict[str, tuple[str, str | None]] = {
    "40001": ("awake", None),
    "40002": ("asleep", "light"),
    "40003": ("asleep", "deep"),
    "40004": ("asleep", "rem"),
}

Stage = tuple[dt.datetime, dt.datetime, str]


def accepts(name: str) -> bool:
    """The sleep-session and sleep-stage CSVs of a Samsung Health export."""
    base = base_name(name)
    return bool(_SESSIONS.fullmatch(base) or _STAGES.fullmatch(base))


def read_samsung_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of the sleep CSV pair (stages joined on ``sleep_id``; ``tz`` unused)."""
    sessions = [n for n in files.names() if _SESSIONS.fullmatch(base_name(n))]
    if not sessions:
        raise InvalidInput.one("file", "has no com.samsung.shealth.sleep.*.csv file")
    stages: dict[str, list[Stage]] = defaultdict(list)
    for name in files.names():
        if _STAGES.fullmatch(base_name(name)):
            with files.open(name) as stream:
                for sleep_id, stage in read_samsung_stages(stream, name=base_name(name)):
                    stages[sleep_id].append(stage)
    for name in sessions:
        with files.open(name) as stream:
            yield from read_samsung_sessions(stream, stages, name=base_name(name))


def read_samsung_stages(
    fileobj: BinaryIO, *, name: str = "com.samsung.health.sleep_stage.csv"
) -> Iterator[tuple[str, Stage]]:
    """``(sleep_id, (start, end, stage code))`` per stage row."""
    for row, fields in _rows(fileobj, name):
        sleep_id = _cell(fields, "sleep_id")
        start, end = _cell(fields, "start_time"), _cell(fields, "end_time")
        if not sleep_id or not start or not end:
            continue
        code = _cell(fields, "stage")
        if code not in STAGE_CODES:
            raise InvalidInput.one(f"{name} stage", f"unknown stage code {code!r}", row)
        offset = _offset(_cell(fields, "time_offset"), name, row)
        yield sleep_id, (_utc(start, offset, name, row), _utc(end, offset, name, row), code)


def read_samsung_sessions(
    fileobj: BinaryIO,
    stages: dict[str, list[Stage]],
    *,
    name: str = "com.samsung.shealth.sleep.csv",
) -> Iterator[DeviceRecord]:
    """The samples of each session row, with its stages from ``stages`` (by ``datauuid``)."""
    for row, fields in _rows(fileobj, name):
        start, end = _cell(fields, "start_time"), _cell(fields, "end_time")
        if not start or not end:
            continue
        offset = _offset(_cell(fields, "time_offset"), name, row)
        begin, finish = _utc(start, offset, name, row), _utc(end, offset, name, row)
        if finish < begin:
            raise InvalidInput.one(f"{name} end_time", "is before start_time", row)
        yield SleepSample(SOURCE, begin, finish, "in_bed")
        own = stages.get(_cell(fields, "datauuid"), [])
        if not own:
            yield from _stageless(begin, finish, _cell(fields, "efficiency"), name, row)
        for stage_start, stage_end, code in own:
            if stage_end < stage_start:
                raise InvalidInput.one(f"{name} stage", "a stage ends before it starts", row)
            state, stage = STAGE_CODES[code]
            yield SleepSample(SOURCE, stage_start, stage_end, state, stage)  # type: ignore[arg-type]


def _stageless(
    begin: dt.datetime, finish: dt.datetime, efficiency: str, name: str, row: int
) -> Iterator[DeviceRecord]:
    """A session without stages: asleep for Samsung's ``efficiency`` (percent of the
    session) where the row has one, with the rest awake as ONE block at the middle of the
    session (the export gives the total, not when it fell); without it, asleep over the
    whole session (shown on /nights as a session, not time in bed)."""
    if not efficiency:
        yield SleepSample(SOURCE, begin, finish, "asleep")
        return
    try:
        percent = float(efficiency)
    except ValueError:
        percent = math.nan
    if not 0 < percent <= 100:
        yield Skipped(
            name, f"efficiency {efficiency!r} is not a percentage; session only", f"row {row}"
        )
        yield SleepSample(SOURCE, begin, finish, "asleep")
        return
    span = finish - begin
    asleep = span * (percent / 100.0)
    middle = begin + asleep / 2
    awake_end = middle + (span - asleep)
    yield SleepSample(SOURCE, begin, middle, "asleep")
    if awake_end > middle:
        yield SleepSample(SOURCE, middle, awake_end, "awake")
    yield SleepSample(SOURCE, awake_end, finish, "asleep")


def _rows(fileobj: BinaryIO, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, fields) after the metadata line and the header; trailing comma ok."""
    lines = iter_text_lines(fileobj, field=name)
    next(lines, None)  # line 1: metadata (type name, version, count)
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise InvalidInput.one(name, "has no header line (line 2)", 2)
    names = [h.strip() for h in header]
    for row, cells in enumerate(reader, start=3):
        if any(c.strip() for c in cells):
            yield row, dict(zip(names, (c.strip() for c in cells), strict=False))


def _cell(fields: dict[str, str], column: str) -> str:
    """A column by its bare name or with Samsung's ``com.samsung.health.*.`` prefix."""
    if column in fields:
        return fields[column]
    suffix = "." + column
    for key, value in fields.items():
        if key.endswith(suffix):
            return value
    return ""


def _offset(text: str, name: str, row: int) -> dt.timezone:
    match = _OFFSET.fullmatch(text.strip())
    if not match:
        raise InvalidInput.one(f"{name} time_offset", f"{text!r} is not like UTC+0100", row)
    sign = -1 if match.group(1) == "-" else 1
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    if minutes > 14 * 60:
        raise InvalidInput.one(f"{name} time_offset", f"{text!r} is beyond UTC±14:00", row)
    return dt.timezone(dt.timedelta(minutes=sign * minutes))


def _utc(text: str, offset: dt.timezone, name: str, row: int) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.one(
            name, f"{text!r} is not a time like 2026-03-06 22:41:00.000", row
        ) from None
    return moment.replace(tzinfo=dt.UTC).astimezone(offset)
