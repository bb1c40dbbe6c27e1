"""Withings' account data export: ``sleep.csv`` (docs/importers/withings.md).

Shape (seen in public code that reads real exports, December 2026): one row per night,
``from``/``to`` as ISO 8601 instants with their offset (``2026-03-06T22:24:37+01:00``),
stage totals in seconds and the latencies in seconds; the first columns are named in
the account's language, the rest often stay English:

- English: ``from, to, light (s), deep (s), rem (s), awake (s), wake up, Duration to
  sleep (s), Duration to wake up (s), Snoring (s), Snoring episodes, Average heart rate,
  Heart rate (min), Heart rate (max)`` (newer exports add ``Night events``);
- German: ``von, bis, leicht (s), tief (s), rem (s), wach (s), Aufwachen, ...``;
- Spanish: ``de, a, ligero (s), profundo (s), rem (s), despierto (s), despertar, ...``;
- newer English names: ``Start date``/``End date``, ``Light sleep duration (s)`` (or
  ``Light sleep (s)``), ``Deep sleep ...``, ``REM sleep ...``, ``Awake duration (s)``.

Mapping (definitions.md section 7): ``from`` -> ``to`` is an ``in_bed`` sample; sleep
onset is ``from`` + ``Duration to sleep (s)``, wake-up is ``to`` - ``Duration to wake up
(s)``; light, deep and REM are laid out from the onset with the minutes awake between
onset and wake-up as one block at the middle (``importers.totals``). So TIB, SOL, TST,
WASO and the stage minutes are Withings'.

Skipped and reported (never fatal): a time or number that does not parse, an end not
after its start, a night longer than 24 hours, a night without sleep seconds, more
sleep than time in bed. Refused: a file without a start, an end and a stage column
(it names what it is not), invalid UTF-8, over-long lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from typing import BinaryIO
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped
from nightbridge.importers import DeviceRecord, ExportFiles, base_name, files_of
from nightbridge.importers.textguard import iter_text_lines
from nightbridge.importers.totals import lay_out_night, place_of

SOURCE = "Withings"
_FILE = re.compile(r"sleep( \(\d+\))?\.csv", re.IGNORECASE)
#: Header names per column, lower case, in the languages seen (French: see the docs page).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("from", "von", "de", "start date", "start"),
    "end": ("to", "bis", "a", "à", "end date", "end"),
    "light": (
        "light (s)",
        "leicht (s)",
        "ligero (s)",
        "léger (s)",
        "light sleep (s)",
        "light sleep duration (s)",
    ),
    "deep": (
        "deep (s)",
        "tief (s)",
        "profundo (s)",
        "profond (s)",
        "deep sleep (s)",
        "deep sleep duration (s)",
    ),
    "rem": ("rem (s)", "rem sleep (s)", "rem sleep duration (s)"),
    "to_sleep": ("duration to sleep (s)", "durée d'endormissement (s)"),
    "to_wake": ("duration to wake up (s)", "durée de réveil (s)"),
}
_STAGES = ("light", "deep", "rem")
#: A night longer than this is not a night (a mat left recording, a hand-edited row).
_LONGEST = dt.timedelta(hours=24)
#: Rounding slack between the stage seconds and the span they must fit in.
_SLACK = dt.timedelta(minutes=1)


def accepts(name: str) -> bool:
    """``sleep.csv`` of a Withings export (also a browser's ``sleep (1).csv``)."""
    return bool(_FILE.fullmatch(base_name(name)))


def read_withings_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """The samples of every ``sleep.csv`` in ``files``; ``tz`` places times without an
    offset and is the zone nights are shown in where it has the export's offsets."""
    names = files_of(files, accepts, "has no Withings sleep.csv in it")
    for name in names:
        with files.open(name) as stream:
            yield from read_withings_sleep(stream, tz=tz, name=base_name(name))


def read_withings_sleep(
    fileobj: BinaryIO, *, tz: str = "UTC", name: str = "sleep.csv"
) -> Iterator[DeviceRecord]:
    """``in_bed``, ``asleep`` and ``awake`` samples per row, or a ``Skipped`` notice."""
    zone = ZoneInfo(tz)
    reader = csv.reader(iter_text_lines(fileobj, field=name))
    header = [h.strip().lower() for h in next(reader, None) or []]
    where = {key: _find(header, names) for key, names in _COLUMNS.items()}
    if where["start"] is None or where["end"] is None or all(where[s] is None for s in _STAGES):
        raise InvalidInput.one(
            name,
            "is not a Withings sleep.csv (no start, end and light/deep sleep columns); "
            "download your data from Withings (Health Mate or the Withings app: Profile, "
            "Settings, Download your data) and give the zip or its sleep.csv",
            1,
        )
    for row, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        fields = {
            key: cells[i].strip() if i is not None and i < len(cells) else ""
            for key, i in where.items()
        }
        try:
            yield from _row_samples(fields, zone)
        except _Bad as bad:
            yield Skipped(name, str(bad), f"row {row}")


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for candidate in names:
        if candidate in header:
            return header.index(candidate)
    return None


class _Bad(ValueError):
    """A row left out, and why (for people)."""


def _row_samples(fields: dict[str, str], zone: ZoneInfo) -> Iterator[DeviceRecord]:
    start, end = _instant(fields["start"], zone), _instant(fields["end"], zone)
    if end <= start:
        raise _Bad("the end is not after the start")
    if end - start > _LONGEST:
        raise _Bad("a night longer than 24 hours")
    blocks = [(stage, dt.timedelta(seconds=_seconds(fields, stage))) for stage in _STAGES]
    asleep = sum((d for _, d in blocks), dt.timedelta())
    if not asleep:
        raise _Bad("no light, deep or REM seconds (a night Withings did not score)")
    onset = start + dt.timedelta(seconds=_seconds(fields, "to_sleep"))
    wake = end - dt.timedelta(seconds=_seconds(fields, "to_wake"))
    if asleep > end - start + _SLACK:
        raise _Bad("more seconds asleep than from start to end")
    if wake - onset < asleep:  # latencies that leave no room: keep the sleep, trim them
        onset = max(start, min(onset, end - asleep))
        wake = min(end, onset + asleep)
    yield from lay_out_night(
        SOURCE, (start, end), (onset, wake), blocks, place_of(zone, start, end)
    )


def _seconds(fields: dict[str, str], key: str) -> float:
    text = fields.get(key, "")
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{_label(key)} {text!r} is not a number of seconds") from None
    if not 0 <= value <= 24 * 3600:
        raise _Bad(f"{_label(key)} {text!r} is not between 0 and 86400 seconds")
    return value


def _label(key: str) -> str:
    return _COLUMNS[key][0]


def _instant(text: str, zone: ZoneInfo) -> dt.datetime:
    """The time as written, with its own offset fixed (the profile's zone without one)."""
    if not text:
        raise _Bad("a night without its start or end time")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(f"{text!r} is not a time like 2026-03-06T22:24:37+01:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    offset = moment.utcoffset()
    if offset is None or abs(offset) > dt.timedelta(hours=14):
        raise _Bad(f"{text!r} has an offset beyond UTC±14:00")
    return moment.replace(tzinfo=dt.timezone(offset))  # fixed: sums are between instants
