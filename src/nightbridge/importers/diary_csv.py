"""The diary CSV (docs/cli.md, "Diary CSV"): file object in, raw rows out.

A header row with the diary field names (``date, bedtime, lights_off, sol_min, nwak,
waso_min, final_wake, out_of_bed, quality``), optional columns after them (``rested,
naps, naps_min, caffeine, last_caffeine, alcohol, last_alcohol, note``); other columns
are ignored. Comma-separated, strict UTF-8 (RFC 3629; a byte-order mark is dropped);
what a spreadsheet writes reads the same as a hand-written file: CRLF line ends, quoted
fields (RFC 4180, a quoted note may hold commas and line breaks), blank trailing rows
and header names with stray spaces or capitals.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first entry row 2,
and a record whose quoted field spans lines is still one row.

``read_diary_csv`` yields ``(row_no, fields)``; turning fields into entries (and every
check on them) is ``core.diary.parse_entry``'s job.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from nightbridge.core.diary import ALL_FIELDS, REQUIRED_FIELDS
from nightbridge.core.errors import InvalidInput

#: Largest diary file read, in bytes (ten years of nightly rows are under 2 MiB).
MAX_BYTES = 16 * 1024 * 1024


def read_diary_csv(fileobj: BinaryIO | TextIO) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank entry row as ``(row_no, {field: text})``, header checked first.

    Raises ``InvalidInput`` for a file that is not UTF-8 (naming the row of the bad
    byte), too large, without a header, or whose header lacks required columns (all
    named); and for a row with more cells than the header has names.
    """
    text = _read_text(fileobj)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header: list[str] | None = None
    for row_no, cells in enumerate(reader, start=1):
        if header is None:
            header = [name.strip().lower() for name in cells]
            _check_header(header)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # blank row (a spreadsheet's trailing ",,,," too)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise InvalidInput.one(
                "row", f"has {len(cells)} cells but the header names {len(header)}", row_no
            )
        fields = {
            name: cells[i] if i < len(cells) else ""
            for i, name in enumerate(header)
            if name in ALL_FIELDS
        }
        yield row_no, fields
    if header is None:
        raise InvalidInput.one("header", "the file is empty: a header row is needed", 1)


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        raise InvalidInput.one("header", "missing required column(s): " + ", ".join(missing), 1)
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise InvalidInput.one("header", "repeated column(s): " + ", ".join(repeated), 1)


def _read_text(fileobj: BinaryIO | TextIO) -> str:
    data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput.one("file", f"is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput.one(
            "file",
            f"is not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8",
            _row_at(data, exc.start),
        ) from None


def _row_at(data: bytes, offset: int) -> int:
    """The spreadsheet row (header = 1) holding byte ``offset``."""
    before = data[:offset].decode("utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(before, newline="")))
    if not rows:
        return 1
    ends_row = before.endswith(("\n", "\r")) and not _inside_quotes(before)
    return len(rows) + 1 if ends_row else len(rows)


def _inside_quotes(text: str) -> bool:
    return text.count('"') % 2 == 1
