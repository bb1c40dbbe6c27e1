"""Streaming guards for text inputs (CSV, JSON) from device exports.

What every text input must be, checked while it streams (never by loading it whole):

- strict UTF-8: an invalid byte sequence is refused with its byte offset (no silent
  replacement characters in health data); a UTF-8 byte-order mark at the start is dropped;
- no NUL bytes (a binary file, or a truncated download, posing as text);
- for line-based input (CSV), no line longer than ``max_line_bytes`` (default 1 MiB):
  an absurd line is a hostile or broken file, and holding it would use unbounded memory;
- for whole-document input (JSON), no more than ``max_bytes`` (default 64 MiB; a Fitbit
  ``sleep-YYYY-MM-DD.json`` covering ~30 days is well under 1 MiB).

Every refusal is ``InvalidInput`` on the field given (default ``file``), whose reason
names the byte offset (and line, where lines are counted).

Public API::

    iter_text_lines(fileobj: BinaryIO, *, field="file",
                    max_line_bytes=MAX_LINE_BYTES, chunk_bytes=1 MiB) -> Iterator[str]
        # decoded lines WITH their line ending ("\\n" only splits), ready for
        # csv.reader(...); the file object is read in chunks
    read_text(fileobj: BinaryIO, *, field="file", max_bytes=MAX_TEXT_BYTES) -> str
        # the whole document, checked, for json.loads(...)
    check_text(data: bytes, *, field="file", offset=0) -> str
        # decode one bytes object under the same rules (offset = where it starts)

Sources: OWASP ASVS 5.0 V5.2 and the OWASP File Upload Cheat Sheet (validate content,
bound sizes); RFC 3629 (UTF-8, which forbids overlong forms and surrogates; Python's strict
``utf-8`` codec enforces it); RFC 4180 (CSV lines). Python's ``csv.field_size_limit``
default (128 KiB per field) stays in force in the readers.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from nightbridge.core.errors import InvalidInput

MiB = 1024 * 1024
#: Longest accepted line of a CSV input, in bytes (line ending included).
MAX_LINE_BYTES = 1 * MiB
#: Largest accepted whole-document text input (JSON), in bytes.
MAX_TEXT_BYTES = 64 * MiB
CHUNK_BYTES = 1 * MiB


def _refuse(field: str, reason: str) -> InvalidInput:
    return InvalidInput.one(field, reason)


def check_text(data: bytes, *, field: str = "file", offset: int = 0) -> str:
    """Decode ``data`` as strict UTF-8 without NUL bytes; refuse with the byte offset.

    ``offset`` is where ``data`` starts in the whole input, so the offset in the message
    points into the file the person has.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _refuse(field, f"contains a NUL byte at byte offset {offset + nul}; not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(
            field,
            f"is not valid UTF-8 at byte offset {offset + exc.start} ({exc.reason}); "
            "save or export the file as UTF-8",
        ) from exc


def _strip_bom(data: bytes) -> tuple[bytes, int]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
    return data, 0


def read_text(fileobj: BinaryIO, *, field: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The whole text of a (JSON) document: at most ``max_bytes``, strict UTF-8, no NUL."""
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(field, f"is larger than {max_bytes} bytes; refusing it as a text document")
    data, skipped = _strip_bom(data)
    return check_text(data, field=field, offset=skipped)


def iter_text_lines(
    fileobj: BinaryIO,
    *,
    field: str = "file",
    max_line_bytes: int = MAX_LINE_BYTES,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[str]:
    """Decoded lines of a text file, each with its ending, checked as they stream.

    Lines split on ``\\n`` only (a ``\\r\\n`` ending stays on the line, as ``csv`` with
    ``newline=""`` expects). Memory stays within about ``chunk_bytes + max_line_bytes``
    whatever the file: a line longer than ``max_line_bytes`` is refused as soon as that
    many bytes arrive without a newline.
    """
    pending = b""
    pending_start = 0  # byte offset of pending[0] in the file
    line_number = 1
    first = True
    while True:
        chunk = fileobj.read(chunk_bytes)
        if first:
            chunk, pending_start = _strip_bom(chunk)
            first = False
        if not chunk:
            break
        data = pending + chunk if pending else chunk
        last_newline = data.rfind(b"\n")
        if last_newline < 0:
            if len(data) > max_line_bytes:
                raise _refuse(
                    field,
                    f"line {line_number} is longer than {max_line_bytes} bytes "
                    f"(starting at byte offset {pending_start}); refusing the file",
                )
            pending = data
            continue
        complete = data[: last_newline + 1]
        text = check_text(complete, field=field, offset=pending_start)
        start = 0
        byte_at = pending_start
        while start < len(text):
            end = text.find("\n", start) + 1
            line = text[start:end]
            size = len(line.encode("utf-8")) if not line.isascii() else len(line)
            if size > max_line_bytes:
                raise _refuse(
                    field,
                    f"line {line_number} is longer than {max_line_bytes} bytes "
                    f"(starting at byte offset {byte_at}); refusing the file",
                )
            yield line
            line_number += 1
            byte_at += size
            start = end
        pending = data[last_newline + 1 :]
        pending_start += len(complete)
        if len(pending) > max_line_bytes:
            raise _refuse(
                field,
                f"line {line_number} is longer than {max_line_bytes} bytes "
                f"(starting at byte offset {pending_start}); refusing the file",
            )
    if pending:
        yield check_text(pending, field=field, offset=pending_start)
