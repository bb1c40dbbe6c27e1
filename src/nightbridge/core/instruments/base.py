"""What every questionnaire shares: items with their allowed scores, bands, scoring.

An instrument is a value (``Instrument``); scoring checks every answer against the
allowed scores of its item and refuses anything else with ``InvalidInput`` naming
``item N`` (1-based, as printed on the form). The numbers come from
docs/definitions.md section 3; the wording shown to people lives in
``content/instruments/<name>.json`` (loaded by services, never here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nightbridge.core.alerts import Alert, Resource
from nightbridge.core.errors import InvalidInput, Problem


@dataclass(frozen=True, slots=True)
class Item:
    """One item: a stable key and the scores a rater may give it."""

    key: str
    allowed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Band:
    """A named range of totals, both ends included."""

    name: str
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Score:
    """A scored questionnaire: the total, its band, the item answers, and any alerts."""

    instrument: str
    total: int
    band: str
    items: tuple[int, ...]
    alerts: tuple[Alert, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of docs/cli.md (``score --json``), plus the item answers."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "items": list(self.items),
            "alerts": [a.to_dict() for a in self.alerts],
        }


#: A rule that looks at a scored questionnaire and may raise alerts for a date.
AlertRule = Callable[
    ["Instrument", tuple[int, ...], int, dt.date, tuple[Resource, ...]], list[Alert]
]


def _no_alerts(
    instrument: Instrument,
    items: tuple[int, ...],
    total: int,
    on: dt.date,
    resources: tuple[Resource, ...],
) -> list[Alert]:
    return []


@dataclass(frozen=True, slots=True)
class Instrument:
    """A questionnaire: its items, bands and the alerts its answers raise.

    ``total_only`` instruments (ISI) take one number, the total of the licensed form,
    because the form itself may not be shipped.
    """

    name: str
    title: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    validated: bool = True
    total_only: bool = False
    source: str = ""
    alert_rule: AlertRule = field(default=_no_alerts)

    @property
    def max_total(self) -> int:
        return self.bands[-1].high

    def band_for(self, total: int) -> str:
        """The band whose range holds ``total`` (definitions.md section 3)."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.name
        raise InvalidInput.one("total", f"{total} is outside 0..{self.max_total}")

    def score(
        self,
        answers: Sequence[int],
        *,
        on: dt.date | None = None,
        resources: Sequence[Resource] = (),
    ) -> Score:
        """Check every answer, sum them, band the total and raise the instrument's alerts.

        Raises InvalidInput naming ``answers`` for a wrong item count and ``item N`` for a
        value that item does not allow (every bad item is listed).
        """
        values = tuple(answers)
        if len(values) != len(self.items):
            expected = "one total" if self.total_only else f"{len(self.items)} item scores"
            raise InvalidInput.one("answers", f"{self.name} needs {expected}, got {len(values)}")
        problems = []
        for number, (item, value) in enumerate(zip(self.items, values, strict=True), start=1):
            if isinstance(value, bool) or not isinstance(value, int) or value not in item.allowed:
                allowed = ", ".join(str(v) for v in _compact(item.allowed))
                field_name = "total" if self.total_only else f"item {number}"
                problems.append(
                    Problem(field_name, f"{value!r} is not allowed for {item.key} ({allowed})")
                )
        if problems:
            raise InvalidInput(problems)
        total = sum(values)
        day = on if on is not None else dt.date.today()
        alerts = self.alert_rule(self, values, total, day, tuple(resources))
        return Score(self.name, total, self.band_for(total), values, tuple(alerts))


def _compact(allowed: tuple[int, ...]) -> list[str]:
    """``0..3`` for a run of consecutive scores, else the scores themselves."""
    if len(allowed) > 2 and list(allowed) == list(range(allowed[0], allowed[-1] + 1)):
        return [f"{allowed[0]}..{allowed[-1]}"]
    return [str(v) for v in allowed]


def same_scale(keys: Sequence[str], low: int, high: int) -> tuple[Item, ...]:
    """Items that all allow every whole score from ``low`` to ``high``."""
    return tuple(Item(key, tuple(range(low, high + 1))) for key in keys)
