"""Use case: gather a report's data from the store and render it (docs/reports.md).

``gather_report`` reads everything through the other services (diary, check-ins,
intake, alerts, taper, devices, evening log) in reader transactions and returns a
``reports.data.ReportData``; ``make_report`` renders it as PDF or HTML bytes. Reading is
all it does: nothing is written, so an interrupted report leaves the store untouched.

The what-helps-me findings use every night up to the end of the span (at most the last
``FINDINGS_LOOKBACK_DAYS``), not only the span's week: a week has too few nights per arm.
"""

from __future__ import annotations

import datetime as dt
import statistics
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from nightbridge.core.device_nights import DeviceNight
from nightbridge.core.errors import InvalidInput
from nightbridge.core.exposures import Dose, NightContext, build_observations
from nightbridge.core.instruments.withdrawal import SYMPTOMS
from nightbridge.core.metrics import compute_night
from nightbridge.core.nof1 import find_what_helps
from nightbridge.core.regularity import (
    Regularity,
    SleepDay,
    assess_regularity,
    sleep_day_bounds,
    sleep_day_from_diary,
    sleep_day_from_intervals,
)
from nightbridge.core.samples import SleepSample
from nightbridge.reports.data import (
    CheckinDay,
    DeviceNightRow,
    DiaryNight,
    IntakeDay,
    ReportData,
    TaperStepView,
    TaperView,
    WindowView,
)
from nightbridge.reports.report import render_report
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

#: Default span: the last 7 mornings up to today.
DEFAULT_DAYS = 7
#: The longest span a report covers (a year).
MAX_DAYS = 366
#: How far back what-helps-me looks from the end of the span.
FINDINGS_LOOKBACK_DAYS = 120

Progress = Callable[[str], None]


def report_span(
    start: dt.date | None, end: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """``--from``/``--to`` with defaults (the week up to ``end``, ``end`` = today)."""
    last = end or today
    first = start or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise InvalidInput.one(
            "to", f"{last.isoformat()} is before the first day {first.isoformat()}"
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput.one("from", f"a report covers at most {MAX_DAYS} days")
    return first, last


def _rise_time(nights: list[DiaryNight], tz: str) -> dt.time | None:
    """The median out-of-bed clock time of the last 14 nights, to the nearest 15 min."""
    zone = ZoneInfo(tz)
    minutes = [
        n.out_of_bed.astimezone(zone).hour * 60 + n.out_of_bed.astimezone(zone).minute
        for n in nights[-14:]
        if n.out_of_bed is not None
    ]
    if not minutes:
        return None
    m = int(round(statistics.median(minutes) / 15.0) * 15) % 1440
    return dt.time(m // 60, m % 60)


def _asleep_spans(samples: list[SleepSample]) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Each source's asleep samples as (start, end), by start."""
    spans: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for s in samples:
        if s.state == "asleep":
            spans[s.source].append((s.start, s.end))
    for rows in spans.values():
        rows.sort()
    return spans


def _union(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Sorted spans with those that touch or overlap joined (the same instants asleep)."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _device_regularity(
    db: Database, person_id: int, nights: list[DeviceNight], tz: str
) -> Regularity | None:
    """Regularity of the device nights that speak for their dates, from their asleep
    samples and the naps the same source recorded in each sleep day (noon to noon;
    docs/regularity.md); None without device nights.

    One pass: each night takes its source's asleep samples from those sorted by start, by
    bisection (from the night's or sleep day's start less the source's longest sample, so
    none that reaches in is missed), so the cost grows with samples + nights, not
    samples x nights. Samples that touch are joined into one asleep span (the same
    asleep instants, fewer spans).
    """
    from nightbridge.storage.repositories.devices import DeviceRepository

    if not nights:
        return None
    bounds = {n.date: sleep_day_bounds(n.date, tz) for n in nights}
    with db.reader() as session:
        samples = DeviceRepository(session).samples_between(
            person_id,
            min(min(n.start for n in nights), *(a for a, _ in bounds.values())),
            max(max(n.end for n in nights), *(b for _, b in bounds.values())),
        )
    by_source = _asleep_spans(samples)
    starts = {source: [a for a, _ in rows] for source, rows in by_source.items()}
    longest = {source: max(b - a for a, b in rows) for source, rows in by_source.items()}
    days: list[SleepDay] = []
    for night in nights:
        noon_before, noon = bounds[night.date]
        rows = by_source.get(night.source, [])
        low = min(night.start, noon_before) - longest.get(night.source, dt.timedelta(0))
        high = max(night.end, noon)
        asleep, naps = [], []
        for i in range(bisect_left(starts.get(night.source, []), low), len(rows)):
            start, end = rows[i]
            if start > high:
                break
            if start >= night.start and end <= night.end:
                asleep.append((start, end))
            elif end > noon_before and start < noon:  # a nap in the same sleep day
                naps.append((max(start, noon_before), min(end, noon)))
        day = sleep_day_from_intervals(night.date, _union(asleep), _union(sorted(naps)))
        if day is not None:
            days.append(day)
    return assess_regularity(days, tz) if days else None


def gather_report(
    db: Database,
    person_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: str = "person",
    tz: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> ReportData:
    """Everything the report shows for ``person_id`` over ``start..end`` (mornings)."""
    from nightbridge.services.devices import devices as device_service
    from nightbridge.services.recovery import checkins as checkin_service
    from nightbridge.services.recovery import intake as intake_service
    from nightbridge.services.recovery import safety as safety_service
    from nightbridge.services.recovery import taper as taper_service
    from nightbridge.services.sleep import diary as diary_service
    from nightbridge.storage.repositories.toolkit import ToolkitRepository

    step = progress or (lambda _label: None)
    moment = now or dt.datetime.now(dt.UTC)
    with db.reader() as session:
        persons = PersonRepository(session)
        profile = persons.get_profile(person_id)
        name = persons.display_name(person_id) or "me"
    zone = tz or profile.tz
    today = moment.astimezone(ZoneInfo(zone)).date()
    first, last = report_span(start, end, today)
    look_from = min(first, last - dt.timedelta(days=FINDINGS_LOOKBACK_DAYS - 1))

    step("diary")
    entries = diary_service.list_entries(db, person_id, look_from, last)
    all_nights: list[DiaryNight] = []
    contexts: list[NightContext] = []
    for entry in entries:
        try:
            metrics = compute_night(entry, zone)
        except InvalidInput:
            continue
        line = entry.timeline(zone)
        all_nights.append(
            DiaryNight(metrics, line.bedtime, line.lights_off, line.final_wake, line.out_of_bed)
        )
        contexts.append(
            NightContext(
                entry.date,
                {
                    "sol_min": metrics.sol_min,
                    "waso_min": metrics.waso_min,
                    "tst_min": metrics.tst_min,
                    "se_pct": metrics.se_pct,
                    "quality": metrics.quality,
                },
                bedtime=line.bedtime,
                caffeine=entry.caffeine,
                last_caffeine=entry.last_caffeine,
                alcohol=entry.alcohol,
                last_alcohol=entry.last_alcohol,
                naps=entry.naps,
                naps_min=entry.naps_min,
            )
        )
    nights = tuple(n for n in all_nights if first <= n.date <= last)

    step("check-ins and intake")
    all_checkins = checkin_service.list_checkins(db, person_id, look_from, last)
    checkins = tuple(
        CheckinDay(c.date, dict(c.symptoms), c.function)
        for c in all_checkins
        if first <= c.date <= last
    )
    questionnaires: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for c in all_checkins:  # the trend, so from before the span too
        if c.phq9 is not None:
            questionnaires["phq9"].append((c.date, sum(c.phq9)))
        if c.gad7 is not None:
            questionnaires["gad7"].append((c.date, sum(c.gad7)))
    events = intake_service.list_intake(db, person_id, look_from - dt.timedelta(days=1), last)
    per_day: dict[tuple[dt.date, str, str, str], list[float]] = defaultdict(list)
    for e in events:
        day = e.at.astimezone(ZoneInfo(zone)).date()
        if first <= day <= last:
            per_day[(day, e.substance, e.substance_class, e.unit)].append(e.amount)
    intake = tuple(
        IntakeDay(day, sub, cls, round(sum(v), 3), unit, len(v))
        for (day, sub, cls, unit), v in sorted(per_day.items())
    )

    step("alerts and taper")
    alerts = tuple(safety_service.alerts_between(db, person_id, first, last))
    plan = taper_service.get_taper(db, person_id)
    taper = None
    if plan is not None:
        adherence = taper_service.taper_adherence(db, person_id, today=last)
        taper = TaperView(
            plan.substance,
            plan.unit,
            tuple(
                TaperStepView(
                    a.number,
                    a.start,
                    a.end,
                    float(a.target),
                    a.unit,
                    a.days_elapsed,
                    a.days_logged,
                    a.days_over,
                    a.mean_logged,
                )
                for a in adherence
                if a.end >= first and a.start <= last
            ),
            plan.end_warning,
        )

    step("devices")
    stored_nights = device_service.device_nights(db, person_id, start=first, end=last)
    device_nights_chosen = [n for n in stored_nights if n.chosen and not n.is_nap]
    device_rows = tuple(
        DeviceNightRow(
            n.date,
            n.source,
            n.chosen,
            n.tst_min,
            n.tib_min,
            n.sol_min,
            n.waso_min,
            n.se_pct,
            dict(n.stages),
        )
        for n in stored_nights
    )
    activity: dict[dt.date, float] = defaultdict(float)
    for a in device_service.device_activity(db, person_id, start=look_from, end=last):
        activity[a.date] = max(activity[a.date], a.exercise_min)
    with db.reader() as session:
        evenings = ToolkitRepository(session).evenings(person_id, look_from, last)

    step("what helps me")
    next_day = {
        c.date: {"headache": c.symptoms.get("headache"), "function": c.function}
        for c in all_checkins
    }
    observations = build_observations(
        contexts,
        [Dose(e.substance_class, e.amount, e.unit, e.at) for e in events],
        zone,
        screens={d: x.screens_last_hour for d, x in evenings.items()},
        exercise_min=dict(activity) if activity else None,
        next_day=next_day,
    )
    findings = tuple(find_what_helps(observations))

    step("regularity")
    sleep_days: list[SleepDay] = [
        sleep_day_from_diary(n.date, n.lights_off, n.metrics.sol_min, n.final_wake, n.out_of_bed)
        for n in nights
        if n.lights_off and n.final_wake and n.out_of_bed
    ]
    regularity = assess_regularity(sleep_days, zone) if sleep_days else None
    device_regularity = _device_regularity(db, person_id, device_nights_chosen, zone)

    window = None
    from nightbridge.core.window_plan import describe_history
    from nightbridge.services.sleep.window import plan_history

    plans = [p for p in plan_history(db, person_id) if p.set_on <= last]
    stored = plans[-1] if plans else None
    rise = stored.rise if stored else _rise_time(list(nights) or all_nights, zone)
    from nightbridge.services.sleep.profile import get_profile

    # No window is shown until the restriction-safety screen is answered.
    if rise is not None and get_profile(db, person_id).screened:
        from nightbridge.services.sleep.window import window_in_force

        # The same window in force as Today, Plan and Trends (one source); a stored
        # window is stepped once a week (Spielman et al. 1987).
        in_force = window_in_force(db, person_id, last, rise=rise, tz=zone)
        advice = in_force.advice
        assert advice is not None
        bedtime = advice.bedtime
        rise_why = (
            f"Rise time {advice.rise:%H:%M} (chosen on {stored.set_on.isoformat()})."
            if stored
            else f"Rise time {advice.rise:%H:%M} (your median time out of bed)."
        )
        window = WindowView(
            advice.action,
            advice.window_min,
            bedtime.strftime("%H:%M") if bedtime else None,
            advice.rise.strftime("%H:%M"),
            (rise_why, *advice.reasons),
            history=tuple(describe_history(plans)),
            in_force_min=in_force.window_min,
            set_by=stored.set_by if stored else None,
            paused=in_force.paused,
        )

    present = {s for c in checkins for s in c.symptoms}
    return ReportData(
        person=name,
        audience=audience,
        start=first,
        end=last,
        tz=zone,
        generated=moment,
        nights=nights,
        window=window,
        checkins=checkins,
        symptom_names=tuple(s for s in SYMPTOMS if s in present),
        symptom_labels={s: s.replace("_", " ") for s in SYMPTOMS},
        questionnaires={k: tuple(v) for k, v in questionnaires.items()},
        intake=intake,
        taper=taper,
        alerts=alerts,
        findings=findings,
        findings_nights=len(observations),
        regularity=regularity,
        device_regularity=device_regularity,
        device_nights=device_rows,
    )


def make_report(
    db: Database,
    person_id: int,
    fmt: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: str = "person",
    tz: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report as ``fmt`` (``pdf`` or ``html``) bytes."""
    data = gather_report(
        db,
        person_id,
        start=start,
        end=end,
        audience=audience,
        tz=tz,
        now=now,
        progress=progress,
    )
    if progress:
        progress(f"rendering {fmt}")
    return render_report(data, fmt)
