"""Device sleep samples: intervals with a state (definitions.md section 7).

Every importer yields these; ``core.device_nights`` turns them into nights. Times are
timezone-aware instants (Apple's ``YYYY-MM-DD HH:MM:SS +HHMM`` keeps its own offset;
Fitbit's local times take the profile's zone), so local dates and nap rules use the
offset each sample carries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

SleepState = Literal["in_bed", "asleep", "awake"]
SLEEP_STATES: tuple[str, ...] = ("in_bed", "asleep", "awake")
#: Stage names kept on ``asleep`` samples where the device gives them.
STAGES: tuple[str, ...] = ("light", "deep", "rem", "unspecified")


@dataclass(frozen=True, slots=True)
class SleepSample:
    """One interval of one source's record of a night."""

    source: str
    start: dt.datetime
    end: dt.datetime
    state: SleepState
    stage: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("sleep sample times must carry a UTC offset")
        if self.end < self.start:
            raise ValueError("sleep sample ends before it starts")
        if self.state not in SLEEP_STATES:
            raise ValueError(f"unknown sleep state {self.state!r}")

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60.0

    def key(self) -> str:
        """A content hash: the re-import key (exports carry no record ids)."""
        text = "|".join(
            (
                self.source,
                self.start.isoformat(),
                self.end.isoformat(),
                self.state,
                self.stage or "",
            )
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class DailyActivity:
    """Exercise minutes for one local date from one source (Apple ActivitySummary, Fitbit)."""

    source: str
    date: dt.date
    exercise_min: float


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something a reader left out of an import, and why (told to the person afterwards).

    A bad night, an unknown level or a row without times is skipped, never fatal to the
    rest of the file; ``file`` is the export's file as the person sees it, ``where`` the
    place in it (``log 2026-03-07``, ``row 12``), ``reason`` a sentence for people.
    """

    file: str
    reason: str
    where: str = ""
