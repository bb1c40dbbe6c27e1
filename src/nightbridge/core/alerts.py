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
    """A place to get help in the person's region (content/crisis_resources.json).

    ``kind`` says how it is reached: ``call``, ``text``, ``call_or_text`` or ``web``.
    A line that takes texts may take them on another number (``sms``, e.g. Lifeline
    Australia's 0477 13 11 14) and may ask for a first word (``sms_body``, e.g. HOME to
    741741). ``languages`` pairs each language code the line answers in with how to
    reach it in that language ('' when the note already says it), e.g. 988's Spanish
    option: press 2, or text AYUDA.
    """

    name: str
    contact: str  # what to dial or text, e.g. "911", "988"
    kind: str = "call"  # "call" | "text" | "call_or_text" | "web"
    note: str = ""
    checked: str = ""  # ISO date the line was last checked against its source
    source: str = ""
    sms: str = ""  # the number that takes texts when it is not ``contact``
    sms_body: str = ""  # the first word a text should carry, if the line asks for one
    hours: str = ""  # when it answers, e.g. "24/7"
    languages: tuple[tuple[str, str], ...] = ()

    @property
    def reach(self) -> str:
        """How to reach it, in words: ``988 (call or text)``, ``text HOME to 741741``,
        ``13 11 14 (or text 0477 13 11 14)``, ``116 123``."""
        texted = (f"{self.sms_body} to " if self.sms_body else "") + (self.sms or self.contact)
        if self.kind == "text":
            return f"text {texted}"
        if self.kind == "call_or_text":
            same = texted == self.contact
            return (
                f"{self.contact} (call or text)" if same else f"{self.contact} (or text {texted})"
            )
        return self.contact

    @property
    def tel_href(self) -> str:
        """``tel:`` and the digits (a leading + kept) for a line you can call, else ''."""
        if self.kind not in ("call", "call_or_text"):
            return ""
        return _uri("tel", self.contact)

    @property
    def sms_href(self) -> str:
        """``sms:`` link (RFC 5724; ``?&body=`` so iOS and Android both fill the first
        word) for a line that takes texts, else ''."""
        if self.kind not in ("text", "call_or_text"):
            return ""
        href = _uri("sms", self.sms or self.contact)
        if href and self.sms_body:
            href += "?&body=" + self.sms_body  # letters and digits only (checked on load)
        return href

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "contact": self.contact,
            "kind": self.kind,
            "note": self.note,
            "checked": self.checked,
            "source": self.source,
            "sms": self.sms,
            "sms_body": self.sms_body,
            "hours": self.hours,
            "languages": dict(self.languages),
            "tel_href": self.tel_href,
            "sms_href": self.sms_href,
        }


def _uri(scheme: str, number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    if not digits:
        return ""
    return f"{scheme}:{'+' if number.strip().startswith('+') else ''}{digits}"


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
