"""Nightbridge's own CSV export: one file per kind, and reading it back (docs/exports.md).

Files (UTF-8, comma-separated, CRLF line ends as RFC 4180, a header row):
``profile.csv``, ``diary.csv`` (the diary CSV of docs/cli.md: ``nightbridge diary import``
reads it too), ``evenings.csv``, ``intake.csv``, ``checkins.csv``, ``taper.csv``,
``device_samples.csv`` (the raw samples, from which device nights are rebuilt),
``device_nights.csv`` and ``alerts.csv`` (derived: written for reading, recomputed on
import); then one record file per further kind (``cravings.csv`` ..., the table's own
columns, ``write_records``), and ``kinds.csv``, which lists every file of the export,
the kind it holds, its rows and whether ``nightbridge restore`` reads it back.

**Formula injection** (OWASP "CSV Injection"): a spreadsheet runs a cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. Such a cell is written with
a leading ``'``, EXCEPT a plain number (``-5``, ``-0.25``, ``+3``: matched by
``NUMBER``), which a spreadsheet reads as a number anyway, so numbers round-trip
unchanged. A cell that itself starts with ``'`` also gets one more ``'``; reading strips
exactly one leading ``'`` from any cell that starts with one. So every cell reads back
exactly as it was, and no cell can start a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nightbridge.core.alerts import Alert
from nightbridge.core.checkin import CheckinDay
from nightbridge.core.device_nights import DeviceNight
from nightbridge.core.diary import ALL_FIELDS, DiaryEntry
from nightbridge.core.instruments.withdrawal import SYMPTOMS
from nightbridge.core.intake import IntakeEvent
from nightbridge.core.nudges import EveningExtras
from nightbridge.core.profile import Profile
from nightbridge.core.samples import SleepSample
from nightbridge.core.taper import TaperPlan

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": (
        "tz",
        "region",
        "conditions",
        "safety_critical_job",
        "floor_min",
        "raise_at_pct",
        "lower_at_pct",
        "step_min",
    ),
    "diary": ALL_FIELDS,
    "evenings": ("date", "screens_last_hour", "bedroom_temp_c", "nap_start"),
    "intake": (
        "at",
        "substance",
        "substance_class",
        "amount",
        "unit",
        "product",
        "strain",
        "batch",
        "lab_tested",
        "note",
    ),
    "checkins": ("date", *SYMPTOMS, "flags", "function", "self_harm_thoughts", "phq9", "gad7"),
    "taper": (
        "substance",
        "unit",
        "start_amount",
        "step_pct",
        "every_days",
        "start",
        "min_step",
        "clinician_override",
        "holds",
    ),
    "device_samples": ("source", "start", "end", "state", "stage"),
    "device_nights": (
        "date",
        "source",
        "chosen",
        "is_nap",
        "start",
        "end",
        "tst_min",
        "tib_min",
        "sol_min",
        "waso_min",
        "se_pct",
        "light_min",
        "deep_min",
        "rem_min",
    ),
    "alerts": ("date", "level", "code", "message", "actions", "evidence", "source"),
}
#: Kinds an import restores; the others are derived and recomputed.
RESTORED: tuple[str, ...] = (
    "profile",
    "diary",
    "evenings",
    "intake",
    "checkins",
    "taper",
    "device_samples",
)


def neutralise(cell: str) -> str:
    """The cell as written: a leading ``'`` before a formula start or an existing ``'``."""
    if cell.startswith("'") or (cell.startswith(DANGEROUS) and not NUMBER.match(cell)):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The cell as it was before ``neutralise``."""
    return cell[1:] if cell.startswith("'") else cell


def write_table(kind: str, rows: Iterable[Mapping[str, str]]) -> str:
    """One CSV file's text: the header of ``kind``, then the rows, every cell neutralised."""
    columns = COLUMNS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(row.get(c, "")) for c in columns])
    return buffer.getvalue()


def cell(value: Any) -> str:
    """A stored value as a cell: ISO 8601 dates and times, 1/0, JSON for lists and maps."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_records(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A record file: the columns as header, each value as ``cell`` writes it, every
    cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell(row.get(c))) for c in columns])
    return buffer.getvalue()


#: The header of ``kinds.csv``.
MANIFEST_COLUMNS = ("file", "kind", "holds", "rows", "restored")


def write_manifest(entries: Iterable[Mapping[str, str]]) -> str:
    """``kinds.csv``: one row per file of the export (``MANIFEST_COLUMNS``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for entry in entries:
        writer.writerow([neutralise(entry.get(c, "")) for c in MANIFEST_COLUMNS])
    return buffer.getvalue()


def read_table(text: str) -> list[dict[str, str]]:
    """Rows of a Nightbridge CSV as dicts (cells restored); a BOM is ignored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [{k: restore(v or "") for k, v in row.items() if k is not None} for row in reader]


# --- core values to rows -----------------------------------------------------------------


def _bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def profile_rows(profile: Profile) -> list[dict[str, str]]:
    w = profile.window
    return [
        {
            "tz": profile.tz,
            "region": profile.region,
            "conditions": ";".join(sorted(profile.conditions)),
            "safety_critical_job": _bool(profile.safety_critical_job),
            "floor_min": str(w.floor_min),
            "raise_at_pct": _num(float(w.raise_at_pct)),
            "lower_at_pct": _num(float(w.lower_at_pct)),
            "step_min": str(w.step_min),
        }
    ]


def diary_rows(entries: Iterable[DiaryEntry]) -> list[dict[str, str]]:
    return [e.to_fields() for e in sorted(entries, key=lambda e: e.date)]


def evening_rows(evenings: Iterable[EveningExtras]) -> list[dict[str, str]]:
    return [
        {
            "date": e.date.isoformat(),
            "screens_last_hour": _bool(e.screens_last_hour),
            "bedroom_temp_c": _num(e.bedroom_temp_c),
            "nap_start": e.nap_start.strftime("%H:%M") if e.nap_start else "",
        }
        for e in sorted(evenings, key=lambda e: e.date)
    ]


def intake_rows(events: Iterable[IntakeEvent]) -> list[dict[str, str]]:
    return [
        {
            "at": _iso(e.at),
            "substance": e.substance,
            "substance_class": e.substance_class,
            "amount": _num(e.amount),
            "unit": e.unit,
            "product": e.product or "",
            "strain": e.strain or "",
            "batch": e.batch or "",
            "lab_tested": _bool(e.lab_tested),
            "note": e.note or "",
        }
        for e in sorted(events, key=lambda e: (e.at, e.substance))
    ]


def checkin_rows(checkins: Iterable[CheckinDay]) -> list[dict[str, str]]:
    rows = []
    for c in sorted(checkins, key=lambda c: c.date):
        row = {"date": c.date.isoformat()}
        row.update({s: str(c.symptoms[s]) if s in c.symptoms else "" for s in SYMPTOMS})
        row["flags"] = ";".join(sorted(c.flags))
        row["function"] = _num(c.function)
        row["self_harm_thoughts"] = _bool(c.self_harm_thoughts)
        row["phq9"] = ",".join(map(str, c.phq9)) if c.phq9 is not None else ""
        row["gad7"] = ",".join(map(str, c.gad7)) if c.gad7 is not None else ""
        rows.append(row)
    return rows


def taper_rows(plan: TaperPlan | None, explicit_min_step: bool = True) -> list[dict[str, str]]:
    if plan is None:
        return []
    return [
        {
            "substance": plan.substance,
            "unit": plan.unit,
            "start_amount": str(plan.start_amount),
            "step_pct": str(plan.step_pct),
            "every_days": str(plan.every_days),
            "start": plan.start.isoformat(),
            "min_step": str(plan.min_step) if explicit_min_step else "",
            "clinician_override": _bool(plan.clinician_override),
            "holds": ";".join(f"{h.step}:{h.days}" for h in plan.holds),
        }
    ]


def sample_rows(samples: Iterable[SleepSample]) -> list[dict[str, str]]:
    return [
        {
            "source": s.source,
            "start": _iso(s.start),
            "end": _iso(s.end),
            "state": s.state,
            "stage": s.stage or "",
        }
        for s in sorted(samples, key=lambda s: (s.source, s.start, s.end, s.state, s.stage or ""))
    ]


def night_rows(nights: Iterable[DeviceNight]) -> list[dict[str, str]]:
    return [
        {
            "date": n.date.isoformat(),
            "source": n.source,
            "chosen": _bool(n.chosen),
            "is_nap": _bool(n.is_nap),
            "start": _iso(n.start),
            "end": _iso(n.end),
            "tst_min": str(n.tst_min),
            "tib_min": str(n.tib_min),
            "sol_min": str(n.sol_min),
            "waso_min": str(n.waso_min),
            "se_pct": _num(n.se_pct),
            "light_min": _num(n.stages.get("light")),
            "deep_min": _num(n.stages.get("deep")),
            "rem_min": _num(n.stages.get("rem")),
        }
        for n in sorted(nights, key=lambda n: (n.date, n.source, n.start))
    ]


def alert_rows(alerts: Iterable[Alert]) -> list[dict[str, str]]:
    return [
        {
            "date": a.date.isoformat(),
            "level": a.level,
            "code": a.code,
            "message": a.message,
            "actions": json.dumps(list(a.actions), ensure_ascii=False),
            "evidence": json.dumps(
                dict(a.evidence), ensure_ascii=False, sort_keys=True, default=str
            ),
            "source": a.source,
        }
        for a in sorted(alerts, key=lambda a: (a.date, a.code))
    ]


def export_tables(
    *,
    profile: Profile,
    entries: Sequence[DiaryEntry],
    evenings: Sequence[EveningExtras],
    intake: Sequence[IntakeEvent],
    checkins: Sequence[CheckinDay],
    taper: TaperPlan | None,
    taper_explicit_min_step: bool,
    samples: Sequence[SleepSample],
    nights: Sequence[DeviceNight],
    alerts: Sequence[Alert],
) -> dict[str, str]:
    """Every file of the export: ``{"diary.csv": text, ...}``."""
    tables: dict[str, list[dict[str, str]]] = {
        "profile": profile_rows(profile),
        "diary": diary_rows(entries),
        "evenings": evening_rows(evenings),
        "intake": intake_rows(intake),
        "checkins": checkin_rows(checkins),
        "taper": taper_rows(taper, taper_explicit_min_step),
        "device_samples": sample_rows(samples),
        "device_nights": night_rows(nights),
        "alerts": alert_rows(alerts),
    }
    return {f"{kind}.csv": write_table(kind, rows) for kind, rows in tables.items()}


def parse_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value == "":
        return None
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise ValueError(f"{text!r} is not yes or no")


def parse_answers(text: str) -> tuple[int, ...] | None:
    return tuple(int(x) for x in text.split(",")) if text.strip() else None


def as_any(row: Mapping[str, str]) -> dict[str, Any]:
    """Empty cells as None (for the services' optional fields)."""
    return {k: (v if v != "" else None) for k, v in row.items()}
