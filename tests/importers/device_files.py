"""A tiny in-memory ExportFiles for reader tests (name -> bytes)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import BinaryIO


class MemoryFiles:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def names(self) -> list[str]:
        return list(self.files)

    def size(self, name: str) -> int:
        return len(self.files[name])

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        yield io.BytesIO(self.files[name])

    def head(self, name: str, size: int = 4096) -> bytes:
        return self.files[name][:size]
