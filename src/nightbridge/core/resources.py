"""Crisis resources per region (definitions.md section 6).

The lines themselves live in ``content/crisis_resources.json``, each with the date it
was checked and its source; a deployment may add its own lines from an extra file of the
same shape (merged after the shipped ones). Services load both and pass them here.

The same file lists the regions a person may choose (``offered``, with their names), so
the list shown on any form and the lines behind it can never drift apart. Every region
offered has an emergency number and a crisis line, not only an emergency number. A
region is never assumed: a code with no lines (no region chosen yet, or one a deployment
removed) gets the international lines (``INTL``: a directory of helplines by country
and "your local emergency number"), never another country's numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.alerts import Alert, Resource
from nightbridge.core.errors import InvalidInput

#: A line's role decides where it is listed: emergency numbers first for emergencies,
#: crisis lines first for crises, poison centres next to the emergency number for the
#: combination and overdose alerts.
ROLES: tuple[str, ...] = ("emergency", "crisis", "poison", "support")
KINDS: tuple[str, ...] = ("call", "text", "call_or_text", "web")
#: The lines for a person whose region is not known: never another country's number.
FALLBACK_REGION = "INTL"
_ORDER: dict[str, tuple[str, ...]] = {
    "emergency": ("emergency", "poison", "crisis", "support"),
    "urgent": ("emergency", "poison", "crisis", "support"),
    "crisis": ("crisis", "emergency", "support", "poison"),
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_KEYWORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class Line:
    """One resource with its role in a region."""

    role: str
    resource: Resource


@dataclass(frozen=True, slots=True)
class RegionResources:
    """The lines of one region, in the order they were listed."""

    region: str
    lines: tuple[Line, ...]

    def all(self) -> tuple[Resource, ...]:
        return tuple(line.resource for line in self.lines)

    def for_level(self, level: str) -> tuple[Resource, ...]:
        """Every line of the region, the most fitting ones first for this alert level.

        ``emergency`` and ``urgent`` -> emergency numbers, poison centres, crisis lines,
        support; ``crisis`` -> crisis lines first, then emergency numbers; ``advise`` ->
        in the order of ``ROLES``.
        """
        order = _ORDER.get(level, ROLES)
        rank = {role: i for i, role in enumerate(order)}
        ranked = sorted(enumerate(self.lines), key=lambda p: (rank.get(p[1].role, 9), p[0]))
        return tuple(line.resource for _, line in ranked)

    def crisis_lines(self) -> tuple[Resource, ...]:
        """The lines to show at once for thoughts of ending one's life: crisis lines, then
        the emergency number."""
        return tuple(
            line.resource
            for role in ("crisis", "emergency")
            for line in self.lines
            if line.role == role
        )


@dataclass(frozen=True, slots=True)
class Region:
    """A region a person may choose: its code (as stored) and its name (as shown)."""

    code: str
    name: str


def with_resources(alert: Alert, resources: RegionResources) -> Alert:
    """``alert`` with the region's lines for its level (``RegionResources.for_level``)."""
    return Alert(
        alert.level,
        alert.code,
        alert.message,
        alert.date,
        alert.actions,
        resources.for_level(alert.level),
        alert.evidence,
        alert.source,
    )


def _parse_line(region: str, index: int, raw: Mapping[str, Any]) -> Line:
    where = f"regions.{region}[{index}]"
    for key in ("name", "contact", "role", "checked", "source"):
        if not str(raw.get(key, "")).strip():
            raise InvalidInput.one(where, f"missing {key!r}")
    role = str(raw["role"])
    if role not in ROLES:
        raise InvalidInput.one(where, f"role must be one of {', '.join(ROLES)}")
    kind = str(raw.get("kind", "call"))
    if kind not in KINDS:
        raise InvalidInput.one(where, f"kind must be one of {', '.join(KINDS)}")
    if not _DATE.fullmatch(str(raw["checked"])):
        raise InvalidInput.one(where, "'checked' must be a date (YYYY-MM-DD)")
    sms_body = str(raw.get("sms_body", ""))
    if sms_body and not _KEYWORD.fullmatch(sms_body):
        raise InvalidInput.one(where, "'sms_body' must be one word of letters and digits")
    languages = raw.get("languages", {})
    if not isinstance(languages, Mapping) or not all(
        _LANGUAGE.fullmatch(str(code)) for code in languages
    ):
        raise InvalidInput.one(where, "'languages' must map two-letter codes to how to reach it")
    return Line(
        role,
        Resource(
            name=str(raw["name"]),
            contact=str(raw["contact"]),
            kind=kind,
            note=str(raw.get("note", "")),
            checked=str(raw["checked"]),
            source=str(raw["source"]),
            sms=str(raw.get("sms", "")),
            sms_body=sms_body,
            hours=str(raw.get("hours", "")),
            languages=tuple((str(k), str(v)) for k, v in languages.items()),
        ),
    )


def parse_resources(
    data: Mapping[str, Any], extras: Sequence[Mapping[str, Any]] = ()
) -> dict[str, RegionResources]:
    """Every region's lines from the shipped data, then each extra file's lines added.

    Every line needs a name, contact, role, the date it was checked and its source.
    """
    lines: dict[str, list[Line]] = {}
    for document in (data, *extras):
        for region, raw_lines in dict(document.get("regions", {})).items():
            bucket = lines.setdefault(str(region).upper(), [])
            for index, raw in enumerate(raw_lines):
                line = _parse_line(region, index, raw)
                if all(existing.resource.contact != line.resource.contact for existing in bucket):
                    bucket.append(line)
    return {region: RegionResources(region, tuple(found)) for region, found in lines.items()}


def parse_regions(
    data: Mapping[str, Any], table: Mapping[str, RegionResources]
) -> tuple[Region, ...]:
    """The regions offered to people (``offered`` in the data), in order.

    Refused (InvalidInput): a region offered without an emergency number and a crisis
    line, a region listed twice, or one without a name.
    """
    regions: list[Region] = []
    for index, raw in enumerate(data.get("offered", [])):
        code = str(raw.get("code", "")).upper()
        name = str(raw.get("name", "")).strip()
        where = f"offered[{index}]"
        if not code or not name:
            raise InvalidInput.one(where, "needs a code and a name")
        if any(r.code == code for r in regions):
            raise InvalidInput.one(where, f"{code} is listed twice")
        roles = {line.role for line in table.get(code, RegionResources(code, ())).lines}
        missing = [role for role in ("emergency", "crisis") if role not in roles]
        if missing:
            raise InvalidInput.one(where, f"{code} has no {' and no '.join(missing)} line")
        regions.append(Region(code, name))
    if not regions:
        raise InvalidInput.one("offered", "no region is offered")
    return tuple(regions)


def resources_for(region: str | None, table: Mapping[str, RegionResources]) -> RegionResources:
    """The region's lines; the international lines (``INTL``) when it has none."""
    found = table.get((region or "").upper())
    if found is None or not found.lines:
        found = table.get(FALLBACK_REGION, RegionResources(FALLBACK_REGION, ()))
    return found
