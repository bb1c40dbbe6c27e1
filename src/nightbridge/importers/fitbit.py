"""Fitbit / Google Takeout sleep and activity exports.

Shape (Google Takeout, ``Takeout/Fitbit/Global Export Data/``; newer exports put the same
files under ``Takeout/Google Health/``; documented by the Fitbit Web API "Get Sleep Log"
reference, which the export mirrors): ``sleep-YYYY-MM-DD.json`` is a JSON array of sleep
logs covering about 30 days. Per log: ``logId``, ``dateOfSleep``, ``startTime`` and
``endTime`` as LOCAL times without an offset (``2026-01-09T23:04:30.000``), ``type``
(``stages`` or ``classic``), ``mainSleep``, and ``levels``:

- ``levels.data``: ``{dateTime, level, seconds}`` runs covering the log. Stages logs use
  ``wake``/``light``/``deep``/``rem``; classic logs ``asleep``/``restless``/``awake``.
- ``levels.shortData`` (stages logs): short wakes (<= 3 min) laid OVER the ``data`` runs;
  Fitbit's ``minutesAsleep`` leaves them out, so this reader cuts them out of the asleep
  runs they overlap.

Mapping (definitions.md section 7): the log's ``startTime``..``endTime`` is an ``in_bed``
sample; ``light``/``deep``/``rem`` are ``asleep`` with that stage; ``asleep`` (classic)
is ``asleep`` without a stage; ``wake``, ``awake`` and ``restless`` are ``awake`` (Fitbit
counts restless minutes as awake in classic logs). Local times take the profile's zone;
on a repeated hour (autumn) the first occurrence counts unless that would run backwards.

Activity: ``very_active_minutes-YYYY-MM-DD.json`` and
``moderately_active_minutes-YYYY-MM-DD.json`` arrays of ``{dateTime: "MM/DD/YY
HH:MM:SS", value: "12"}``; their sum per date is that date's exercise minutes (the
moderate-to-vigorous minutes Fitbit calls Active Zone precursors).

Also read: a Fitbit Web API v1.2 response saved to a file (``{"sleep": [...],
"summary": {...}}``, the "Get Sleep Log by Date" / "by Date Range" answer, which the
Takeout files mirror), and files renamed by a browser or a second download
(``sleep-2015-06-16 (1).json``, ``sleep.json``).

Skipped and reported (a ``Skipped`` notice; the rest of the file is read): a log whose
times cannot be read or end before they start, a run with a level Fitbit writes but
that says nothing about sleep (``unknown``, seen in real logs) or any other unknown level
(the run alone), a run without ``dateTime``/``level``/``seconds``; in a Takeout of many
files, a sleep file that is not JSON (cut short while downloading) when others read.
Silently left out: logs without ``levels`` or ``startTime``/``endTime`` (nothing to
place), every other Takeout file (heart rate, steps, SpO2 ...).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.device_nights import fix_offset
from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, Skipped, SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name
from nightbridge.importers.textguard import read_text

SOURCE = "Fitbit"
#: ``sleep-YYYY-MM-DD.json`` (Takeout) or ``sleep.json`` (an API answer), with the
#: `` (1)`` a browser adds to a second download of the same name.
_SLEEP_FILE = re.compile(r"sleep(-\d{4}-\d{2}-\d{2})?( ?\(\d+\))?\.json", re.IGNORECASE)
_ACTIVE_FILE = re.compile(
    r"(very|moderately)_active_minutes-\d{4}-\d{2}-\d{2}( ?\(\d+\))?\.json", re.IGNORECASE
)
#: Levels that say nothing about sleep: the run is skipped and reported.
UNKNOWN_LEVELS = frozenset({"unknown"})
_STAGES = {"light": "light", "deep": "deep", "rem": "rem"}
_ASLEEP = {"asleep"}
_AWAKE = {"wake", "awake", "restless"}

Interval = tuple[dt.datetime, dt.datetime]


def accepts(name: str) -> bool:
    """Fitbit sleep logs and active-minutes files (by their Takeout names)."""
    base = base_name(name)
    return bool(_SLEEP_FILE.fullmatch(base) or _ACTIVE_FILE.fullmatch(base))


def read_fitbit_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """Every sleep sample, then every date's exercise minutes, of a Takeout export.

    A sleep file that is not JSON is skipped and reported when other sleep files read;
    if none reads, the first refusal is raised (nothing has been yielded then)."""
    minutes: dict[dt.date, float] = defaultdict(float)
    refused: list[InvalidInput] = []
    read_any = False
    for name in files.names():
        base = base_name(name)
        if _SLEEP_FILE.fullmatch(base):
            with files.open(name) as stream:
                try:
                    logs = _load_logs(stream, base)
                except InvalidInput as exc:
                    refused.append(exc)
                    continue
            read_any = True
            yield from _read_logs(logs, ZoneInfo(tz), base)
        elif _ACTIVE_FILE.fullmatch(base):
            with files.open(name) as stream:
                for day, value in read_fitbit_active_minutes(stream, name=base):
                    minutes[day] += value
    if refused and not read_any:
        raise refused[0]
    for exc in refused:
        for problem in exc.problems:
            yield Skipped(problem.field, f"{problem.reason}; the file was left out")
    for day in sorted(minutes):
        yield DailyActivity(SOURCE, day, minutes[day])


def read_fitbit_sleep(
    fileobj: BinaryIO, *, tz: str, name: str = "sleep.json"
) -> Iterator[SleepSample | Skipped]:
    """The samples of one ``sleep-YYYY-MM-DD.json`` file (or an API answer); local times
    are in ``tz``. Bad logs and runs are skipped with a ``Skipped`` notice."""
    yield from _read_logs(_load_logs(fileobj, name), ZoneInfo(tz), name)


def _load_logs(fileobj: BinaryIO, name: str) -> list[Any]:
    """The logs of a Takeout array or of an API answer ``{"sleep": [...], ...}``."""
    data = _load_json(fileobj, name)
    if isinstance(data, dict) and isinstance(data.get("sleep"), list):
        return list(data["sleep"])
    if not isinstance(data, list):
        raise InvalidInput.one(
            name,
            "must be a JSON array of sleep logs (a Takeout sleep-YYYY-MM-DD.json) or a "
            'Fitbit Web API answer {"sleep": [...]}',
        )
    return data


def _read_logs(logs: list[Any], zone: ZoneInfo, name: str) -> Iterator[SleepSample | Skipped]:
    for row, log in enumerate(logs, start=1):
        where = f"log {row}"
        if not isinstance(log, dict):
            yield Skipped(name, "a sleep log is not a JSON object", where)
            continue
        levels = log.get("levels")
        if not log.get("startTime") or not log.get("endTime") or not isinstance(levels, dict):
            continue
        if log.get("dateOfSleep"):
            where = f"log of {str(log['dateOfSleep'])[:10]}"
        try:
            samples, notices = _read_log(log, levels, zone, name, row)
        except InvalidInput as exc:
            yield Skipped(name, "; ".join(p.reason for p in exc.problems), where)
            continue
        yield from samples
        for reason in notices:
            yield Skipped(name, reason, where)


def read_fitbit_active_minutes(
    fileobj: BinaryIO, *, name: str = "very_active_minutes.json"
) -> Iterator[tuple[dt.date, float]]:
    """``(date, minutes)`` per entry of one active-minutes file."""
    data = _load_json(fileobj, name)
    if not isinstance(data, list):
        raise InvalidInput.one(name, "must be a JSON array (a Takeout export file)")
    for row, entry in enumerate(data, start=1):
        try:
            when = dt.datetime.strptime(str(entry["dateTime"]), "%m/%d/%y %H:%M:%S")
            value = float(entry["value"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput.one(
                name, f"needs dateTime 'MM/DD/YY HH:MM:SS' and a number value ({exc})", row
            ) from None
        if not 0 <= value <= 1440:
            raise InvalidInput.one(name, f"value {value} is not 0..1440 minutes", row)
        yield when.date(), value


def _load_json(fileobj: BinaryIO, name: str) -> Any:
    text = read_text(fileobj, field=name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput.one(
            name, f"is not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None


def _read_log(
    log: dict[str, Any], levels: dict[str, Any], zone: ZoneInfo, name: str, row: int
) -> tuple[list[SleepSample], list[str]]:
    """The samples of one log, and the reasons of the runs left out of it."""
    start = to_instant(_local(log["startTime"], name, "startTime", row), zone)
    end = to_instant(_local(log["endTime"], name, "endTime", row), zone, after=start)
    if end < start:
        raise InvalidInput.one(f"{name} endTime", "is before startTime", row)
    samples = [SleepSample(SOURCE, start, end, "in_bed")]
    notices: list[str] = []
    asleep: list[tuple[dt.datetime, dt.datetime, str | None]] = []
    wakes: list[Interval] = []
    for field, runs in (
        ("levels.data", levels.get("data")),
        ("levels.shortData", levels.get("shortData")),
    ):
        previous = start
        for run in runs if isinstance(runs, list) else []:
            try:
                level, begin, finish = _run(run, zone, previous, name, field, row)
            except InvalidInput as exc:
                notices.append(f"{field}: " + "; ".join(p.reason for p in exc.problems))
                continue
            previous = begin
            if level in _STAGES:
                asleep.append((begin, finish, _STAGES[level]))
            elif level in _ASLEEP:
                asleep.append((begin, finish, None))
            elif level in _AWAKE:
                wakes.append((begin, finish))
            elif level in UNKNOWN_LEVELS:
                notices.append(
                    f"{field}: a run of level {level!r} ({(finish - begin).total_seconds():.0f}"
                    " s) says nothing about sleep; it was left out"
                )
            else:
                notices.append(f"{field}: unknown sleep level {level!r}; the run was left out")
    samples.extend(SleepSample(SOURCE, begin, finish, "awake") for begin, finish in wakes)
    for begin, finish, stage in asleep:
        for piece_start, piece_end in subtract(begin, finish, wakes):
            samples.append(SleepSample(SOURCE, piece_start, piece_end, "asleep", stage))
    return samples, notices


def _run(
    run: Any, zone: ZoneInfo, previous: dt.datetime, name: str, field: str, row: int
) -> tuple[str, dt.datetime, dt.datetime]:
    try:
        level = str(run["level"])
        seconds = float(run["seconds"])
        when = _local(run["dateTime"], name, field, row)
    except (KeyError, TypeError, ValueError):
        raise InvalidInput.one(
            f"{name} {field}", "each run needs dateTime, level and seconds", row
        ) from None
    if not 0 <= seconds <= 86_400:
        raise InvalidInput.one(f"{name} {field}", f"seconds {seconds} is not 0..86400", row)
    begin = to_instant(when, zone, after=previous)
    return level, begin, begin + dt.timedelta(seconds=seconds)


def _local(value: Any, name: str, field: str, row: int) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput.one(
            f"{name} {field}", f"{value!r} is not a date-time like 2026-01-09T23:04:30.000", row
        ) from None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


def to_instant(
    local: dt.datetime, zone: ZoneInfo, *, after: dt.datetime | None = None
) -> dt.datetime:
    """A wall-clock time in ``zone`` as a fixed-offset instant.

    On a repeated hour the first occurrence counts (definitions.md section 1), unless that
    instant is before ``after`` (the sample before it), where the second one does: a
    Fitbit log running through the autumn change keeps going forward.
    """
    if local.tzinfo is not None:
        return local.astimezone(local.tzinfo)
    first = fix_offset(local.replace(tzinfo=zone, fold=0))
    if after is not None and first < after:
        second = fix_offset(local.replace(tzinfo=zone, fold=1))
        if second >= after:
            return second
    return first


def subtract(start: dt.datetime, end: dt.datetime, holes: list[Interval]) -> list[Interval]:
    """``[start, end)`` with every hole cut out (the pieces left, in order)."""
    pieces = [(start, end)]
    for hole_start, hole_end in holes:
        if hole_end <= start or hole_start >= end:
            continue
        cut: list[Interval] = []
        for a, b in pieces:
            if hole_end <= a or hole_start >= b:
                cut.append((a, b))
                continue
            if a < hole_start:
                cut.append((a, hole_start))
            if hole_end < b:
                cut.append((hole_end, b))
        pieces = cut
    return [(a, b) for a, b in pieces if b > a]
