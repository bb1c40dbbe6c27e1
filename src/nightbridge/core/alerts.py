"""Safety alerts: the value every layer shows (definitions.md section 4).

Levels, most urgent first: ``emergency`` (call the local emergency number now),
``crisis`` (contact a crisis line now), ``urgent`` (contact a clinician today),
``advise`` (raise it at the next contact). The rules that raise alerts live in
``core.safety``; this module is only the value and its ordering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LEVELS: tuple[str, ...] = ("emergency", "crisis", "urgent", "advise")
_RANK = {level: i for i, level in enumerate(LEVELS)}


def level_rank(level: str) -> int:
    """0 for the most urgent level; larger is less urgent."""
    return _RANK[level]


@dataclass(frozen=True, slots=True)
class Resource:
    """A place to get help in the person's region (content/crisis_resources.json)."""

    name: str
    contact: str  # what to dial or text, e.g. "911", "988"
    kind: str = "call"  # "call" | "text" | "call_or_text" | "web"
    note: str = ""
    checked: str = ""  # ISO date the line was last checked against its source
    source: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "contact": self.contact,
            "kind": self.kind,
            "note": self.note,
            "checked": self.checked,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: level, stable code, plain message, the date it is for, and why."""

    level: str
    code: str
    message: str
    date: dt.date
    actions: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        if self.level not in _RANK:
            raise ValueError(f"unknown alert level {self.level!r}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of docs/cli.md (``alerts --json``)."""
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "date": self.date.isoformat(),
            "actions": list(self.actions),
            "resources": [r.to_dict() for r in self.resources],
            "evidence": dict(self.evidence),
            "source": self.source,
        }


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Most urgent first; then newest date first; then by code for a stable order."""
    return sorted(alerts, key=lambda a: (level_rank(a.level), -a.date.toordinal(), a.code))
