"""Use cases: export everything of one person as CSV files, a FHIR R4 Bundle, or an
iCalendar file (docs/exports.md). Reading only; the files are written by ``write_files``
to a temporary name first and renamed, so a failed export leaves no half file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nightbridge.core.alerts import Alert
from nightbridge.core.checkin import CheckinDay
from nightbridge.core.device_nights import DeviceNight
from nightbridge.core.diary import DiaryEntry
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import IntakeEvent
from nightbridge.core.nudges import EveningExtras
from nightbridge.core.profile import Profile
from nightbridge.core.samples import SleepSample
from nightbridge.core.taper import TaperPlan
from nightbridge.storage.database import Database

#: The earliest and latest dates an export covers ("everything").
ALL_FROM = dt.date(1900, 1, 1)
ALL_TO = dt.date(9999, 12, 31)
#: A fixed time stamp for zip entries, so the same data gives the same zip bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PersonData:
    """Everything stored about one person, as core values."""

    person_id: int
    name: str
    profile: Profile
    entries: tuple[DiaryEntry, ...]
    evenings: tuple[EveningExtras, ...]
    intake: tuple[IntakeEvent, ...]
    checkins: tuple[CheckinDay, ...]
    taper: TaperPlan | None
    samples: tuple[SleepSample, ...]
    nights: tuple[DeviceNight, ...]
    alerts: tuple[Alert, ...]
    reminders: Mapping[str, str]
    #: The record kinds (``records.RECORDS``): kind -> (columns, rows).
    records: Mapping[str, tuple[list[str], list[dict[str, Any]]]] = field(default_factory=dict)


def gather_person(db: Database, person_id: int, *, progress: Progress | None = None) -> PersonData:
    """Read every kind of data of ``person_id`` (one reader transaction)."""
    from nightbridge.services.handover.records import RECORDS
    from nightbridge.storage.repositories.alerts import AlertRepository
    from nightbridge.storage.repositories.checkins import CheckinRepository
    from nightbridge.storage.repositories.devices import DeviceRepository
    from nightbridge.storage.repositories.diary import DiaryRepository
    from nightbridge.storage.repositories.intake import IntakeRepository
    from nightbridge.storage.repositories.person_records import PersonRecordRepository
    from nightbridge.storage.repositories.persons import PersonRepository
    from nightbridge.storage.repositories.tapers import TaperRepository
    from nightbridge.storage.repositories.toolkit import ToolkitRepository

    step = progress or (lambda _label: None)
    with db.reader() as session:
        persons = PersonRepository(session)
        profile = persons.get_profile(person_id)
        name = persons.display_name(person_id) or "me"
        step("diary")
        entries = DiaryRepository(session).list(person_id, None, None)
        toolkit = ToolkitRepository(session)
        evenings = toolkit.evenings(person_id, ALL_FROM, ALL_TO)
        reminders = dict(toolkit.reminder_times(person_id))
        step("intake and check-ins")
        intake = IntakeRepository(session).between(person_id, ALL_FROM, ALL_TO)
        checkins = CheckinRepository(session).between(person_id, ALL_FROM, ALL_TO)
        stored = TaperRepository(session).active(person_id)
        step("devices")
        devices = DeviceRepository(session)
        samples = devices.samples_between(
            person_id,
            dt.datetime(1900, 1, 2, tzinfo=dt.UTC),
            dt.datetime(9999, 12, 30, tzinfo=dt.UTC),
        )
        nights = devices.nights(person_id, include_naps=True)
        alerts = AlertRepository(session).between(person_id, ALL_FROM, ALL_TO)
        step("everything else")
        kept = PersonRecordRepository(session)
        records = {kind: kept.rows(table, person_id) for kind, (table, _) in RECORDS.items()}
    return PersonData(
        person_id=person_id,
        name=name,
        profile=profile,
        entries=tuple(entries),
        evenings=tuple(evenings[d] for d in sorted(evenings)),
        intake=tuple(intake),
        checkins=tuple(checkins),
        taper=stored.plan if stored is not None else None,
        samples=tuple(samples),
        nights=tuple(nights),
        alerts=tuple(alerts),
        reminders=reminders,
        records=records,
    )


def csv_files(data: PersonData) -> dict[str, str]:
    """The CSV export's files (name -> text): the typed files, a record file per further
    kind, and ``kinds.csv`` saying what each file holds and whether a restore reads it."""
    from nightbridge.exporters.csv_export import (
        RESTORED,
        read_table,
        write_manifest,
        write_records,
    )
    from nightbridge.services.handover.records import RECORDS, RESTORED_AS, TYPED_HOLDS

    files = _typed_files(data)
    manifest = []
    for name, text in files.items():
        kind = name.removesuffix(".csv")
        restored = "yes" if kind in RESTORED else RESTORED_AS.get(kind, "no")
        rows = str(len(read_table(text)))
        manifest.append(
            {
                "file": name,
                "kind": kind,
                "holds": TYPED_HOLDS[kind],
                "rows": rows,
                "restored": restored,
            }
        )
    for kind, (_, holds) in RECORDS.items():
        columns, rows = data.records.get(kind, ([], []))
        files[f"{kind}.csv"] = write_records(columns, rows)
        manifest.append(
            {
                "file": f"{kind}.csv",
                "kind": kind,
                "holds": holds,
                "rows": str(len(rows)),
                "restored": "no (the person's copy; a backup restores it)",
            }
        )
    files["kinds.csv"] = write_manifest(manifest)
    return files


def _typed_files(data: PersonData) -> dict[str, str]:
    from nightbridge.exporters.csv_export import export_tables

    return export_tables(
        profile=data.profile,
        entries=data.entries,
        evenings=data.evenings,
        intake=data.intake,
        checkins=data.checkins,
        taper=data.taper,
        taper_explicit_min_step=True,
        samples=data.samples,
        nights=data.nights,
        alerts=data.alerts,
    )


def write_files(files: Mapping[str, str], out: Path) -> list[Path]:
    """Write ``files`` into the folder ``out`` (created), or into the zip ``out`` (*.zip).

    Each file goes to ``name.part`` first and is renamed when complete. Refuses an ``out``
    that is an existing file other than a zip being replaced.
    """
    if out.suffix.lower() == ".zip":
        if out.exists() and out.is_dir():
            raise InvalidInput.one("out", f"{str(out)!r} is a folder, not a .zip file")
        if not out.parent.exists():
            raise InvalidInput.one("out", f"the folder {str(out.parent)!r} does not exist")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name].encode("utf-8"))
        part = out.with_name(out.name + ".part")
        part.write_bytes(buffer.getvalue())
        part.replace(out)
        return [out]
    if out.exists() and not out.is_dir():
        raise InvalidInput.one("out", f"{str(out)!r} is a file; give a folder or a .zip name")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(files):
        target = out / name
        part = out / (name + ".part")
        part.write_bytes(files[name].encode("utf-8"))
        part.replace(target)
        written.append(target)
    return written


def write_file(out: Path, data: str | bytes, *, kind: str) -> Path:
    """Write ``data`` (text as UTF-8) to the file ``out`` through ``out.part``, renamed when
    complete. Refuses an ``out`` that is a folder (asking for a ``kind`` file name, e.g.
    ``.json``) or whose folder does not exist."""
    if out.exists() and out.is_dir():
        raise InvalidInput.one("out", f"{str(out)!r} is a folder; give a {kind} file name")
    if not out.parent.exists():
        raise InvalidInput.one("out", f"the folder {str(out.parent)!r} does not exist")
    part = out.with_name(out.name + ".part")
    if isinstance(data, str):
        part.write_text(data, encoding="utf-8")
    else:
        part.write_bytes(data)
    part.replace(out)
    return out


def read_files(path: Path) -> dict[str, str]:
    """The CSV files of an export folder or zip (name -> text), strict UTF-8.

    Only the known file names are read; a zip entry larger than ``MAX_FILE_BYTES`` is
    refused before it is inflated (and the bytes inflated are counted too).
    """
    from nightbridge.exporters.csv_export import COLUMNS

    wanted = {f"{kind}.csv" for kind in COLUMNS}
    found: dict[str, bytes] = {}
    if not path.exists():
        raise InvalidInput.one("path", f"{str(path)!r} does not exist")
    if path.is_dir():
        for name in wanted:
            if (path / name).is_file():
                found[name] = (path / name).read_bytes()
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    base = info.filename.rsplit("/", 1)[-1]
                    if base not in wanted or info.is_dir():
                        continue
                    if info.file_size > MAX_FILE_BYTES:
                        raise InvalidInput.one("path", f"{base} is larger than allowed")
                    with archive.open(info) as handle:
                        data = handle.read(MAX_FILE_BYTES + 1)
                    if len(data) > MAX_FILE_BYTES:
                        raise InvalidInput.one("path", f"{base} is larger than allowed")
                    found[base] = data
        except zipfile.BadZipFile:
            raise InvalidInput.one("path", "is neither a folder nor a zip file") from None
    if not found:
        raise InvalidInput.one("path", "holds no Nightbridge CSV files (diary.csv, intake.csv ...)")
    texts = {}
    for name, raw in found.items():
        try:
            texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput.one(name, "is not UTF-8 text") from None
    return texts


#: The largest single CSV file an import reads (bytes).
MAX_FILE_BYTES = 200 * 1024 * 1024


def export_csv(
    db: Database, person_id: int, out: Path, *, progress: Progress | None = None
) -> list[Path]:
    """Write the CSV export of ``person_id`` to the folder or zip ``out``."""
    return write_files(csv_files(gather_person(db, person_id, progress=progress)), out)


def export_fhir(
    db: Database,
    person_id: int,
    out: Path,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the FHIR R4 Bundle (JSON) of ``person_id`` to the file ``out``."""
    import json

    from nightbridge.exporters.fhir import build_bundle

    data = gather_person(db, person_id, progress=progress)
    bundle = build_bundle(
        person_id=person_id,
        name=data.name,
        tz=data.profile.tz,
        entries=data.entries,
        nights=data.nights,
        checkins=data.checkins,
        intake=data.intake,
        now=now or dt.datetime.now(dt.UTC),
    )
    return write_file(out, json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", kind=".json")


def export_ics(
    db: Database,
    person_id: int,
    out: Path,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the sleep window and diary reminder calendar (RFC 5545) to the file ``out``.

    The window is the plan in force (services.sleep.window.window_in_force, through the
    report: the stored rise time and window), unless early withdrawal defers the window;
    without a stored window,
    the one the report shows (services.handover.reports:
    the sleep window for the median rise time of the last 14 nights); without either
    (still collecting, or deferred in early withdrawal) the calendar holds the diary
    reminder only.
    """
    from nightbridge.exporters.ics import build_calendar, sleep_events
    from nightbridge.services.handover.reports import gather_report

    moment = now or dt.datetime.now(dt.UTC)
    data = gather_person(db, person_id, progress=progress)
    last_night = max((e.date for e in data.entries), default=None)
    report = gather_report(db, person_id, end=last_night, now=moment)
    window = report.window
    bedtime = rise = None
    if window is not None and window.in_force_min and window.rise:
        # The window in force, as Today, Plan, Trends and the report show it (one source:
        # services.sleep.window.window_in_force, through the report).
        rise = dt.time.fromisoformat(window.rise)
        start = dt.datetime.combine(dt.date(2000, 1, 2), rise)
        bedtime = (start - dt.timedelta(minutes=window.in_force_min)).time()
    elif window is not None and window.window_min and window.bedtime and window.rise:
        bedtime = dt.time.fromisoformat(window.bedtime)
        rise = dt.time.fromisoformat(window.rise)
    diary_at = dt.time.fromisoformat(data.reminders.get("morning_at", "07:30"))
    text = build_calendar(
        sleep_events(bedtime=bedtime, rise=rise, diary_at=diary_at),
        start=report.end + dt.timedelta(days=1),
        now=moment,
    )
    return write_file(out, text.encode("utf-8"), kind=".ics")
