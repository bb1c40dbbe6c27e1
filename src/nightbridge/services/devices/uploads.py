"""Receiving an uploaded device export: streamed to disk, never held in memory.

A device export can be gigabytes (Apple Health's ``export.zip``), so the web app does
not let the framework parse the form: the route hands the raw request body, chunk by
chunk, to :func:`receive_upload`, which parses the ``multipart/form-data`` stream
(RFC 7578) with python-multipart's push parser and writes the file part through a
1 MiB buffer into a private temporary folder (mode 0700, file 0600) under the upload
folder. The text fields that come BEFORE the file (the CSRF token, the export kind)
are handed to ``before_file`` before the first byte of the file is stored, so a
forged form stores nothing.

Limits (docs/web-imports.md): the file may not be larger than the deployment's limit
(the ``max_upload_mb`` setting, ``NIGHTBRIDGE_MAX_UPLOAD_MB``, default 5120 MiB); past
it, reading stops, the partial file is deleted and :class:`UploadTooLarge` names the
limit. A request that announces a larger ``Content-Length`` is refused before reading.
Text fields are capped at 4 KiB, at most 16 of them, one file per form. Folders left
by an app that stopped mid-upload are swept after a day (:func:`sweep_uploads`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.settings import DEFAULT_MAX_UPLOAD_MB
from nightbridge.storage.database import Database

#: Bytes buffered before each write to disk.
CHUNK_BYTES = 1024 * 1024
#: Longest text field accepted in an upload form, and how many text fields.
MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
#: Upload folders older than this are leftovers of a stopped app (see sweep_uploads).
LEFTOVER_AFTER = dt.timedelta(hours=24)
#: Room for the form's boundaries, headers and text fields beyond the file itself.
FORM_OVERHEAD_BYTES = MAX_FIELDS * (MAX_FIELD_BYTES + 1024)


class UploadTooLarge(InvalidInput):
    """The upload is larger than the deployment allows (HTTP 413)."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        mib = limit_bytes / (1024 * 1024)
        shown = f"{mib:.0f}" if mib >= 1 else f"{mib:.2f}"
        super().__init__([Problem("file", f"is larger than the limit of {shown} MB")])


@dataclass
class ReceivedUpload:
    """An upload stored on disk: the form's text fields and the file (in its own
    temporary folder, removed by :meth:`discard`)."""

    fields: dict[str, str]
    path: Path
    file_name: str
    size: int

    def discard(self) -> None:
        """Delete the file and its temporary folder (safe to call twice)."""
        shutil.rmtree(self.path.parent, ignore_errors=True)


def upload_limit_bytes(setting_mb: float = DEFAULT_MAX_UPLOAD_MB) -> int:
    """The largest upload in bytes (the ``max_upload_mb`` setting, in MiB)."""
    if not setting_mb > 0:
        raise InvalidInput.one("max_upload_mb", "must be more than 0 MB")
    return int(setting_mb * 1024 * 1024)


def upload_folder(db: Database, setting: Path | None = None) -> Path:
    """Where uploads wait while they are imported (created, mode 0700): the
    ``upload_dir`` setting, else ``uploads/`` beside the SQLite store, else the user's
    cache folder (a PostgreSQL store has no folder of its own)."""
    if setting is not None:
        folder = Path(setting)
    elif db.is_sqlite and db.engine.url.database not in (None, "", ":memory:"):
        folder = Path(str(db.engine.url.database)).resolve().parent / "uploads"
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("nightbridge")) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep_uploads(folder: Path, *, older_than: dt.timedelta = LEFTOVER_AFTER) -> int:
    """Delete ``upload-*`` folders last changed more than ``older_than`` ago (left by an
    app that stopped during an upload or an import; a live one is never that old).
    Returns how many were deleted."""
    cutoff = time.time() - older_than.total_seconds()
    swept = 0
    for entry in folder.glob("upload-*"):
        try:
            if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                swept += 1
        except FileNotFoundError:  # another process swept it first
            continue
    return swept


def safe_file_name(raw: str) -> str:
    """The last component of a browser-sent file name, without control characters or
    leading dots (never a path: ``../../x`` becomes ``x``); ``upload`` if nothing is left."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "upload"


@dataclass
class _Part:
    name: str = ""
    file_name: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _FormReader:
    """python-multipart callbacks: text fields into memory (capped), the file to disk."""

    def __init__(
        self,
        folder: Path,
        limit: int,
        file_field: str,
        before_file: Callable[[dict[str, str]], None] | None,
    ) -> None:
        self.folder = folder
        self.limit = limit
        self.file_field = file_field
        self.before_file = before_file
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.out: BinaryIO | None = None
        self.path: Path | None = None
        self.file_name = ""
        self.size = 0
        self.files = 0

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": lambda d, s, e: self.header_name.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.header_value.extend(d[s:e]),
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self.part = _Part()
        self.headers = {}

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_name).lower()] = bytes(self.header_value)
        self.header_name.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_name = options.get(b"filename")
        if raw_name is None:
            if len(self.fields) >= MAX_FIELDS:
                raise InvalidInput.one("form", f"has more than {MAX_FIELDS} fields")
            return
        self.part.file_name = raw_name.decode("utf-8", "replace")
        if self.part.name != self.file_field:
            raise InvalidInput.one(self.part.name or "form", "is not a file field")
        self.files += 1
        if self.files > 1:
            raise InvalidInput.one("file", "send one export file at a time")
        if self.before_file is not None:
            self.before_file(dict(self.fields))
        self.file_name = safe_file_name(self.part.file_name)
        private = Path(tempfile.mkdtemp(prefix="upload-", dir=self.folder))
        self.path = private / self.file_name
        self.out = self.path.open("wb", buffering=CHUNK_BYTES)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.file_name is None:
            self.part.data.extend(data[start:end])
            if len(self.part.data) > MAX_FIELD_BYTES:
                raise InvalidInput.one(self.part.name, f"is longer than {MAX_FIELD_BYTES} bytes")
            return
        if self.out is None:  # the file part of a refused form
            return
        self.size += end - start
        if self.size > self.limit:
            raise UploadTooLarge(self.limit)
        self.out.write(data[start:end])

    def on_part_end(self) -> None:
        if self.part.file_name is None:
            self.fields[self.part.name] = self.part.data.decode("utf-8", "replace")
        elif self.out is not None:
            self.out.close()

    def discard(self) -> None:
        if self.out is not None:
            self.out.close()
        if self.path is not None:
            shutil.rmtree(self.path.parent, ignore_errors=True)


async def receive_upload(
    chunks: AsyncIterable[bytes],
    content_type: str,
    *,
    folder: Path,
    limit: int,
    content_length: int | None = None,
    file_field: str = "file",
    before_file: Callable[[dict[str, str]], None] | None = None,
) -> ReceivedUpload:
    """Parse a ``multipart/form-data`` body from ``chunks`` and store its one file.

    ``before_file(fields)`` sees the text fields sent before the file and may raise to
    refuse the form before any file byte is stored. Raises ``UploadTooLarge`` past
    ``limit`` bytes of file (or when ``content_length`` announces more than the limit
    and the form's overhead), ``InvalidInput`` for a body that is not such a form or has
    no file; in every case the partial file is deleted.
    """
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInput.one("file", "send the export with the upload form (multipart/form-data)")
    if content_length is not None and content_length > limit + FORM_OVERHEAD_BYTES:
        raise UploadTooLarge(limit)
    reader = _FormReader(folder, limit, file_field, before_file)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in chunks:
            if chunk:
                parser.write(chunk)
        parser.finalize()
        if reader.out is not None and not reader.out.closed:
            raise InvalidInput.one("file", "the upload was cut off; send it again")
        if reader.path is None:
            raise InvalidInput.one("file", "choose an export file to upload")
        if reader.size == 0:
            raise InvalidInput.one("file", "is empty")
    except BaseException as exc:
        reader.discard()
        if isinstance(exc, InvalidInput) or not isinstance(exc, Exception):
            raise
        if type(exc).__module__.startswith("python_multipart"):
            raise InvalidInput.one("file", "the upload form could not be read") from exc
        raise
    return ReceivedUpload(dict(reader.fields), reader.path, reader.file_name, reader.size)
