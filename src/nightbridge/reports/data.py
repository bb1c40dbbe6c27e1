"""What a report shows: one ``ReportData`` value of plain core objects.

``services.handover.reports.gather_report`` fills it from the store; ``reports.pdf`` and
``reports.html`` render it. Nothing here touches a database or a file, so a report can be
rendered from any data (tests build one by hand).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from nightbridge.core.alerts import Alert
from nightbridge.core.metrics import NightMetrics, Summary, summarize
from nightbridge.core.nof1 import Finding
from nightbridge.core.regularity import Regularity

AUDIENCES: tuple[str, ...] = ("person", "clinician")


@dataclass(frozen=True, slots=True)
class DiaryNight:
    """A diary night: its metrics (definitions.md section 1) and, where placed, its events.

    ``bedtime``, ``lights_off``, ``final_wake``, ``out_of_bed`` are aware instants (the
    diary's clock times placed in the person's zone), used by the classic diary chart.
    """

    metrics: NightMetrics
    bedtime: dt.datetime | None = None
    lights_off: dt.datetime | None = None
    final_wake: dt.datetime | None = None
    out_of_bed: dt.datetime | None = None

    @property
    def date(self) -> dt.date:
        return self.metrics.date


@dataclass(frozen=True, slots=True)
class DeviceNightRow:
    """A device night (definitions.md section 7): one source's main sleep for one date."""

    date: dt.date
    source: str
    chosen: bool
    tst_min: int
    tib_min: int
    sol_min: int
    waso_min: int
    se_pct: float
    stages: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WindowView:
    """The sleep window (definitions.md section 2), as the window service gave it:
    this week's answer (``action``, ``window_min``, ``bedtime``), the window in force
    (``in_force_min``, from the stored plan; None while early withdrawal defers it,
    ``paused``; ``set_by`` person or clinician: services.sleep.window.window_in_force,
    the one source of Today, Plan and Trends) and the plan history, oldest first."""

    action: str
    window_min: int | None = None
    bedtime: str | None = None
    rise: str | None = None
    reasons: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    in_force_min: int | None = None
    set_by: str | None = None
    paused: bool = False


@dataclass(frozen=True, slots=True)
class CheckinDay:
    """One day's check-in: symptom ratings 0..4 and the daily-function rating 1..5."""

    date: dt.date
    symptoms: Mapping[str, int] = field(default_factory=dict)
    function: int | None = None


@dataclass(frozen=True, slots=True)
class IntakeDay:
    """Logged intake of one substance on one local date, summed (same unit)."""

    date: dt.date
    substance: str
    substance_class: str
    amount: float
    unit: str
    times: int


@dataclass(frozen=True, slots=True)
class TaperStepView:
    """A taper step's target and what was logged against it (core.taper.StepAdherence)."""

    number: int
    start: dt.date
    end: dt.date
    target: float
    unit: str
    days_elapsed: int
    days_logged: int
    days_over: int
    mean_logged: float | None


@dataclass(frozen=True, slots=True)
class TaperView:
    substance: str
    unit: str
    steps: tuple[TaperStepView, ...]
    end_warning: str = ""


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one report shows, for one person over ``start`` .. ``end`` (mornings)."""

    person: str
    audience: str
    start: dt.date
    end: dt.date
    tz: str
    generated: dt.datetime
    nights: tuple[DiaryNight, ...] = ()
    window: WindowView | None = None
    checkins: tuple[CheckinDay, ...] = ()
    symptom_names: tuple[str, ...] = ()
    symptom_labels: Mapping[str, str] = field(default_factory=dict)
    questionnaires: Mapping[str, tuple[tuple[dt.date, int], ...]] = field(default_factory=dict)
    intake: tuple[IntakeDay, ...] = ()
    taper: TaperView | None = None
    alerts: tuple[Alert, ...] = ()
    findings: tuple[Finding, ...] = ()
    findings_nights: int = 0
    regularity: Regularity | None = None
    #: Regularity of the device nights that speak for each date (asleep samples), if any.
    device_regularity: Regularity | None = None
    device_nights: tuple[DeviceNightRow, ...] = ()

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.end < self.start:
            raise ValueError("a report's span ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def summary(self) -> Summary:
        """Plain means over the span's diary nights (core.metrics.summarize)."""
        return summarize(n.metrics for n in self.nights)
