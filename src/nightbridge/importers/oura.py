"""Oura ring exports: sleep periods as CSV (semicolon-separated) or JSON.

Shape (Oura API v2 "sleep" documents, which the Oura membership-hub export writes as
semicolon-separated CSV, e.g. ``sleepmodel.csv``, and which API dumps write as JSON):
per sleep period ``day``, ``type`` (``long_sleep``, ``sleep``, ``late_nap``, ``rest``,
``deleted``), ``bedtime_start`` and ``bedtime_end`` as ISO 8601 with an offset
(``2026-03-06T23:41:03+01:00``), durations in seconds, and ``sleep_phase_5_min``: one
character per 5 minutes from ``bedtime_start``, ``1`` deep, ``2`` light, ``3`` REM,
``4`` awake (Oura API v2 reference, "Sleep" model; the RADAR-base Oura connector reads
it the same way). JSON may be a list of documents or ``{"data": [...]}`` /
``{"sleep": [...]}``.

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
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import SleepSample
from nightbridge.importers import DeviceRecord, ExportFiles, base_name
from nightbridge.importers.textguard import iter_text_lines, read_text

SOURCE = "Oura"
PHASE = dt.timedelta(minutes=5)
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
    found = False
    for name in files.names():
        base = base_name(name)
        lower = base.lower()
        if lower.endswith(".csv") and b"bedtime_start" in files.head(name, 65536):
            found = True
            with files.open(name) as stream:
                yield from read_oura_csv(stream, name=base)
        elif lower.endswith(".json") and b"bedtime_start" in files.head(name, 65536):
            found = True
            with files.open(name) as stream:
                yield from read_oura_json(stream, name=base)
    if not found:
        raise InvalidInput.one("file", "has no Oura sleep data (no bedtime_start column)")


def read_oura_csv(fileobj: BinaryIO, *, name: str = "sleepmodel.csv") -> Iterator[SleepSample]:
    """The samples of an Oura CSV (semicolon-separated; a comma-separated one also reads)."""
    lines = iter_text_lines(fileobj, field=name)
    header_line = next(lines, "")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
    if "bedtime_start" not in header or "bedtime_end" not in header:
        raise InvalidInput.one(name, "needs bedtime_start and bedtime_end columns", 1)
    rows = csv.reader(lines, delimiter=delimiter)
    for row_number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield from read_period(dict(zip(header, cells, strict=False)), name=name, row=row_number)


def read_oura_json(fileobj: BinaryIO, *, name: str = "sleep.json") -> Iterator[SleepSample]:
    """The samples of Oura sleep documents in JSON."""
    try:
        data = json.loads(read_text(fileobj, field=name))
    except json.JSONDecodeError as exc:
        raise InvalidInput.one(
            name, f"is not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    documents: Iterable[Any]
    if isinstance(data, list):
        documents = data
    elif isinstance(data, dict) and isinstance(data.get("data", data.get("sleep")), list):
        documents = list(data.get("data", data.get("sleep")) or [])
    else:
        raise InvalidInput.one(name, "must be a list of sleep documents or {'data': [...]}")
    for row, document in enumerate(documents, start=1):
        if not isinstance(document, dict):
            raise InvalidInput.one(name, "each sleep document must be a JSON object", row)
        yield from read_period(document, name=name, row=row)


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
    phases = str(fields.get("sleep_phase_5_min") or "").strip()
    run_start = 0
    for i in range(1, len(phases) + 1):
        if i < len(phases) and phases[i] == phases[run_start]:
            continue
        code = phases[run_start]
        if code not in PHASES:
            raise InvalidInput.one(
                f"{name} sleep_phase_5_min", f"unknown phase {code!r} (expected 1-4)", row
            )
        state, stage = PHASES[code]
        begin = start + run_start * PHASE
        finish = min(start + i * PHASE, end)
        if finish > begin:
            yield SleepSample(SOURCE, begin, finish, state, stage)  # type: ignore[arg-type]
        run_start = i


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
