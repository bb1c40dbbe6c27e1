"""The one-screen summary of a clinician's page about a person (issue 14 item 3).

This week's sleep from the diary (the last 7 mornings up to today: the number of valid
nights and the plain means of total sleep time, sleep efficiency, sleep-onset latency
and wake after sleep onset; docs/definitions.md section 1, "averages are plain means
over the valid nights in the span"), and every questionnaire total over time with its
band: PHQ-9 and GAD-7 from the check-in, the ISI and the clinician-rated COWS
(services.recovery.questionnaires; definitions.md section 3). The charts are drawn by
the web layer from these values (reports.charts). Nothing here suggests a dose.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.instruments import get_instrument
from nightbridge.services.recovery.questionnaires import LABELS, Rating

#: The questionnaires of the summary, in the order shown.
SCALES: tuple[str, ...] = ("isi", "phq9", "gad7", "cows")


@dataclass(frozen=True, slots=True)
class WeekSleep:
    """The diary's last 7 mornings up to ``end`` (minutes; SE in %)."""

    start: dt.date
    end: dt.date
    nights: int
    tst_min: float | None
    se_pct: float | None
    sol_min: float | None
    waso_min: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": self.nights,
            "tst_min": self.tst_min,
            "se_pct": self.se_pct,
            "sol_min": self.sol_min,
            "waso_min": self.waso_min,
        }


def week_sleep(nights: Iterable[Any], end: dt.date) -> WeekSleep:
    """Plain means over the valid diary nights dated ``end``-6..``end``."""
    start = end - dt.timedelta(days=6)
    week = [n for n in nights if start <= n.date <= end]

    def mean(name: str) -> float | None:
        return statistics.fmean(getattr(n, name) for n in week) if week else None

    return WeekSleep(
        start, end, len(week), mean("tst_min"), mean("se_pct"), mean("sol_min"), mean("waso_min")
    )


@dataclass(frozen=True, slots=True)
class LatestScore:
    """The newest total of one questionnaire, with its band and who gave it."""

    key: str
    label: str
    date: dt.date
    total: int
    maximum: int
    band: str
    rated_by: str = "person"
    rater: str = ""

    @property
    def band_words(self) -> str:
        return self.band.replace("_", " ")


def scale_points(
    checkins: Sequence[Any], ratings: Sequence[Rating]
) -> dict[str, list[tuple[dt.date, int]]]:
    """``(date, total)`` of each questionnaire, oldest first (several COWS ratings on
    one day are all kept)."""
    points: dict[str, list[tuple[dt.date, int]]] = {key: [] for key in SCALES}
    for c in checkins:
        if c.phq9 is not None:
            points["phq9"].append((c.date, sum(c.phq9)))
        if c.gad7 is not None:
            points["gad7"].append((c.date, sum(c.gad7)))
    for r in ratings:
        if r.instrument in points:
            points[r.instrument].append((r.date, r.total))
    return {key: sorted(values, key=lambda p: p[0]) for key, values in points.items()}


def latest_scores(checkins: Sequence[Any], ratings: Sequence[Rating]) -> list[LatestScore]:
    """The newest total of each questionnaire that has one, in ``SCALES`` order."""
    newest: dict[str, LatestScore] = {}
    for key, values in scale_points(checkins, ratings).items():
        if not values:
            continue
        day, total = values[-1]
        instrument = get_instrument(key)
        newest[key] = LatestScore(
            key, LABELS[key], day, total, instrument.max_total, instrument.band_for(total)
        )
    for r in ratings:  # who rated the newest ISI and COWS
        shown = newest.get(r.instrument)
        if shown is not None and shown.date == r.date and shown.total == r.total:
            newest[r.instrument] = LatestScore(
                shown.key,
                shown.label,
                shown.date,
                shown.total,
                shown.maximum,
                shown.band,
                r.rated_by,
                r.rater,
            )
    return [newest[key] for key in SCALES if key in newest]


def band_edges(key: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The first band's name and the lower end of each later band of ``key``."""
    bands = get_instrument(key).bands
    return bands[0].name, tuple((b.low, b.name) for b in bands[1:])
