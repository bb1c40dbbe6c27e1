"""Google Fit in Google Takeout: sleep sessions and sleep segments (docs/importers/google-fit.md).

Two shapes, both seen in public code that reads real Takeout archives (December 2026):

- **Sessions**: ``Takeout/Fit/All Sessions/<local start>_SLEEP.json`` (the folder's name is
  localised, e.g. ``Все сеансы``; the file name carries the local start and its offset,
  ``2015-07-03T16_09_00-07_00_SLEEP.json``): ``{"fitnessActivity": "sleep", "startTime":
  "2019-06-10T20:06:00Z", "endTime": ..., "duration": "31320s", "segment": [
  {"fitnessActivity": "sleep" | "sleep.light" | "sleep.deep" | "sleep.rem" |
  "sleep.awake", "startTime": ..., "endTime": ...}]}``. Times are UTC. A session is an
  ``in_bed`` sample (source ``Google Fit``), its segments the ``asleep`` and ``awake``
  samples inside it; a session without segments is asleep throughout (a session only).
  The API's numeric activity types are read too: 72 sleep, 109 light, 110 deep, 111 REM,
  112 awake.
- **All data**: ``Takeout/Fit/All data/raw_com.google.sleep.segment_<app>.json``
  (``{"Data Points": [{"startTimeNanos", "endTimeNanos", "fitValue": [{"value":
  {"intVal": 4}}]}]}``, values 1 awake, 2 sleep, 3 out of bed, 4 light, 5 deep, 6 REM)
  and ``raw_com.google.activity.segment_<app>.json`` (the activity types above; other
  activities are not sleep and are passed over). Each app's stream is its own source
  (``Google Fit (<app>)``), so the nights are never summed with the sessions (rule 1).
  ``derived_*`` streams are Google's merges of the raw ones and are not read.

Times are shown in the profile's zone where it has the offset the file name gives (a
clock change inside the night then keeps both offsets), else in that fixed offset; the
streams carry no offset and are shown in the profile's zone.

Skipped and reported (never fatal): a session or point whose times do not parse, an end
not after its start, a session longer than 24 hours, an unknown sleep stage. Refused:
a file that is not JSON or not of these shapes, invalid UTF-8, a document over 64 MiB.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample, SleepState
from nightbridge.importers import DeviceRecord, ExportFiles, base_name, files_of
from nightbridge.importers.textguard import read_text

SOURCE = "Google Fit"
_SESSION = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}_\d{2}_\d{2})(?:\.\d+)?(Z|[+-]\d{2}_\d{2})?_SLEEP( \(\d+\))?\.json",
    re.IGNORECASE,
)
_STREAM = re.compile(
    r"raw_com\.google\.(sleep|activity)\.segment_(.+?)( \(\d+\))?\.json", re.IGNORECASE
)
#: Session segment activities (names, and the API's numbers) -> (state, stage).
_ACTIVITIES: dict[str | int, tuple[SleepState, str | None]] = {
    "sleep": ("asleep", None),
    "sleep.light": ("asleep", "light"),
    "sleep.deep": ("asleep", "deep"),
    "sleep.rem": ("asleep", "rem"),
    "sleep.awake": ("awake", None),
    72: ("asleep", None),
    109: ("asleep", "light"),
    110: ("asleep", "deep"),
    111: ("asleep", "rem"),
    112: ("awake", None),
}
#: ``com.google.sleep.segment`` values -> (state, stage); 3 (out of bed) is no sample.
_SLEEP_STAGES: dict[int, tuple[SleepState, str | None] | None] = {
    1: ("awake", None),
    2: ("asleep", None),
    3: None,
    4: ("asleep", "light"),
    5: ("asleep", "deep"),
    6: ("asleep", "rem"),
}
_LONGEST = dt.timedelta(hours=24)


def accepts(name: str) -> bool:
    """A sleep session file (``..._SLEEP.json``) or a raw sleep or activity stream."""
    base = base_name(name)
    return bool(_SESSION.fullmatch(base) or _STREAM.fullmatch(base))


def read_google_fit_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of every sleep session and raw sleep stream in ``files``."""
    zone = ZoneInfo(tz)
    names = files_of(files, accepts, "has no Google Fit sleep sessions in it")
    for name in names:
        base = base_name(name)
        with files.open(name) as stream:
            document = _load(stream, base)
        session = _SESSION.fullmatch(base)
        stream_name = _STREAM.fullmatch(base)
        if session:
            yield from read_session(document, zone, name=base, offset=session.group(2))
        elif stream_name:
            app, kind = stream_name.group(2), stream_name.group(1).lower()
            yield from read_stream(document, zone, name=base, app=app, kind=kind)


def _load(stream: BinaryIO, name: str) -> Any:
    try:
        return json.loads(read_text(stream, field=name))
    except json.JSONDecodeError as error:
        raise InvalidInput.one(
            name, f"is not a JSON document (line {error.lineno}: {error.msg})"
        ) from None


class _Bad(ValueError):
    """A session or point left out, and why (for people)."""


def read_session(
    document: Any, zone: ZoneInfo, *, name: str = "session_SLEEP.json", offset: str | None = None
) -> Iterator[DeviceRecord]:
    """One ``All Sessions`` file: an ``in_bed`` sample and its segments, or a notice."""
    if not isinstance(document, dict) or "startTime" not in document:
        raise InvalidInput.one(
            name,
            "is not a Google Fit sleep session (no startTime); download Google Fit with "
            "Google Takeout and give the zip or its Fit folder",
        )
    activity = document.get("fitnessActivity", document.get("activityType"))
    if activity not in ("sleep", 72):
        yield Skipped(name, f"a session of {activity!r}, not sleep")
        return
    try:
        start, end = _span(document.get("startTime"), document.get("endTime"))
    except _Bad as bad:
        yield Skipped(name, str(bad), "session")
        return
    place = _place(zone, start, offset)
    yield SleepSample(SOURCE, start.astimezone(place), end.astimezone(place), "in_bed")
    segments = document.get("segment") or []
    if not isinstance(segments, list):
        yield Skipped(name, "its segment list is not a list", "session")
        segments = []
    wrote = False
    for number, segment in enumerate(segments, start=1):
        try:
            if not isinstance(segment, dict):
                raise _Bad("a segment that is not an object")
            # a segment without an activity is sleep (seen in older sessions)
            kind = segment.get("fitnessActivity", segment.get("activityType", "sleep"))
            if kind not in _ACTIVITIES:
                raise _Bad(f"an unknown sleep stage {kind!r}")
            a, b = _span(segment.get("startTime"), segment.get("endTime"))
        except _Bad as bad:
            yield Skipped(name, str(bad), f"segment {number}")
            continue
        state, stage = _ACTIVITIES[kind]
        yield SleepSample(SOURCE, a.astimezone(place), b.astimezone(place), state, stage)
        wrote = True
    if not wrote:  # no segments: Fit filed the session only (rule 8 says so)
        yield SleepSample(SOURCE, start.astimezone(place), end.astimezone(place), "asleep")


def read_stream(
    document: Any, zone: ZoneInfo, *, name: str, app: str, kind: str = "sleep"
) -> Iterator[DeviceRecord]:
    """One ``All data`` raw sleep or activity stream: its sleep points, or notices."""
    points = document.get("Data Points") if isinstance(document, dict) else None
    if not isinstance(points, list):
        raise InvalidInput.one(name, 'is not a Google Fit data stream (no "Data Points" list)')
    source = f"{SOURCE} ({app})"
    for number, point in enumerate(points, start=1):
        try:
            value = _int_value(point)
            if kind == "activity":
                if value not in (72, 109, 110, 111, 112):
                    continue  # walking, still, ...: not sleep
                mapped: tuple[SleepState, str | None] | None = _ACTIVITIES[value]
            else:
                if value not in _SLEEP_STAGES:
                    raise _Bad(f"an unknown sleep stage {value}")
                mapped = _SLEEP_STAGES[value]
            if mapped is None:
                continue  # out of bed
            a, b = _nanos(point.get("startTimeNanos")), _nanos(point.get("endTimeNanos"))
            if b <= a:
                raise _Bad("a point whose end is not after its start")
            if b - a > _LONGEST:
                raise _Bad("a point longer than 24 hours")
        except _Bad as bad:
            yield Skipped(name, str(bad), f"point {number}")
            continue
        state, stage = mapped
        yield SleepSample(source, a.astimezone(zone), b.astimezone(zone), state, stage)


def _int_value(point: Any) -> int:
    try:
        value = point["fitValue"][0]["value"]["intVal"]
    except (KeyError, IndexError, TypeError):
        raise _Bad("a point without an intVal value") from None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Bad(f"a point whose value {value!r} is not a number")
    try:
        return int(value)
    except ValueError:
        raise _Bad(f"a point whose value {value!r} is not a number") from None


def _nanos(text: Any) -> dt.datetime:
    try:
        nanos = int(str(text))
        moment = dt.datetime.fromtimestamp(nanos / 1e9, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise _Bad(f"a time {text!r} that is not nanoseconds since 1970") from None
    if (
        not dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        <= moment
        < dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    ):
        raise _Bad(f"a time {text!r} outside 2000-2099")
    return moment


def _span(start: Any, end: Any) -> tuple[dt.datetime, dt.datetime]:
    a, b = _instant(start), _instant(end)
    if b <= a:
        raise _Bad("the end is not after the start")
    if b - a > _LONGEST:
        raise _Bad("a session longer than 24 hours")
    return a, b


def _instant(text: Any) -> dt.datetime:
    if not isinstance(text, str) or not text:
        raise _Bad("a session or segment without its start or end time")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"{text!r} is not a time like 2026-03-06T22:41:00Z") from None
    if moment.tzinfo is None:
        raise _Bad(f"{text!r} has no offset (Google Fit writes UTC, ending in Z)")
    return moment


def _place(zone: ZoneInfo, start: dt.datetime, offset: str | None) -> dt.tzinfo:
    """The profile's zone where it has the file name's offset at the start, else that
    offset; without one, the profile's zone."""
    if not offset or offset.upper() == "Z":
        return zone
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    fixed = dt.timedelta(hours=hours, minutes=minutes) * sign
    if start.astimezone(zone).utcoffset() == fixed or abs(fixed) > dt.timedelta(hours=14):
        return zone
    return dt.timezone(fixed)
