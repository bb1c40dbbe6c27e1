"""Use case: restore Nightbridge's own CSV export into a store (docs/exports.md).

Every row of every file is checked first with the same core rules as live entry
(``parse_entry``, ``make_intake_event``, ``make_checkin``, ``validate_evening``,
``build_taper``, ``SleepSample``); any problem is reported with file, row and field and
nothing is stored. Then everything is written in ONE transaction: profile, diary,
evenings, intake, check-ins, taper, device samples (device nights are rebuilt from them)
and, day by day in date order, the safety alerts are evaluated again, as they were when
the data was first entered. ``alerts.csv`` and ``device_nights.csv`` are derived and not
read back.

A restore goes into a store whose person has no data yet (a new ``--home``): merging
into existing data could double intake. Re-exporting a restored store gives the same
files (tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nightbridge.core.checkin import CheckinDay, make_checkin
from nightbridge.core.diary import DiaryEntry, parse_entry
from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.instruments.withdrawal import SYMPTOMS
from nightbridge.core.intake import IntakeEvent, make_intake_event
from nightbridge.core.nudges import EveningExtras, validate_evening
from nightbridge.core.profile import Profile, WindowSettings
from nightbridge.core.samples import SleepSample
from nightbridge.core.taper import Hold, TaperPlan, build_taper
from nightbridge.exporters.csv_export import parse_answers, parse_bool, read_table
from nightbridge.storage.database import Database

Progress = Callable[[str], None]
FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """How many of each kind were restored."""

    counts: dict[str, int]


@dataclass
class _Parsed:
    profile: Profile | None = None
    entries: list[DiaryEntry] | None = None
    evenings: list[EveningExtras] | None = None
    intake: list[IntakeEvent] | None = None
    checkins: list[CheckinDay] | None = None
    taper: tuple[TaperPlan, bool] | None = None
    samples: list[SleepSample] | None = None


def _rows(texts: dict[str, str], kind: str) -> list[tuple[int, dict[str, str]]]:
    text = texts.get(f"{kind}.csv")
    if text is None:
        return []
    return [(i + 2, row) for i, row in enumerate(read_table(text))]  # row 1 is the header


def _problem(problems: list[Problem], file: str, row: int, exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        problems.extend(Problem(f"{file}: {p.field}", p.reason, row) for p in exc.problems)
    else:
        problems.append(Problem(file, str(exc), row))


def parse_export(texts: dict[str, str], *, today: dt.date) -> _Parsed:
    """Every file checked; ``InvalidInput`` listing every problem (file, row, field)."""
    from nightbridge.services.recovery.safety import vocabulary

    problems: list[Problem] = []
    parsed = _Parsed()
    for row_no, row in _rows(texts, "profile")[:1]:
        try:
            parsed.profile = Profile(
                tz=row["tz"],
                region=row["region"],
                conditions=frozenset(c for c in row["conditions"].split(";") if c),
                safety_critical_job=bool(parse_bool(row["safety_critical_job"])),
                window=WindowSettings(
                    floor_min=int(row["floor_min"]),
                    raise_at_pct=float(row["raise_at_pct"]),
                    lower_at_pct=float(row["lower_at_pct"]),
                    step_min=int(row["step_min"]),
                ),
            )
        except (KeyError, ValueError) as exc:
            _problem(problems, "profile.csv", row_no, exc)
    tz = parsed.profile.tz if parsed.profile else "UTC"
    entries = []
    for row_no, row in _rows(texts, "diary"):
        try:
            # a restore: an unusual night was confirmed when it was first saved
            entries.append(parse_entry(row, today=today, row=row_no, tz=tz, confirmed=True))
        except InvalidInput as exc:
            problems.extend(
                Problem(f"diary.csv: {p.field}", p.reason, row_no) for p in exc.problems
            )
    parsed.entries = entries
    evenings = []
    for row_no, row in _rows(texts, "evenings"):
        try:
            date = dt.date.fromisoformat(row["date"])
            evenings.append(
                validate_evening(
                    date,
                    FAR_FUTURE,
                    screens_last_hour=parse_bool(row["screens_last_hour"]),
                    bedroom_temp_c=row["bedroom_temp_c"] or None,
                    nap_start=row["nap_start"] or None,
                )
            )
        except (KeyError, ValueError) as exc:
            _problem(problems, "evenings.csv", row_no, exc)
    parsed.evenings = evenings
    vocab = vocabulary()
    intake = []
    for row_no, row in _rows(texts, "intake"):
        try:
            at = dt.datetime.fromisoformat(row["at"])
            if at.tzinfo is None:
                raise ValueError("at: needs a UTC offset")
            intake.append(
                make_intake_event(
                    row["substance"],
                    row["amount"],
                    row["unit"],
                    at,
                    vocab,
                    product=row["product"] or None,
                    strain=row["strain"] or None,
                    batch=row["batch"] or None,
                    lab_tested=parse_bool(row["lab_tested"]),
                    note=row["note"] or None,
                )
            )
        except (KeyError, ValueError) as exc:
            _problem(problems, "intake.csv", row_no, exc)
    parsed.intake = intake
    checkins = []
    for row_no, row in _rows(texts, "checkins"):
        try:
            function = row["function"]
            checkins.append(
                make_checkin(
                    dt.date.fromisoformat(row["date"]),
                    symptoms={s: int(row[s]) for s in SYMPTOMS if row.get(s, "") != ""},
                    flags=[f for f in row["flags"].split(";") if f],
                    function=int(function) if function else None,
                    self_harm_thoughts=parse_bool(row["self_harm_thoughts"]),
                    phq9=parse_answers(row["phq9"]),
                    gad7=parse_answers(row["gad7"]),
                )
            )
        except (KeyError, ValueError) as exc:
            _problem(problems, "checkins.csv", row_no, exc)
    parsed.checkins = checkins
    for row_no, row in _rows(texts, "taper")[:1]:
        try:
            holds = [
                Hold(int(step), int(days))
                for step, days in (h.split(":") for h in row["holds"].split(";") if h)
            ]
            min_step = row["min_step"] or None
            plan = build_taper(
                start_amount=row["start_amount"],
                unit=row["unit"],
                start=dt.date.fromisoformat(row["start"]),
                step_pct=row["step_pct"],
                every_days=int(row["every_days"]),
                min_step=min_step,
                holds=holds,
                clinician_override=bool(parse_bool(row["clinician_override"])),
                substance=row["substance"],
            )
            parsed.taper = (plan, min_step is not None)
        except (KeyError, ValueError) as exc:
            _problem(problems, "taper.csv", row_no, exc)
    samples = []
    for row_no, row in _rows(texts, "device_samples"):
        try:
            samples.append(
                SleepSample(
                    row["source"],
                    dt.datetime.fromisoformat(row["start"]),
                    dt.datetime.fromisoformat(row["end"]),
                    row["state"],  # type: ignore[arg-type]
                    row["stage"] or None,
                )
            )
        except (KeyError, ValueError) as exc:
            _problem(problems, "device_samples.csv", row_no, exc)
    parsed.samples = samples
    if problems:
        raise InvalidInput(problems)
    return parsed


def _store_is_empty(session: Any, person_id: int) -> list[str]:
    from sqlalchemy import func, select

    from nightbridge.storage.tables.diary import DiaryEntryRow
    from nightbridge.storage.tables.safety import CheckinRow, IntakeEventRow

    held = []
    for label, table in (
        ("diary entries", DiaryEntryRow),
        ("intake events", IntakeEventRow),
        ("check-ins", CheckinRow),
    ):
        count = session.scalar(
            select(func.count()).select_from(table).where(table.person_id == person_id)
        )
        if count:
            held.append(f"{count} {label}")
    return held


def restore_export(
    db: Database,
    person_id: int,
    path: Path,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore the export at ``path`` (folder or zip) for ``person_id``: all or nothing."""
    from nightbridge.core.device_nights import build_nights
    from nightbridge.services.handover.exports import read_files
    from nightbridge.services.recovery.safety import evaluate_in_session
    from nightbridge.storage.repositories.checkins import CheckinRepository
    from nightbridge.storage.repositories.devices import DeviceRepository
    from nightbridge.storage.repositories.diary import DiaryRepository
    from nightbridge.storage.repositories.intake import IntakeRepository
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.storage.repositories.tapers import TaperRepository
    from nightbridge.storage.repositories.toolkit import ToolkitRepository

    step = progress or (lambda _label: None)
    step("reading")
    texts = read_files(path)
    step("checking every row")
    parsed = parse_export(texts, today=today or dt.datetime.now(dt.UTC).date() + dt.timedelta(1))
    step("storing")
    with db.transaction() as session:
        held = _store_is_empty(session, person_id)
        if held:
            raise InvalidInput.one(
                "store", f"already holds {', '.join(held)}: restore into a new, empty --home"
            )
        persons = PersonRepository(session)
        profile = parsed.profile or persons.get_profile(person_id)
        persons.save_profile(person_id, profile)
        tz = profile.tz
        DiaryRepository(session).add_many(person_id, parsed.entries or [])
        toolkit = ToolkitRepository(session)
        for evening in parsed.evenings or []:
            toolkit.save_evening(person_id, evening)
        if parsed.taper is not None:
            plan, explicit = parsed.taper
            TaperRepository(session).save(person_id, plan, explicit_min_step=explicit)
        devices = DeviceRepository(session)
        if parsed.samples:
            devices.add_samples(person_id, parsed.samples)
            nights = build_nights(parsed.samples)
            if nights:
                devices.replace_nights(
                    person_id, min(n.date for n in nights), max(n.date for n in nights), nights
                )
        intake_repo = IntakeRepository(session)
        checkin_repo = CheckinRepository(session)
        by_day: dict[dt.date, list[Any]] = {}
        for checkin in parsed.checkins or []:
            by_day.setdefault(checkin.date, []).append(checkin)
        for event in parsed.intake or []:
            by_day.setdefault(event.local_date(tz), []).append(event)
        step("re-evaluating alerts")
        for day in sorted(by_day):
            for item in by_day[day]:
                if isinstance(item, CheckinDay):
                    checkin_repo.save(person_id, item)
                else:
                    intake_repo.add(person_id, item, day)
            evaluate_in_session(session, person_id, day, tz=tz)
    counts = {
        "diary": len(parsed.entries or []),
        "evenings": len(parsed.evenings or []),
        "intake": len(parsed.intake or []),
        "checkins": len(parsed.checkins or []),
        "taper": 1 if parsed.taper else 0,
        "device_samples": len(parsed.samples or []),
    }
    return RestoreResult(counts)


__all__ = ["RestoreResult", "parse_export", "restore_export"]
