"""Oura ring exports: sleep periods as CSV (semicolon-separated) or JSON.

Shape (Oura API v2 "sleep" documents, which the Oura membership-hub export writes as
semicolon-separated CSV, e.g. ``sleepmodel.csv``, and which API dumps write as JSON):
per sleep period ``day``, ``type`` (``long_sleep``, ``sleep``, ``late_nap``, ``rest``,
``deleted``), ``bedtime_start`` and ``bedtime_end`` as ISO 8601 with an offset
(``2026-03-06T23:41:03+01:00``), durations in seconds, and ``sleep_phase_5_min``: one
character per 5 minutes from ``bedtime_start``, ``1`` deep, ``2`` light, ``3`` REM,
``4`` awake (Oura API v2 reference, "Sleep" model; the RADAR-base Oura connector reads
it the same way). JSON may be a list of documents, ``{"data": [...]}``,
``{"sleep": [...]}`` or ``{"sleep": {"data": [...]}}``, with the sleep list anywhere in
the file (a dump whose other data comes first): JSON is stream-parsed (``ijson``), one
document at a time, never loaded whole.

Variants read: Oura Cloud / API v1 documents (``summary_date``, ``hypnogram_5min``: the
same characters as ``sleep_phase_5_min``); ``sleep_phase_30_sec`` (one character per
30 s, same codes), preferred to the 5-minute string when a document has both.
Refused with what it is: the Oura Cloud "Trends" CSV (``Bedtime Start``, ``Total Sleep
Time``: one row of totals per day, no phases to place in time).

Mapping (definitions.md section 7): ``bedtime_start``..``bedtime_end`` is an ``in_bed``
sample; each run of equal phase characters is one ``asleep`` sample with its stage, or
an ``awake`` sample, clipped to ``bedtime_end``.

Skipped: ``rest`` periods (Oura's rest mode, not sleep) and ``deleted`` ones; periods
without a phase string (there is nothing to place in time: their asleep minutes are a
total only); every non-sleep file (readiness, activity, heart rate ...), recognised by
lacking the ``bedtime_start`` column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import Skipped, SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name
from nightbridge.importers.textguard import iter_text_lines

SOURCE = "Oura"
PHASE = dt.timedelta(minutes=5)
#: Phase strings, finest first: (field, length of one character).
PHASE_FIELDS: tuple[tuple[str, dt.timedelta], ...] = (
    ("sleep_phase_30_sec", dt.timedelta(seconds=30)),
    ("sleep_phase_5_min", PHASE),
    ("hypnogram_5min", PHASE),  # Oura Cloud / API v1
)
#: Where sleep documents sit in a JSON file (ijson prefixes of the list items).
DOCUMENT_PREFIXES = frozenset({"item", "data.item", "sleep.item", "sleep.data.item"})
TRENDS = (
    'is an Oura "Trends" CSV (one row of totals per day: Bedtime Start, Total Sleep '
    "Time, scores), which has no sleep phases to place in time; export the sleep data "
    "instead (Oura on the web: Membership hub, Export data, the sleep file in CSV or JSON)"
)
#: sleep_phase_5_min characters: (state, stage).
PHASES: dict[str, tuple[str, str | None]] = {
    "1": ("asleep", "deep"),
    "2": ("asleep", "light"),
    "3": ("asleep", "rem"),
    "4": ("awake", None),
}
SKIPPED_TYPES = frozenset({"rest", "deleted"})


def accepts(name: str) -> bool:
    """CSV or JSON members (non-sleep ones are recognised and skipped by their columns)."""
    return base_name(name).lower().endswith((".csv", ".json"))


def read_oura_export(files: ExportFiles, *, tz: str) -> Iterator[DeviceRecord]:
    """Every sleep sample of every Oura sleep file in ``files`` (``tz`` unused)."""
    found = trends = False
    for name in files.names():
        base = base_name(name)
        lower = base.lower()
        if lower.endswith(".csv"):
            header = _header(files.head(name, 65536))
            if "bedtime_start" in header:
                found = True
                with files.open(name) as stream:
                    yield from read_oura_csv(stream, name=base)
            elif "bedtime start" in header:
                trends = True
        elif lower.endswith(".json"):
            with files.open(name) as stream:
                for row, document in _documents(stream, base):
                    found = True
                    yield from _checked_period(document, base, row)
    if not found:
        if trends:
            raise InvalidInput.one("file", TRENDS)
        raise InvalidInput.one("file", "has no Oura sleep data (no bedtime_start column)")


def _header(head: bytes) -> set[str]:
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    delimiter = ";" if line.count(";") >= line.count(",") else ","
    return {h.strip().strip('"').lower() for h in line.split(delimiter)}


def read_oura_csv(
    fileobj: BinaryIO, *, name: str = "sleepmodel.csv"
) -> Iterator[SleepSample | Skipped]:
    """The samples of an Oura CSV (semicolon-separated; a comma-separated one also reads)."""
    lines = iter_text_lines(fileobj, field=name)
    header_line = next(lines, "")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
    if "bedtime_start" not in header or "bedtime_end" not in header:
        if "bedtime start" in header:
            raise InvalidInput.one(name, TRENDS, 1)
        raise InvalidInput.one(name, "needs bedtime_start and bedtime_end columns", 1)
    rows = csv.reader(lines, delimiter=delimiter)
    for row_number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield from _checked_period(dict(zip(header, cells, strict=False)), name, row_number)


def read_oura_json(
    fileobj: BinaryIO, *, name: str = "sleep.json"
) -> Iterator[SleepSample | Skipped]:
    """The samples of the Oura sleep documents in a JSON file (stream-parsed)."""
    found = False
    for row, document in _documents(fileobj, name):
        found = True
        yield from _checked_period(document, name, row)
    if not found:
        raise InvalidInput.one(
            name,
            "has no Oura sleep documents (a list of them, or {'data': [...]}, "
            "{'sleep': [...]} or {'sleep': {'data': [...]}})",
        )


def _documents(fileobj: BinaryIO, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(position, document)`` for every object with a ``bedtime_start`` in one of the
    lists of ``DOCUMENT_PREFIXES``, wherever in the file it comes; one at a time."""
    row = 0
    builder: Any = None
    depth = 0
    try:
        for prefix, event, value in ijson.parse(fileobj, use_float=True):
            if builder is None:
                if event == "start_map" and prefix in DOCUMENT_PREFIXES:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth = 1
                continue
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    document, builder = builder.value, None
                    row += 1
                    if isinstance(document, dict) and "bedtime_start" in document:
                        yield row, document
    except ijson.JSONError as exc:
        raise InvalidInput.one(name, f"is not valid JSON ({exc})") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput.one(
            name, f"is not valid UTF-8 at byte offset {exc.start}; save it as UTF-8"
        ) from None


def _checked_period(
    fields: dict[str, Any], name: str, row: int
) -> list[SleepSample] | list[Skipped]:
    """The period's samples, or a ``Skipped`` notice if it is bad (the rest is read)."""
    try:
        return list(read_period(fields, name=name, row=row))
    except InvalidInput as exc:
        day = str(fields.get("day") or fields.get("summary_date") or "").strip()[:10]
        where = f"period of {day}" if day else f"period {row}"
        return [Skipped(name, "; ".join(f"{p.field}: {p.reason}" for p in exc.problems), where)]


def read_period(fields: dict[str, Any], *, name: str, row: int) -> Iterator[SleepSample]:
    """The samples of one sleep period (a CSV row or a JSON document)."""
    kind = str(fields.get("type") or "").strip().lower()
    if kind in SKIPPED_TYPES:
        return
    start = _instant(fields.get("bedtime_start"), name, "bedtime_start", row)
    end = _instant(fields.get("bedtime_end"), name, "bedtime_end", row)
    if end < start:
        raise InvalidInput.one(f"{name} bedtime_end", "is before bedtime_start", row)
    if end - start > dt.timedelta(hours=24):
        raise InvalidInput.one(f"{name} bedtime_end", "is more than 24 h after its start", row)
    yield SleepSample(SOURCE, start, end, "in_bed")
    field, step, phases = _phases(fields)
    run_start = 0
    for i in range(1, len(phases) + 1):
        if i < len(phases) and phases[i] == phases[run_start]:
            continue
        code = phases[run_start]
        if code not in PHASES:
            raise InvalidInput.one(f"{name} {field}", f"unknown phase {code!r} (expected 1-4)", row)
        state, stage = PHASES[code]
        begin = start + run_start * step
        finish = min(start + i * step, end)
        if finish > begin:
            yield SleepSample(SOURCE, begin, finish, state, stage)  # type: ignore[arg-type]
        run_start = i


def _phases(fields: dict[str, Any]) -> tuple[str, dt.timedelta, str]:
    """The finest phase string the period has: (field, one character's length, text)."""
    for field, step in PHASE_FIELDS:
        text = str(fields.get(field) or "").strip()
        if text:
            return field, step, text
    return "sleep_phase_5_min", PHASE, ""


def _instant(value: Any, name: str, field: str, row: int) -> dt.datetime:
    text = str(value or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput.one(
            f"{name} {field}", f"{text!r} is not a date-time with an offset", row
        )
    return moment
