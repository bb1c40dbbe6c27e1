"""Reading device-export zips without trusting them.

Every entry is checked BEFORE any member is read, and members are streamed, never
extracted to disk. What is refused (always ``InvalidInput`` on field ``file``, with the
entry name and the reason):

- more than ``ArchiveLimits.max_entries`` entries (default 100 000), or a central
  directory larger than ``max_directory_bytes`` (checked from the end-of-central-directory
  record before :mod:`zipfile` loads the directory into memory);
- a total declared uncompressed size above ``max_total_bytes`` (default 20 GiB; a
  deployment can pass its own limits);
- an entry whose compression ratio exceeds ``max_ratio`` (default 200:1; exports of
  XML/CSV/JSON inflate ~10-30:1, zip bombs 1000:1), for entries above ``ratio_floor_bytes``
  (a small entry cannot be a bomb);
- absolute paths (``/x``, ``\\x``, ``C:x``), ``..`` components, symbolic-link entries
  (Unix mode ``S_IFLNK`` in ``external_attr``), encrypted entries, unknown compression.

While a member is read, :class:`GuardedStream` counts the bytes actually inflated and
stops when they exceed the size the directory declared (headers can lie).

Public API (used by every importer)::

    open_archive(source, *, limits=DEFAULT_LIMITS) -> zipfile.ZipFile      # checked
    check_archive(archive, *, limits=DEFAULT_LIMITS) -> None
    iter_members(archive) -> Iterator[zipfile.ZipInfo]                      # files only
    find_member(archive, predicate, *, peek_bytes=4096) -> zipfile.ZipInfo | None
        # predicate(info: ZipInfo, head: bytes) -> bool; head = first peek_bytes inflated
    find_members(archive, predicate, *, peek_bytes=4096) -> list[zipfile.ZipInfo]
    open_stream(archive, info, *, limits=DEFAULT_LIMITS) -> GuardedStream
    open_member(source, *, name=None, predicate=None, limits=DEFAULT_LIMITS)
        -> ContextManager[GuardedStream]   # opens, checks, finds, streams, closes
    is_zip(source) -> bool

Sources: the OWASP File Upload Cheat Sheet (archive checks: entry count, uncompressed
size, ratio, path traversal) and OWASP ASVS 5.0 V5.2 (file handling); the "Zip Slip"
disclosure (Snyk, 2018); D. Fifield, "A better zip bomb", WOOT 2019 (overlapping entries,
ratios far above 1000:1, lying headers).
"""

from __future__ import annotations

import contextlib
import io
import lzma
import os
import stat
import struct
import types
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nightbridge.core.errors import InvalidInput

FIELD = "file"
MiB = 1024 * 1024
GiB = 1024 * MiB

#: Compression methods Python's zipfile inflates (Deflate64, method 9, is not one).
_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What an archive may declare before a single member byte is read."""

    max_entries: int = 100_000
    max_total_bytes: int = 20 * GiB
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 * MiB
    max_directory_bytes: int = 64 * MiB


DEFAULT_LIMITS = ArchiveLimits()

Source = str | os.PathLike[str] | BinaryIO


def refuse(reason: str) -> InvalidInput:
    """The one error every check here raises: field ``file`` and a reason for people."""
    return InvalidInput.one(FIELD, reason)


class ReadStream(io.RawIOBase):
    """A read-only raw stream whose subclasses define only ``read(size)``; ``readinto``
    (what buffered readers and ``io.TextIOWrapper`` call) copies what ``read`` returns."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)


class GuardedStream(ReadStream):
    """A read-only file object over a zip member that counts the bytes it inflates.

    ``limit`` is the size the central directory declared; producing one byte more means
    the headers lied, and reading stops with ``InvalidInput``. ``bytes_read`` is the
    count so far (for progress bars).
    """

    def __init__(self, raw: BinaryIO, *, limit: int, name: str) -> None:
        super().__init__()
        self._raw = raw
        self.limit = limit
        self.name = name
        self.bytes_read = 0

    def _count(self, size: int) -> None:
        self.bytes_read += size
        if self.bytes_read > self.limit:
            raise refuse(
                f"zip entry {self.name!r} inflates to more than the {self.limit} bytes its "
                "header declares; refusing a tampered archive"
            )

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            # Read to the end, one guarded piece at a time.
            return b"".join(iter(lambda: self.read(8 * MiB), b""))
        data = self._read_raw(size)
        self._count(len(data))
        return data

    def _read_raw(self, size: int) -> bytes:
        try:
            return self._raw.read(size)
        except zipfile.BadZipFile as exc:
            raise refuse(f"zip entry {self.name!r} is damaged: {exc}") from exc
        except (zlib.error, lzma.LZMAError) as exc:
            raise refuse(f"zip entry {self.name!r} does not inflate: {exc}") from exc
        except (EOFError, OSError) as exc:
            raise refuse(f"zip entry {self.name!r} could not be read: {exc}") from exc

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def is_zip(source: Source) -> bool:
    """True when ``source`` (a path or a seekable binary file) is a zip archive."""
    try:
        if isinstance(source, str | os.PathLike):
            return zipfile.is_zipfile(os.fspath(source))
        position = source.tell()
        try:
            return zipfile.is_zipfile(source)
        finally:
            source.seek(position)
    except OSError:
        return False


def _read_directory_extent(fileobj: BinaryIO) -> tuple[int, int]:
    """(entry count, central directory bytes) from the end record, zip64 aware."""
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    tail_len = min(size, _EOCD.size + 0xFFFF)
    fileobj.seek(size - tail_len)
    tail = fileobj.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise refuse("is not a zip archive (no end-of-central-directory record)")
    fields = _EOCD.unpack_from(tail, at)
    entries, directory_bytes = fields[4], fields[5]
    if (entries == 0xFFFF or directory_bytes == 0xFFFFFFFF) and at >= _EOCD64_LOCATOR.size:
        locator = _EOCD64_LOCATOR.unpack_from(tail, at - _EOCD64_LOCATOR.size)
        if locator[0] == b"PK\x06\x07":
            fileobj.seek(locator[2])
            record = fileobj.read(_EOCD64.size)
            if len(record) == _EOCD64.size and record[:4] == b"PK\x06\x06":
                values = _EOCD64.unpack(record)
                entries, directory_bytes = values[6], values[7]
    return entries, directory_bytes


def _precheck(fileobj: BinaryIO, limits: ArchiveLimits) -> None:
    entries, directory_bytes = _read_directory_extent(fileobj)
    fileobj.seek(0)
    if entries > limits.max_entries:
        raise refuse(
            f"zip archive declares {entries} entries; at most {limits.max_entries} are accepted"
        )
    if directory_bytes > limits.max_directory_bytes:
        raise refuse(
            f"zip archive's directory is {directory_bytes} bytes; at most "
            f"{limits.max_directory_bytes} are accepted"
        )


def _path_problem(name: str) -> str | None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":"):
        return "has an absolute path"
    if ".." in parts:
        return "has a '..' path component (path traversal)"
    if "\x00" in name:
        return "has a NUL byte in its name"
    return None


def check_archive(archive: zipfile.ZipFile, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Refuse the archive unless every entry passes the checks in the module docstring."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise refuse(
            f"zip archive has {len(infos)} entries; at most {limits.max_entries} are accepted"
        )
    total = 0
    for info in infos:
        name = info.filename
        problem = _path_problem(name)
        if problem:
            raise refuse(f"zip entry {name!r} {problem}; refusing the archive")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise refuse(f"zip entry {name!r} is a symbolic link; refusing the archive")
        if info.flag_bits & 0x1:
            raise refuse(f"zip entry {name!r} is encrypted; export it again without a password")
        if info.compress_type not in _METHODS:
            raise refuse(
                f"zip entry {name!r} uses compression method {info.compress_type}, which "
                "Nightbridge cannot read; re-create the zip with ordinary (deflate) compression"
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise refuse(
                f"zip archive declares more than {limits.max_total_bytes} bytes uncompressed "
                f"(the limit); refusing it"
            )
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise refuse(
                    f"zip entry {name!r} inflates {ratio:.0f}:1 ({info.compress_size} -> "
                    f"{info.file_size} bytes); more than {limits.max_ratio:.0f}:1 is refused "
                    "as a zip bomb"
                )


def open_archive(source: Source, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open and check a zip (a path, or a seekable binary file); the caller closes it."""
    try:
        if isinstance(source, str | os.PathLike):
            with Path(source).open("rb") as fileobj:
                _precheck(fileobj, limits)
            archive = zipfile.ZipFile(os.fspath(source))
        else:
            _precheck(source, limits)
            archive = zipfile.ZipFile(source)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse(f"is not a readable zip archive: {exc}") from exc
    try:
        check_archive(archive, limits=limits)
    except InvalidInput:
        archive.close()
        raise
    return archive


def iter_members(archive: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    """The file entries (not directories) of a checked archive, in directory order."""
    for info in archive.infolist():
        if not info.is_dir():
            yield info


def open_stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limits: ArchiveLimits = DEFAULT_LIMITS
) -> GuardedStream:
    """A :class:`GuardedStream` over one member; never more than its declared size.

    Deflated members are inflated by :class:`InflateStream` (ISA-L when the ``isal``
    package is installed, else zlib), which also checks the CRC-32 and the exact size at
    the end; other methods go through :mod:`zipfile`.
    """
    limit = min(info.file_size, limits.max_total_bytes)
    if info.compress_type == zipfile.ZIP_DEFLATED and archive.fp is not None:
        raw: BinaryIO = InflateStream(archive, info)  # type: ignore[assignment]
    else:
        try:
            raw = archive.open(info)  # type: ignore[assignment]
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise refuse(f"zip entry {info.filename!r} cannot be opened: {exc}") from exc
    return GuardedStream(raw, limit=limit, name=info.filename)


_inflate_lib: types.ModuleType
try:  # ISA-L inflates deflate faster than zlib and computes CRC-32 ~3x faster.
    from isal import isal_zlib as _inflate_lib
except ImportError:  # pragma: no cover - isal is a declared dependency
    _inflate_lib = zlib

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_COMPRESSED_READ = 4 * MiB


class InflateStream(ReadStream):
    """A deflated zip member, inflated as it is read; size and CRC-32 checked at the end.

    Reads the archive's file object at its own offsets (seeking before every read), so it
    needs no shared state with :mod:`zipfile`. Output per ``read(n)`` is at most ``n``
    bytes (``max_length``), so memory stays bounded whatever the compression ratio.
    """

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        super().__init__()
        assert archive.fp is not None  # checked by the caller (not input validation)
        self._fp = archive.fp
        self._info = info
        self._fp.seek(info.header_offset)
        header = self._fp.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise refuse(f"zip entry {info.filename!r} has a damaged local header")
        fields = _LOCAL_HEADER.unpack(header)
        self._position = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
        self._left = info.compress_size
        self._inflater = _inflate_lib.decompressobj(-15)
        self._pending = b""
        self._crc = 0
        self._produced = 0
        self._done = False

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(8 * MiB), b""))
        parts: list[bytes] = []
        wanted = size
        while wanted > 0 and not self._done:
            if not self._pending and self._left > 0:
                self._pending = self._read_compressed()
            try:
                out = self._inflater.decompress(self._pending, wanted)
            except _inflate_lib.error as exc:
                raise refuse(f"zip entry {self._info.filename!r} does not inflate: {exc}") from exc
            self._pending = self._inflater.unconsumed_tail
            if out:
                self._crc = _inflate_lib.crc32(out, self._crc)
                self._produced += len(out)
                parts.append(out)
                wanted -= len(out)
            if self._inflater.eof or (not out and not self._pending and self._left <= 0):
                self._finish()
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _read_compressed(self) -> bytes:
        if self._left <= 0:
            return b""
        self._fp.seek(self._position)
        data = self._fp.read(min(_COMPRESSED_READ, self._left))
        if not data:
            raise refuse(f"zip entry {self._info.filename!r} is truncated")
        self._position += len(data)
        self._left -= len(data)
        return data

    def _finish(self) -> None:
        self._done = True
        name = self._info.filename
        if not self._inflater.eof:
            raise refuse(f"zip entry {name!r} is truncated (the deflate stream does not end)")
        if self._produced != self._info.file_size:
            raise refuse(
                f"zip entry {name!r} inflates to {self._produced} bytes, not the "
                f"{self._info.file_size} its header declares; refusing a damaged archive"
            )
        if self._crc != self._info.CRC:
            raise refuse(f"zip entry {name!r} is damaged (CRC-32 mismatch)")


def peek_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = 4096) -> bytes:
    """The first ``size`` inflated bytes of a member (fewer if it is shorter)."""
    with open_stream(archive, info) as stream:
        return stream.read(size)


def find_members(
    archive: zipfile.ZipFile,
    predicate: Callable[[zipfile.ZipInfo, bytes], bool],
    *,
    peek_bytes: int = 4096,
) -> list[zipfile.ZipInfo]:
    """Every file entry for which ``predicate(info, first_bytes)`` is true.

    The predicate sees up to ``peek_bytes`` inflated bytes, so a member can be found by
    its content (Apple's ``export.xml`` is localised; it is found by its
    ``<!DOCTYPE HealthData`` header). Entries are only peeked at, never read whole.
    """
    return [
        info
        for info in iter_members(archive)
        if predicate(info, peek_member(archive, info, peek_bytes) if peek_bytes else b"")
    ]


def find_member(
    archive: zipfile.ZipFile,
    predicate: Callable[[zipfile.ZipInfo, bytes], bool],
    *,
    peek_bytes: int = 4096,
) -> zipfile.ZipInfo | None:
    """The first file entry matching ``predicate(info, first_bytes)``, or None."""
    for info in iter_members(archive):
        head = peek_member(archive, info, peek_bytes) if peek_bytes else b""
        if predicate(info, head):
            return info
    return None


@contextlib.contextmanager
def open_member(
    source: Source,
    *,
    name: str | None = None,
    predicate: Callable[[zipfile.ZipInfo, bytes], bool] | None = None,
    peek_bytes: int = 4096,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> Iterator[GuardedStream]:
    """Open a zip, check it, and stream the one member named or matched.

    Give exactly one of ``name`` (exact entry name) or ``predicate`` (see
    :func:`find_member`). Refuses with ``InvalidInput`` (field ``file``) when the archive
    fails a check or no member matches.
    """
    if (name is None) == (predicate is None):
        raise TypeError("open_member needs exactly one of name= or predicate=")
    archive = open_archive(source, limits=limits)
    try:
        info: zipfile.ZipInfo | None
        if name is not None:
            try:
                info = archive.getinfo(name)
            except KeyError:
                info = None
            wanted = repr(name)
        else:
            assert predicate is not None  # narrowed above (not input validation)
            info = find_member(archive, predicate, peek_bytes=peek_bytes)
            wanted = "the expected file"
        if info is None or info.is_dir():
            raise refuse(f"zip archive does not contain {wanted}")
        with open_stream(archive, info, limits=limits) as stream:
            yield stream
    finally:
        archive.close()
