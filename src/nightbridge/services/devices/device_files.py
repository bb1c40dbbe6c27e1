"""Opening a device export as :class:`nightbridge.importers.ExportFiles`.

A person gives ``nightbridge import`` the export zip, the folder it unpacks to, or one
file from inside it; readers see the same thing in every case: member paths and streams.

- A zip goes through ``importers.archive`` (entry count, sizes, ratio, path traversal,
  symlinks and encryption checked before any member is read; members streamed through a
  ``GuardedStream`` that stops at the declared size). Nothing is extracted to disk.
- A folder lists its regular files (symbolic links are not followed or listed).
- A single file is an export of one member.

Every stream counts the bytes read and reports them to ``on_bytes`` (progress bars).
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from nightbridge.core.errors import InvalidInput
from nightbridge.importers import archive

OnBytes = Callable[[int], None]


class _Counted(archive.ReadStream):
    """A read-only stream that reports how many bytes were read through it."""

    def __init__(self, raw: BinaryIO, on_bytes: OnBytes | None) -> None:
        super().__init__()
        self._raw = raw
        self._on_bytes = on_bytes
        self.name = getattr(raw, "name", "")

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        if data and self._on_bytes is not None:
            self._on_bytes(len(data))
        return data

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class ZipFiles:
    """The members of a checked zip archive."""

    def __init__(self, zipped: zipfile.ZipFile, on_bytes: OnBytes | None = None) -> None:
        self._zip = zipped
        self._infos = {info.filename: info for info in archive.iter_members(zipped)}
        self.on_bytes = on_bytes

    def names(self) -> list[str]:
        return list(self._infos)

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with archive.open_stream(self._zip, self._infos[name]) as raw:
            yield _Counted(raw, self.on_bytes)  # type: ignore[arg-type, misc]

    def head(self, name: str, size: int = 4096) -> bytes:
        return archive.peek_member(self._zip, self._infos[name], size)


class FolderFiles:
    """The regular files under a folder (an export unpacked by the person)."""

    def __init__(self, root: Path, on_bytes: OnBytes | None = None) -> None:
        self._root = root
        self._paths: dict[str, Path] = {}
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs.sort()
            for file_name in sorted(files):
                path = Path(folder) / file_name
                if path.is_file() and not path.is_symlink():
                    self._paths[path.relative_to(root).as_posix()] = path
        self.on_bytes = on_bytes

    def names(self) -> list[str]:
        return list(self._paths)

    def size(self, name: str) -> int:
        return self._paths[name].stat().st_size

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self._paths[name].open("rb") as raw:
            yield _Counted(raw, self.on_bytes)  # type: ignore[misc]

    def head(self, name: str, size: int = 4096) -> bytes:
        with self._paths[name].open("rb") as raw:
            return raw.read(size)


class SingleFile:
    """One file (a path, or an open binary stream) as an export of one member."""

    def __init__(
        self, name: str, opener: Callable[[], BinaryIO], size: int, on_bytes: OnBytes | None
    ) -> None:
        self._name = name
        self._opener = opener
        self._size = size
        self.on_bytes = on_bytes

    def names(self) -> list[str]:
        return [self._name]

    def size(self, name: str) -> int:
        return self._size

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        raw = self._opener()
        try:
            yield _Counted(raw, self.on_bytes)  # type: ignore[misc]
        finally:
            raw.close()

    def head(self, name: str, size: int = 4096) -> bytes:
        raw = self._opener()
        try:
            return raw.read(size)
        finally:
            raw.close()


ExportSource = Path | str | BinaryIO
AnyFiles = ZipFiles | FolderFiles | SingleFile


@contextlib.contextmanager
def open_export(source: ExportSource, on_bytes: OnBytes | None = None) -> Iterator[AnyFiles]:
    """The export at ``source`` (zip, folder or single file; a path or a binary stream)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            yield FolderFiles(path, on_bytes)
            return
        if not path.is_file():
            raise InvalidInput.one("path", f"{str(path)!r} is not a file or folder")
        if archive.is_zip(path):
            with archive.open_archive(path) as zipped:
                yield ZipFiles(zipped, on_bytes)
            return
        yield SingleFile(path.name, lambda: path.open("rb"), path.stat().st_size, on_bytes)
        return
    stream = source
    if archive.is_zip(stream):
        with archive.open_archive(stream) as zipped:
            yield ZipFiles(zipped, on_bytes)
        return
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    name = Path(str(getattr(stream, "name", "upload"))).name

    def reopen() -> BinaryIO:
        stream.seek(0)
        return _Unclosable(stream)  # type: ignore[return-value]

    yield SingleFile(name, reopen, size, on_bytes)


class _Unclosable(archive.ReadStream):
    """The caller's stream, read from the start, left open when the reader closes it."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw

    def read(self, size: int | None = -1) -> bytes:
        return self._raw.read(-1 if size is None else size)
