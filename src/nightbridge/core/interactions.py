"""Interaction rules: which combinations of intake (or intake and a condition) are risky.

definitions.md section 5. The rules live in ``content/interactions.json`` (passed in by
services); each joins two groups of substance classes, or a class and a named drug, or a
class and a condition, and carries a severity, a one-line why and a source. Severities:
``urgent`` (a CNS-depressant combination: raises the ``depressant_combination`` alert of
definitions.md section 4), ``advise`` (raises an ``advise`` alert), ``caution`` (shown
with the intake; no alert, because section 4 does not list it).

Sources of the shipped rules: FDA Drug Safety Communications of 31 Aug 2016 (opioids
with benzodiazepines or other CNS depressants) and 19 Dec 2019 (gabapentinoids with
opioids and other CNS depressants); Tanna RS et al., Clin Pharmacol Ther
2023;113:1315-25 (kratom raised midazolam exposure, CYP3A); the Circadin (prolonged-
release melatonin) summary of product characteristics (fluvoxamine; hepatic impairment);
LiverTox, "Kratom" (NIDDK) for liver injury.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import CLASSES, IntakeEvent, normalise_name
from nightbridge.core.profile import CONDITIONS

SEVERITIES: tuple[str, ...] = ("urgent", "advise", "caution")


@dataclass(frozen=True, slots=True)
class InteractionRule:
    """One rule. ``first`` is a set of classes; the other side is ``second`` classes,
    ``drugs`` (substance names) or ``condition`` (a profile condition)."""

    id: str
    severity: str
    why: str
    source: str
    first: frozenset[str]
    second: frozenset[str] = frozenset()
    drugs: frozenset[str] = frozenset()
    condition: str | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    """A rule that matched: the substances (and condition) that met."""

    rule_id: str
    severity: str
    why: str
    source: str
    substances: tuple[str, ...]
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "severity": self.severity,
            "why": self.why,
            "source": self.source,
            "substances": list(self.substances),
            "condition": self.condition,
        }


def _classes(rule_id: str, raw: Any, key: str) -> frozenset[str]:
    values = [raw] if isinstance(raw, str) else list(raw or [])
    unknown = [v for v in values if v not in CLASSES]
    if unknown:
        raise InvalidInput.one(f"rules.{rule_id}.{key}", f"unknown class {unknown[0]!r}")
    return frozenset(values)


def parse_rules(data: Mapping[str, Any]) -> tuple[InteractionRule, ...]:
    """The rules of ``content/interactions.json``; InvalidInput on a malformed rule."""
    rules: list[InteractionRule] = []
    for raw in data.get("rules", []):
        rule_id = str(raw.get("id", "")).strip()
        if not rule_id:
            raise InvalidInput.one("rules", "a rule has no id")
        for key in ("why", "source"):
            if not str(raw.get(key, "")).strip():
                raise InvalidInput.one(f"rules.{rule_id}", f"missing {key!r}")
        severity = str(raw.get("severity", ""))
        if severity not in SEVERITIES:
            raise InvalidInput.one(f"rules.{rule_id}.severity", f"unknown severity {severity!r}")
        condition = raw.get("condition")
        if condition is not None and condition not in CONDITIONS:
            raise InvalidInput.one(f"rules.{rule_id}.condition", f"unknown condition {condition!r}")
        rule = InteractionRule(
            id=rule_id,
            severity=severity,
            why=str(raw["why"]),
            source=str(raw["source"]),
            first=_classes(rule_id, raw.get("first"), "first"),
            second=_classes(rule_id, raw.get("second"), "second"),
            drugs=frozenset(normalise_name(str(d)) for d in raw.get("drugs", [])),
            condition=condition,
        )
        sides = sum((bool(rule.second), bool(rule.drugs), rule.condition is not None))
        if not rule.first or sides != 1:
            raise InvalidInput.one(
                f"rules.{rule_id}",
                "needs 'first' and exactly one of 'second', 'drugs', 'condition'",
            )
        rules.append(rule)
    return tuple(rules)


def _match(
    rule: InteractionRule, events: Sequence[IntakeEvent], conditions: frozenset[str]
) -> Interaction | None:
    firsts = [e for e in events if e.substance_class in rule.first]
    if not firsts:
        return None
    if rule.condition is not None:
        if rule.condition not in conditions:
            return None
        names = sorted({e.substance for e in firsts})
        return Interaction(
            rule.id, rule.severity, rule.why, rule.source, tuple(names), rule.condition
        )
    if rule.drugs:
        seconds = [e for e in events if normalise_name(e.substance) in rule.drugs]
    else:
        seconds = [e for e in events if e.substance_class in rule.second]
    pairs = {
        tuple(sorted((a.substance, b.substance)))
        for a in firsts
        for b in seconds
        if normalise_name(a.substance) != normalise_name(b.substance)
    }
    if not pairs:
        return None
    names = sorted({name for pair in pairs for name in pair})
    return Interaction(rule.id, rule.severity, rule.why, rule.source, tuple(names))


def find_interactions(
    events: Iterable[IntakeEvent],
    conditions: Iterable[str],
    rules: Sequence[InteractionRule],
) -> list[Interaction]:
    """Every rule that the given intake (usually one day's) and conditions meet.

    Two events of one substance never interact with each other; ``another opioid``
    means a different opioid (or kratom with an opioid).
    """
    listed = list(events)
    held = frozenset(conditions)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    found = [m for rule in rules if (m := _match(rule, listed, held)) is not None]
    return sorted(found, key=lambda i: (order[i.severity], i.rule_id))
