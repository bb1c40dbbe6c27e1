"""Garmin: the account data export's sleep JSON, and FIT sleep files (docs/importers/garmin.md).

**Sleep JSON** (``DI_CONNECT/DI-Connect-Wellness/<from>_<to>_<id>_sleepData.json``, seen
in public code that reads real exports, December 2026): a list of nights,

``{"calendarDate": "2026-05-12", "sleepStartTimestampGMT": "2026-05-12T02:34:00.0",
"sleepEndTimestampGMT": "2026-05-12T10:11:00.0", "deepSleepSeconds": 4680,
"lightSleepSeconds": 16560, "remSleepSeconds": 5700, "awakeSleepSeconds": 480,
"sleepScores": {...}, ...}``

with GMT times written without an offset (``.0``), or with ``Z`` / ``+00:00`` in other
versions; older watches write no ``remSleepSeconds``; a night Garmin only has a window
for carries no seconds at all. A Connect API answer (``{"dailySleepDTO": {...}}``, with
``sleepStartTimestampLocal``) has the same fields and is read too. Start -> end is an
``in_bed`` sample (Garmin's sleep window); deep, light and REM are laid out from the
start with the awake minutes as one block at the middle (``importers.totals``): TST,
TIB, WASO, SE and the stage minutes are Garmin's, SOL is 0 (Garmin writes no latency).

**FIT sleep files** (``.fit``, read with ``fitdecode``): ``sleep_level`` messages
(timestamp, level ``awake`` / ``light`` / ``deep`` / ``rem``; ``unmeasurable`` is no
sample); each level holds until the next message (the last for a minute); the first to
the last message is an ``in_bed`` sample; source ``Garmin (FIT)``, so a night in both a
FIT file and the JSON is never summed (docs/device-nights.md rule 1). Other FIT files
(activities) have none and add nothing.

Times are shown in the profile's zone (where a JSON night gives its local times and the
zone does not have that offset, in that fixed offset).

Skipped and reported (never fatal): a night whose times do not parse, an end not after
its start, a night longer than 24 hours, a window without measured sleep, more sleep than
the window, an unknown sleep level. Refused: a file that is not JSON or FIT, a broken
FIT file (bad header or checksum), invalid UTF-8, a document over 64 MiB.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample, SleepState
from nightbridge.importers import DeviceRecord, ExportFiles, base_name, files_of
from nightbridge.importers.textguard import read_text
from nightbridge.importers.totals import Block, lay_out_night

SOURCE = "Garmin"
#: FIT files are their own source: a night in both never sums with the JSON's (rule 1).
FIT_SOURCE = "Garmin (FIT)"
_JSON = re.compile(r"(.*_)?sleepData( \(\d+\))?\.json", re.IGNORECASE)
_FIT = re.compile(r".+\.fit", re.IGNORECASE)
_STAGES = (("light", "lightSleepSeconds"), ("deep", "deepSleepSeconds"), ("rem", "remSleepSeconds"))
_LONGEST = dt.timedelta(hours=24)
_SLACK = dt.timedelta(minutes=1)
#: Largest FIT file read (a night's sleep file is a few KiB; an activity a few MiB).
MAX_FIT_BYTES = 16 * 1024 * 1024
#: FIT sleep levels -> state and stage; ``unmeasurable`` is no sample.
_LEVELS: dict[str, tuple[SleepState, str | None] | None] = {
    "unmeasurable": None,
    "awake": ("awake", None),
    "light": ("asleep", "light"),
    "deep": ("asleep", "deep"),
    "rem": ("asleep", "rem"),
}
#: How long the last level of a FIT file holds, and the longest any level holds.
_LAST_LEVEL = dt.timedelta(minutes=1)


def accepts(name: str) -> bool:
    """``*_sleepData.json`` of an account export, or a ``.fit`` file."""
    base = base_name(name)
    return bool(_JSON.fullmatch(base) or _FIT.fullmatch(base))


def read_garmin_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of every sleep JSON and FIT sleep file in ``files``."""
    zone = ZoneInfo(tz)
    names = files_of(files, accepts, "has no Garmin sleepData.json or FIT files in it")
    fit_files = fit_sleeps = 0
    for name in names:
        base = base_name(name)
        with files.open(name) as stream:
            if _FIT.fullmatch(base):
                fit_files += 1
                records = list(read_garmin_fit(stream, zone, name=base))
                fit_sleeps += any(isinstance(r, SleepSample) for r in records)
                yield from records
            else:
                yield from read_garmin_sleep_json(stream, zone, name=base)
    if fit_files and not fit_sleeps:
        yield Skipped("FIT files", "no sleep in these FIT files (activities are not read)")


# -- sleep JSON -------------------------------------------------------------------------


class _Bad(ValueError):
    """A night left out, and why (for people)."""


def read_garmin_sleep_json(
    fileobj: BinaryIO, zone: ZoneInfo, *, name: str = "sleepData.json"
) -> Iterator[DeviceRecord]:
    """One ``sleepData.json``: samples per night, or a notice per night left out."""
    try:
        document = json.loads(read_text(fileobj, field=name))
    except json.JSONDecodeError as error:
        raise InvalidInput.one(
            name, f"is not a JSON document (line {error.lineno}: {error.msg})"
        ) from None
    nights = document if isinstance(document, list) else [document]
    if not all(isinstance(n, dict) for n in nights):
        raise InvalidInput.one(name, "is not a Garmin sleepData.json (a list of nights)")
    for number, night in enumerate(nights, start=1):
        fields = night.get("dailySleepDTO", night)
        if not isinstance(fields, dict):
            yield Skipped(name, "a night that is not an object", f"night {number}")
            continue
        where = str(fields.get("calendarDate") or f"night {number}")
        try:
            yield from _night_samples(fields, zone)
        except _Bad as bad:
            yield Skipped(name, str(bad), where)


def _night_samples(fields: dict[str, Any], zone: ZoneInfo) -> Iterator[SleepSample]:
    start = _gmt(fields.get("sleepStartTimestampGMT"))
    end = _gmt(fields.get("sleepEndTimestampGMT"))
    if end <= start:
        raise _Bad("the sleep end is not after its start")
    if end - start > _LONGEST:
        raise _Bad("a night longer than 24 hours")
    stages = [(stage, _seconds(fields, key)) for stage, key in _STAGES]
    blocks: list[Block]
    if any(seconds is not None for _, seconds in stages):
        blocks = [(stage, dt.timedelta(seconds=s or 0)) for stage, s in stages]
    elif (total := _seconds(fields, "sleepTimeSeconds")) is not None:
        blocks = [(None, dt.timedelta(seconds=total))]
    else:
        raise _Bad("a sleep window without measured sleep (no deep, light or REM seconds)")
    asleep = sum((d for _, d in blocks), dt.timedelta())
    if not asleep:
        raise _Bad("no deep, light or REM seconds")
    if asleep > end - start + _SLACK:
        raise _Bad("more seconds asleep than from sleep start to end")
    place = _place(zone, fields, start)
    yield from lay_out_night(SOURCE, (start, end), (start, end), blocks, place)


def _seconds(fields: dict[str, Any], key: str) -> float | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"{key} {value!r} is not a number of seconds")
    if not 0 <= value <= 24 * 3600:
        raise _Bad(f"{key} {value!r} is not between 0 and 86400 seconds")
    return float(value)


def _gmt(text: Any) -> dt.datetime:
    """A GMT time as Garmin writes it (``2026-05-12T02:34:00.0``, ``...Z``, ``+00:00``),
    or milliseconds since 1970 (older exports)."""
    if isinstance(text, int) and not isinstance(text, bool):
        try:
            return dt.datetime.fromtimestamp(text / 1000, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise _Bad(f"{text!r} is not a time") from None
    if not isinstance(text, str) or not text:
        raise _Bad("a night without its sleep start or end time")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"{text!r} is not a time like 2026-05-12T02:34:00.0") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _place(zone: ZoneInfo, fields: dict[str, Any], start: dt.datetime) -> dt.tzinfo:
    """The profile's zone, unless the night's own local start says another offset."""
    local = fields.get("sleepStartTimestampLocal")
    if not isinstance(local, str):
        return zone
    try:
        wall = dt.datetime.fromisoformat(local.replace("Z", ""))
    except ValueError:
        return zone
    offset = wall.replace(tzinfo=None) - start.replace(tzinfo=None)
    if abs(offset) > dt.timedelta(hours=14) or start.astimezone(zone).utcoffset() == offset:
        return zone
    return dt.timezone(offset)


# -- FIT --------------------------------------------------------------------------------


def read_garmin_fit(
    fileobj: BinaryIO, zone: ZoneInfo, *, name: str = "sleep.fit"
) -> Iterator[DeviceRecord]:
    """The ``sleep_level`` messages of one FIT file as samples (none in an activity)."""
    import fitdecode  # loaded only for FIT files

    data = fileobj.read(MAX_FIT_BYTES + 1)
    if len(data) > MAX_FIT_BYTES:
        raise InvalidInput.one(name, f"is larger than {MAX_FIT_BYTES // (1024 * 1024)} MiB")
    levels: list[tuple[dt.datetime, Any]] = []
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as fit:
            for frame in fit:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA or frame.name != "sleep_level":
                    continue
                moment = frame.get_value("timestamp", fallback=None)
                level = frame.get_value("sleep_level", fallback=None)
                if isinstance(moment, dt.datetime):
                    levels.append((moment.astimezone(dt.UTC), level))
    except fitdecode.FitError as error:
        raise InvalidInput.one(name, f"is not a readable FIT file ({error})") from None
    yield from _fit_samples(sorted(levels, key=lambda x: x[0]), zone, name)


def _fit_samples(
    levels: list[tuple[dt.datetime, Any]], zone: ZoneInfo, name: str
) -> Iterator[DeviceRecord]:
    if not levels:
        return
    runs: list[tuple[dt.datetime, dt.datetime, tuple[SleepState, str | None]]] = []
    for index, (moment, level) in enumerate(levels):
        following = levels[index + 1][0] if index + 1 < len(levels) else moment + _LAST_LEVEL
        if following <= moment:
            continue  # two messages at one time: the later one holds
        key = level if isinstance(level, str) else None
        if key not in _LEVELS:
            yield Skipped(name, f"an unknown sleep level {level!r}", moment.isoformat())
            continue
        mapped = _LEVELS[key]
        if mapped is None:
            continue
        if runs and runs[-1][1] == moment and runs[-1][2] == mapped:
            runs[-1] = (runs[-1][0], following, mapped)  # one sample per run of a level
        else:
            runs.append((moment, following, mapped))
    if not runs:
        return
    yield SleepSample(
        FIT_SOURCE, runs[0][0].astimezone(zone), runs[-1][1].astimezone(zone), "in_bed"
    )
    for start, end, (state, stage) in runs:
        yield SleepSample(FIT_SOURCE, start.astimezone(zone), end.astimezone(zone), state, stage)
