"""Crisis resources per region (definitions.md section 6).

The lines themselves live in ``content/crisis_resources.json``, each with the date it
was checked and its source; a deployment may add its own lines from an extra file of the
same shape (merged after the shipped ones). Services load both and pass them here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.alerts import Alert, Resource
from nightbridge.core.errors import InvalidInput

#: A line's role decides where it is listed: emergency numbers first for emergencies,
#: crisis lines first for crises.
ROLES: tuple[str, ...] = ("emergency", "crisis", "support")
DEFAULT_REGION = "US"


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

        ``emergency`` -> emergency numbers first; ``crisis`` -> crisis lines first, then
        emergency numbers; ``urgent``/``advise`` -> emergency numbers, crisis lines, support.
        """
        order = {
            "emergency": ("emergency", "crisis", "support"),
            "crisis": ("crisis", "emergency", "support"),
        }.get(level, ROLES)
        rank = {role: i for i, role in enumerate(order)}
        ranked = sorted(enumerate(self.lines), key=lambda p: (rank.get(p[1].role, 9), p[0]))
        return tuple(line.resource for _, line in ranked)


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
    return Line(
        role,
        Resource(
            name=str(raw["name"]),
            contact=str(raw["contact"]),
            kind=str(raw.get("kind", "call")),
            note=str(raw.get("note", "")),
            checked=str(raw["checked"]),
            source=str(raw["source"]),
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


def resources_for(region: str, table: Mapping[str, RegionResources]) -> RegionResources:
    """The region's lines; the default region (US) when the region has none."""
    found = table.get(region.upper())
    if found is None:
        found = table.get(DEFAULT_REGION, RegionResources(DEFAULT_REGION, ()))
    return found
