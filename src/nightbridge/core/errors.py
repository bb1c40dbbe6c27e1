"""Errors meant for people, not tracebacks.

``InvalidInput`` carries one ``Problem`` per bad field (and row, for files), so every
layer above can say exactly what was refused and why: the CLI prints one line per
problem and exits 2, the web app shows the message next to the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class NightbridgeError(Exception):
    """Base class for errors whose message is written for the person who sees it."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused value: which field, why, and (for files) which row."""

    field: str
    reason: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}{self.field}: {self.reason}"


class InvalidInput(NightbridgeError, ValueError):
    """The input was refused; nothing was stored. Holds every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InvalidInput needs at least one problem")
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, field: str, reason: str, row: int | None = None) -> InvalidInput:
        return cls([Problem(field, reason, row)])

    def for_field(self, field: str) -> list[str]:
        """The reasons given for one field (for showing next to a form input)."""
        return [p.reason for p in self.problems if p.field == field]


class NotFound(NightbridgeError):
    """The object does not exist, or the requester may not know that it exists."""
