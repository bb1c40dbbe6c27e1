"""Per-night sleep metrics from the diary, and summaries over nights.

Definitions (docs/definitions.md section 1; diary items from Carney et al., "The
Consensus Sleep Diary", SLEEP 2012;35(2):287-302). All durations are in minutes, measured
between instants (so a night across a daylight-saving change is an hour shorter or
longer than the clock says) and rounded to whole minutes, half a minute up:

* ``tib_min`` time in bed = out_of_bed - bedtime
* ``tst_min`` total sleep time = (final_wake - lights_off) - sol_min - waso_min
* ``sol_min`` sleep onset latency, ``waso_min`` wake after sleep onset (not counting the
  time after the final awakening), ``nwak`` awakenings: as entered
* ``terminal_wake_min`` = out_of_bed - final_wake
* ``twt_min`` total wake time in bed = tib_min - tst_min (from the rounded minutes, so
  tib_min = tst_min + twt_min always holds)
* ``se_pct`` sleep efficiency = 100 * tst_min / tib_min, rounded to one decimal, half up
* ``quality`` 1..5 as entered.

Summaries: plain means over the valid nights of a span; the pooled sleep efficiency
used by the sleep window is 100 * sum(tst_min) / sum(tib_min) (definitions.md section 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from nightbridge.core.diary import DiaryEntry, check_night
from nightbridge.core.errors import InvalidInput

#: The keys of ``metrics --json`` and ``diary list --json`` (docs/cli.md), in order.
METRIC_KEYS: tuple[str, ...] = (
    "date",
    "tib_min",
    "tst_min",
    "sol_min",
    "waso_min",
    "nwak",
    "terminal_wake_min",
    "twt_min",
    "se_pct",
    "quality",
)


def round_half_up(value: float, places: int = 0) -> float:
    """``value`` rounded half away from zero (not Python's round-half-even)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def whole_minutes(seconds: float) -> int:
    """Seconds as whole minutes, half a minute rounded up (definitions.md section 1)."""
    return int(round_half_up(seconds / 60.0))


def efficiency_pct(tst_min: float, tib_min: float) -> float:
    """Sleep efficiency, % = 100 * tst / tib, rounded to one decimal (half up), for display.

    Rules compare the unrounded value (``exact_efficiency_pct``; definitions.md section 1).
    """
    return round_half_up(exact_efficiency_pct(tst_min, tib_min), 1)


def exact_efficiency_pct(tst_min: float, tib_min: float) -> float:
    """Sleep efficiency, % = 100 * tst / tib, unrounded: the value every rule compares
    (definitions.md section 1: 89.95 % is below 90 %)."""
    if tib_min <= 0:
        raise ValueError("time in bed must be positive")
    return 100.0 * tst_min / tib_min


@dataclass(frozen=True, slots=True)
class NightMetrics:
    """One night's diary metrics (minutes; ``se_pct`` in %); see the module docstring."""

    date: dt.date
    tib_min: int
    tst_min: int
    sol_min: int
    waso_min: int
    nwak: int
    terminal_wake_min: int
    twt_min: int
    se_pct: float
    quality: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of docs/cli.md (``metrics --json``), keys in contract order."""
        return {
            "date": self.date.isoformat(),
            "tib_min": self.tib_min,
            "tst_min": self.tst_min,
            "sol_min": self.sol_min,
            "waso_min": self.waso_min,
            "nwak": self.nwak,
            "terminal_wake_min": self.terminal_wake_min,
            "twt_min": self.twt_min,
            "se_pct": self.se_pct,
            "quality": self.quality,
        }


@lru_cache(maxsize=4096)
def stored_night(entry: DiaryEntry, tz: str) -> NightMetrics:
    """``compute_night``, remembered for the entries read again and again (each write's
    alert evaluation and summary re-read the last fortnight's diary). Entries and
    zones are values, and the metrics depend on nothing else."""
    return compute_night(entry, tz)


def compute_night(entry: DiaryEntry, tz: str) -> NightMetrics:
    """The metrics of one diary entry, its times placed in the IANA zone ``tz``.

    Raises ``InvalidInput`` when the entry's timing is invalid in that zone (the same
    checks as ``parse_entry``), so no metric can be negative or meaningless.
    """
    problems = check_night(entry, tz)
    if problems:
        raise InvalidInput(problems)
    night = entry.timeline(tz)
    tib = whole_minutes((night.out_of_bed - night.bedtime).total_seconds())
    asleep_span = (night.final_wake - night.lights_off).total_seconds()
    tst = whole_minutes(asleep_span - 60.0 * (entry.sol_min + entry.waso_min))
    terminal = whole_minutes((night.out_of_bed - night.final_wake).total_seconds())
    tib = max(tib, 1)  # a night of under 30 s in bed is still a night of some length
    return NightMetrics(
        date=entry.date,
        tib_min=tib,
        tst_min=tst,
        sol_min=entry.sol_min,
        waso_min=entry.waso_min,
        nwak=entry.nwak,
        terminal_wake_min=terminal,
        twt_min=tib - tst,
        se_pct=efficiency_pct(tst, tib),
        quality=entry.quality,
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """Plain means over the valid nights of a span (None when there are no nights).

    ``pooled_se_pct`` is 100 * sum(tst_min) / sum(tib_min), one decimal.
    """

    nights: int
    first: dt.date | None
    last: dt.date | None
    mean_tib_min: float | None
    mean_tst_min: float | None
    mean_sol_min: float | None
    mean_waso_min: float | None
    mean_nwak: float | None
    mean_terminal_wake_min: float | None
    mean_se_pct: float | None
    mean_quality: float | None
    pooled_se_pct: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "nights": self.nights,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "mean_tib_min": self.mean_tib_min,
            "mean_tst_min": self.mean_tst_min,
            "mean_sol_min": self.mean_sol_min,
            "mean_waso_min": self.mean_waso_min,
            "mean_nwak": self.mean_nwak,
            "mean_terminal_wake_min": self.mean_terminal_wake_min,
            "mean_se_pct": self.mean_se_pct,
            "mean_quality": self.mean_quality,
            "pooled_se_pct": self.pooled_se_pct,
        }


def _mean(values: Sequence[float]) -> float | None:
    return round_half_up(sum(values) / len(values), 1) if values else None


def pooled_se(nights: Iterable[NightMetrics]) -> float | None:
    """Pooled sleep efficiency, % = 100 * sum(tst_min) / sum(tib_min), one decimal.

    definitions.md section 1 (used weekly by the sleep window, section 2). None without
    nights.
    """
    items = list(nights)
    if not items:
        return None
    return efficiency_pct(sum(n.tst_min for n in items), sum(n.tib_min for n in items))


def exact_pooled_se(nights: Iterable[NightMetrics]) -> float | None:
    """Pooled sleep efficiency, %, unrounded: what the sleep window's thresholds compare
    (definitions.md sections 1 and 2). None without nights."""
    items = list(nights)
    if not items:
        return None
    return exact_efficiency_pct(sum(n.tst_min for n in items), sum(n.tib_min for n in items))


def summarize(nights: Iterable[NightMetrics]) -> Summary:
    """Plain means (one decimal) over ``nights`` and their pooled sleep efficiency."""
    items = sorted(nights, key=lambda n: n.date)
    return Summary(
        nights=len(items),
        first=items[0].date if items else None,
        last=items[-1].date if items else None,
        mean_tib_min=_mean([n.tib_min for n in items]),
        mean_tst_min=_mean([n.tst_min for n in items]),
        mean_sol_min=_mean([n.sol_min for n in items]),
        mean_waso_min=_mean([n.waso_min for n in items]),
        mean_nwak=_mean([n.nwak for n in items]),
        mean_terminal_wake_min=_mean([n.terminal_wake_min for n in items]),
        mean_se_pct=_mean([n.se_pct for n in items]),
        mean_quality=_mean([n.quality for n in items]),
        pooled_se_pct=pooled_se(items),
    )
