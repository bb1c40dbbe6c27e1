"""A FHIR R4 ``Bundle`` (type ``collection``) of one person's data (docs/exports.md).

- ``Patient``: an id and the display name only (Nightbridge keeps nothing else).
- Diary nights (Consensus Sleep Diary; definitions.md section 1): one ``Observation`` per
  night and metric, category ``survey`` (self-reported). Total sleep time uses LOINC
  93832-4 "Sleep duration"; the others (time in bed, SOL, WASO, awakenings, terminal
  wake, sleep efficiency, quality) have no LOINC code (none found; research notes) and
  use the local code system ``CODE_SYSTEM``.
- Device nights (definitions.md section 7): category ``activity``, ``device.display`` the
  source; total sleep 93832-4, deep 93831-6, light 93830-8, REM 93829-0.
- PHQ-9 and GAD-7: a ``QuestionnaireResponse`` with the item answers (integers 0..3) and an
  ``Observation`` of the total (LOINC 44261-6, 70274-6; unit ``{score}``) derived from it.
  The withdrawal symptom diary (Nightbridge's own, not a validated scale): a
  QuestionnaireResponse and a total under the local code system.
- Intake: an ``Observation`` per logged intake (local code ``intake``), the substance as
  text and the amount as a Quantity (UCUM ``g``, ``mg``, ``mL``; annotations like
  ``{cup}`` for the rest).

Units are UCUM (``min``, ``%``, ``{score}``, ``{count}``). Every ``fullUrl`` is a
``urn:uuid`` derived (uuid5) from the person and the record, so the same data gives the
same Bundle. Validated in tests with ``fhir.resources`` (its R4B models: R4B changed no
element used here from R4).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from nightbridge.core.checkin import CheckinDay
from nightbridge.core.device_nights import DeviceNight
from nightbridge.core.diary import DiaryEntry
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import IntakeEvent
from nightbridge.core.metrics import compute_night

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
#: Nightbridge's own code system for measures without a standard code (docs/exports.md).
CODE_SYSTEM = "https://nightbridge.invalid/fhir/CodeSystem/sleep"
QUESTIONNAIRE_BASE = "https://nightbridge.invalid/fhir/Questionnaire/"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
NAMESPACE = uuid.UUID("5b7c43a2-6a3e-4c55-9f0e-6e1c2d4e9b11")

#: Diary metric -> (system, code, display, UCUM unit).
DIARY_CODES: dict[str, tuple[str, str, str, str]] = {
    "tst_min": (LOINC, "93832-4", "Sleep duration", "min"),
    "tib_min": (CODE_SYSTEM, "time-in-bed", "Time in bed", "min"),
    "sol_min": (CODE_SYSTEM, "sleep-onset-latency", "Sleep onset latency", "min"),
    "waso_min": (CODE_SYSTEM, "wake-after-sleep-onset", "Wake after sleep onset", "min"),
    "nwak": (CODE_SYSTEM, "awakenings", "Number of awakenings", "{count}"),
    "terminal_wake_min": (CODE_SYSTEM, "terminal-wake", "Terminal wakefulness", "min"),
    "se_pct": (CODE_SYSTEM, "sleep-efficiency", "Sleep efficiency", "%"),
    "quality": (CODE_SYSTEM, "sleep-quality", "Sleep quality (1-5)", "{score}"),
}
DEVICE_CODES: dict[str, tuple[str, str, str]] = {
    "tst_min": (LOINC, "93832-4", "Sleep duration"),
    "deep": (LOINC, "93831-6", "Deep sleep duration"),
    "light": (LOINC, "93830-8", "Light sleep duration"),
    "rem": (LOINC, "93829-0", "REM sleep duration"),
}
QUESTIONNAIRES: dict[str, tuple[str, str, str]] = {
    # name -> (total code system, total code, display)
    "phq9": (LOINC, "44261-6", "PHQ-9 total score"),
    "gad7": (LOINC, "70274-6", "GAD-7 total score"),
    "withdrawal": (CODE_SYSTEM, "withdrawal-symptom-score", "Withdrawal symptom diary score"),
}
UCUM_UNITS = {"g": "g", "mg": "mg", "ml": "mL"}


def _uuid(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '|'.join(str(p) for p in parts))}"


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY, "code": code}]}]


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _observation(
    patient: str,
    code: dict[str, Any],
    category: str,
    effective: dict[str, Any],
    value: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(category),
        "code": code,
        "subject": {"reference": patient},
        **effective,
        "valueQuantity": value,
        **extra,
    }


def diary_observations(
    patient: str, entries: Iterable[DiaryEntry], tz: str
) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in entries:
        try:
            metrics = compute_night(entry, tz).to_dict()
            line = entry.timeline(tz)
        except InvalidInput:
            continue
        period = {
            "effectivePeriod": {
                "start": line.bedtime.isoformat(),
                "end": line.out_of_bed.isoformat(),
            }
        }
        for key, (system, code, display, unit) in DIARY_CODES.items():
            url = _uuid(patient, "diary", entry.date, key)
            out.append(
                (
                    url,
                    _observation(
                        patient,
                        _coding(system, code, display),
                        "survey",
                        period,
                        _quantity(metrics[key], unit),
                    ),
                )
            )
    return out


def device_observations(
    patient: str, nights: Iterable[DeviceNight]
) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for night in nights:
        if night.is_nap:
            continue
        period = {
            "effectivePeriod": {"start": night.start.isoformat(), "end": night.end.isoformat()}
        }
        values = {"tst_min": night.tst_min, **dict(night.stages)}
        for key, minutes in values.items():
            if key not in DEVICE_CODES:
                continue
            system, code, display = DEVICE_CODES[key]
            url = _uuid(patient, "device", night.source, night.date, key)
            out.append(
                (
                    url,
                    _observation(
                        patient,
                        _coding(system, code, display),
                        "activity",
                        period,
                        _quantity(minutes, "min"),
                        device={"display": night.source},
                    ),
                )
            )
    return out


def questionnaire_entries(
    patient: str, checkins: Iterable[CheckinDay]
) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for c in checkins:
        answers: dict[str, Sequence[int]] = {}
        if c.phq9 is not None:
            answers["phq9"] = c.phq9
        if c.gad7 is not None:
            answers["gad7"] = c.gad7
        if c.symptoms:
            answers["withdrawal"] = [c.symptoms[s] for s in sorted(c.symptoms)]
        for name, items in answers.items():
            names = (
                sorted(c.symptoms)
                if name == "withdrawal"
                else [str(i + 1) for i in range(len(items))]
            )
            qr_url = _uuid(patient, "qr", name, c.date)
            out.append(
                (
                    qr_url,
                    {
                        "resourceType": "QuestionnaireResponse",
                        "questionnaire": QUESTIONNAIRE_BASE + name,
                        "status": "completed",
                        "subject": {"reference": patient},
                        "authored": c.date.isoformat(),
                        "item": [
                            {"linkId": link, "answer": [{"valueInteger": int(v)}]}
                            for link, v in zip(names, items, strict=True)
                        ],
                    },
                )
            )
            system, code, display = QUESTIONNAIRES[name]
            out.append(
                (
                    _uuid(patient, "total", name, c.date),
                    _observation(
                        patient,
                        _coding(system, code, display),
                        "survey",
                        {"effectiveDateTime": c.date.isoformat()},
                        _quantity(sum(items), "{score}"),
                        derivedFrom=[{"reference": qr_url}],
                    ),
                )
            )
    return out


def intake_observations(
    patient: str, events: Iterable[IntakeEvent]
) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for e in events:
        unit = UCUM_UNITS.get(e.unit, "{" + e.unit.rstrip("s") + "}")
        code = {
            "coding": [{"system": CODE_SYSTEM, "code": "intake", "display": "Intake"}],
            "text": f"Intake: {e.substance} ({e.substance_class})",
        }
        out.append(
            (
                _uuid(patient, "intake", e.at.isoformat(), e.substance, e.amount),
                _observation(
                    patient,
                    code,
                    "social-history",
                    {"effectiveDateTime": e.at.isoformat()},
                    _quantity(e.amount, unit),
                ),
            )
        )
    return out


def build_bundle(
    *,
    person_id: int,
    name: str,
    tz: str,
    entries: Sequence[DiaryEntry],
    nights: Sequence[DeviceNight],
    checkins: Sequence[CheckinDay],
    intake: Sequence[IntakeEvent],
    now: dt.datetime,
) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict."""
    patient_url = _uuid("patient", person_id)
    patient = {"resourceType": "Patient", "active": True, "name": [{"text": name}]}
    entries_out: list[tuple[str, dict[str, Any]]] = [(patient_url, patient)]
    entries_out += diary_observations(patient_url, entries, tz)
    entries_out += device_observations(patient_url, nights)
    entries_out += questionnaire_entries(patient_url, checkins)
    entries_out += intake_observations(patient_url, intake)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries_out],
    }
