"""Whoop's data export: ``sleeps.csv`` (the app's Profile, Data export; docs/importers/whoop.md).

Shape (seen in public code that reads real exports: column lists of ``sleeps.csv`` readers
and a documented table schema on GitHub, December 2026): one row per sleep, a header of

``Cycle start time, Cycle end time, Cycle timezone, Sleep onset, Wake onset, Sleep
performance %, Respiratory rate (rpm), Asleep duration (min), In bed duration (min),
Light sleep duration (min), Deep (SWS) duration (min), REM duration (min), Awake
duration (min), Sleep need (min), Sleep debt (min), Sleep efficiency %, Sleep
consistency %, Nap``

with local wall times ``2025-02-03 22:33:01`` and the cycle's offset ``UTC-08:00``.

Mapping (definitions.md section 7): ``Sleep onset`` to ``Wake onset`` is an ``in_bed``
sample (Whoop's sleep starts when it detects you lying down); the export gives stage
TOTALS only, not when they fell, so the asleep minutes are laid out as light, deep, REM
in that order from the onset, with the awake minutes (the span minus light + deep + REM)
as ONE block at the middle of the asleep time (`importers.totals.lay_out_night`, shared with
Withings and Garmin): TST, TIB, WASO, SE and the stage minutes
are Whoop's; SOL is 0 (Whoop writes no latency in the export). A row without stage
minutes but with ``Asleep duration (min)`` is asleep for that long, unstaged.

Times: where the profile's zone has the cycle's offset at the onset, both times are read
in that zone (a night across a clock change keeps both offsets); otherwise in the
cycle's fixed offset; without ``Cycle timezone``, in the profile's zone.

Skipped and reported (never fatal): rows without onset or wake (cycles without a sleep),
a time or number that does not parse, a wake before its onset, stage minutes longer than
the sleep. Refused: a file without the ``Sleep onset`` / ``Wake onset`` header, invalid
UTF-8, over-long lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from typing import BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name, files_of
from nightbridge.importers.textguard import iter_text_lines
from nightbridge.importers.totals import lay_out_night

SOURCE = "Whoop"
_FILE = re.compile(r"sleeps( \(\d+\))?\.csv", re.IGNORECASE)
_OFFSET = re.compile(r"UTC([+-])(\d{2}):?(\d{2})")
_STAGES = (
    ("light", "Light sleep duration (min)"),
    ("deep", "Deep (SWS) duration (min)"),
    ("rem", "REM duration (min)"),
)
#: A night longer than this is not a night (a stuck strap or a hand-edited row).
_LONGEST = dt.timedelta(hours=24)


def accepts(name: str) -> bool:
    """``sleeps.csv`` of a Whoop export (also a browser's ``sleeps (1).csv``)."""
    return bool(_FILE.fullmatch(base_name(name)))


def read_whoop_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of every ``sleeps.csv`` in ``files``; ``tz`` places rows without an
    offset and across clock changes."""
    names = files_of(files, accepts, "has no Whoop sleeps.csv in it")
    for name in names:
        with files.open(name) as stream:
            yield from read_whoop_sleeps(stream, tz=tz, name=base_name(name))


def read_whoop_sleeps(
    fileobj: BinaryIO, *, tz: str = "UTC", name: str = "sleeps.csv"
) -> Iterator[DeviceRecord]:
    """``in_bed``, ``asleep`` and ``awake`` samples per row, or a ``Skipped`` notice."""
    zone = ZoneInfo(tz)
    reader = csv.reader(iter_text_lines(fileobj, field=name))
    header = next(reader, None)
    names = [h.strip() for h in header or []]
    if "Sleep onset" not in names or "Wake onset" not in names:
        raise InvalidInput.one(
            name,
            "is not a Whoop sleeps.csv (no 'Sleep onset' and 'Wake onset' columns); export "
            "your data in the Whoop app (Profile, App settings, Data export) and give sleeps.csv",
            1,
        )
    for row, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        fields = dict(zip(names, (c.strip() for c in cells), strict=False))
        try:
            yield from _row_samples(fields, zone)
        except _Bad as bad:
            yield Skipped(name, str(bad), f"row {row}")


class _Bad(ValueError):
    """A row left out, and why (for people)."""


def _row_samples(fields: dict[str, str], zone: ZoneInfo) -> Iterator[SleepSample]:
    onset_text, wake_text = fields.get("Sleep onset", ""), fields.get("Wake onset", "")
    if not onset_text or not wake_text:
        raise _Bad("a cycle without a sleep (no sleep onset or wake onset)")
    place = _place(onset_text, fields, zone)
    onset, wake = _instant(onset_text, place), _instant(wake_text, place)
    if wake <= onset:
        raise _Bad("the wake onset is not after the sleep onset")
    span = wake - onset
    if span > _LONGEST:
        raise _Bad("a sleep longer than 24 hours")
    staged = [(stage, _minutes(fields, column)) for stage, column in _STAGES]
    blocks: list[tuple[str | None, dt.timedelta]]
    if all(m is not None for _, m in staged):
        blocks = [(st, dt.timedelta(minutes=m)) for st, m in staged if m]
    else:
        asleep_min = _minutes(fields, "Asleep duration (min)")
        if asleep_min is None:
            raise _Bad("no asleep or stage minutes (a sleep Whoop did not score)")
        blocks = [(None, dt.timedelta(minutes=asleep_min))] if asleep_min else []
    asleep = sum((d for _, d in blocks), dt.timedelta())
    if asleep > span + dt.timedelta(minutes=1):
        raise _Bad("more minutes asleep than from sleep onset to wake onset")
    yield from lay_out_night(SOURCE, (onset, wake), (onset, wake), blocks, place)


def _minutes(fields: dict[str, str], column: str) -> float | None:
    text = fields.get(column, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{column} {text!r} is not a number of minutes") from None
    if not 0 <= value <= 24 * 60:
        raise _Bad(f"{column} {text!r} is not between 0 and 1440 minutes")
    return value


def _place(onset: str, fields: dict[str, str], zone: ZoneInfo) -> dt.tzinfo:
    """The zone the row's wall times are read in: the profile's zone where it has the
    cycle's offset at the onset (clock changes then come out right), else that offset."""
    cycle = fields.get("Cycle timezone", "")
    if not cycle:
        return zone
    match = _OFFSET.fullmatch(cycle)
    if not match:
        raise _Bad(f"Cycle timezone {cycle!r} is not like UTC-08:00")
    sign = -1 if match.group(1) == "-" else 1
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    if minutes > 14 * 60:
        raise _Bad(f"Cycle timezone {cycle!r} is beyond UTC±14:00")
    fixed = dt.timedelta(minutes=sign * minutes)
    try:
        wall = dt.datetime.fromisoformat(onset)
    except ValueError:
        raise _Bad(f"{onset!r} is not a time like 2026-03-06 22:41:00") from None
    if wall.replace(tzinfo=zone).utcoffset() == fixed:
        return zone
    return dt.timezone(fixed)


def _instant(text: str, place: dt.tzinfo) -> dt.datetime:
    """A wall time in ``place`` as a UTC instant."""
    try:
        wall = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"{text!r} is not a time like 2026-03-06 22:41:00") from None
    if wall.tzinfo is None:
        wall = wall.replace(tzinfo=place)
    return wall.astimezone(dt.UTC)
