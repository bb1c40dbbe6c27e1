"""A realistic ReportData built from core values (no store): three weeks of a person
cutting down kratom, with diary nights, check-ins, questionnaires, a taper, an alert,
device nights from two sources and the what-helps-me findings computed from the diary."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from nightbridge.core.alerts import Alert
from nightbridge.core.diary import DiaryEntry
from nightbridge.core.metrics import compute_night
from nightbridge.core.nof1 import NightObservation, find_what_helps
from nightbridge.core.regularity import assess_regularity, sleep_day_from_diary
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

TZ = "America/Chicago"
SYMPTOMS = ("aches", "runny_nose", "sweating", "restlessness", "anxiety", "insomnia", "craving")


def sample_report(
    *, days: int = 21, audience: str = "person", end: dt.date = dt.date(2026, 3, 22)
) -> ReportData:
    rng = random.Random(42)
    start = end - dt.timedelta(days=days - 1)
    nights: list[DiaryNight] = []
    observations: list[NightObservation] = []
    checkins: list[CheckinDay] = []
    intake: list[IntakeDay] = []
    devices: list[DeviceNightRow] = []
    for i in range(days):
        date = start + dt.timedelta(days=i)
        if i in (5, 12):
            continue  # two mornings without a diary
        caffeine = rng.random() < 0.4
        bed_min = 22 * 60 + 30 + rng.randint(-30, 45)
        sol = max(5, 55 - 2 * i + rng.randint(-8, 8) + (18 if caffeine else 0))
        waso = max(5, 60 - 2 * i + rng.randint(-10, 10))
        wake_min = 6 * 60 + 10 + rng.randint(-20, 25)
        entry = DiaryEntry(
            date=date,
            bedtime=dt.time(bed_min // 60 % 24, bed_min % 60),
            lights_off=dt.time((bed_min + 10) // 60 % 24, (bed_min + 10) % 60),
            sol_min=sol,
            nwak=2 if waso else 0,
            waso_min=waso,
            final_wake=dt.time(wake_min // 60, wake_min % 60),
            out_of_bed=dt.time((wake_min + 20) // 60, (wake_min + 20) % 60),
            quality=min(5, 2 + i // 7),
        )
        metrics = compute_night(entry, TZ)
        line = entry.timeline(TZ)
        nights.append(
            DiaryNight(metrics, line.bedtime, line.lights_off, line.final_wake, line.out_of_bed)
        )
        observations.append(
            NightObservation(
                date,
                {"sol_min": metrics.sol_min, "tst_min": metrics.tst_min, "se_pct": metrics.se_pct},
                {"caffeine_after_noon": caffeine},
            )
        )
        checkins.append(
            CheckinDay(
                date,
                {s: max(0, min(4, 3 - i // 6 + rng.randint(-1, 1))) for s in SYMPTOMS},
                function=min(5, 2 + i // 6),
            )
        )
        amount = round(max(0.0, 6.0 - 0.25 * i + rng.choice((0.0, 0.0, 0.5))), 1)
        intake.append(IntakeDay(date, "kratom", "kratom", amount, "g", 2))
        devices.append(
            DeviceNightRow(
                date,
                "Apple Watch",
                True,
                metrics.tst_min + 12,
                metrics.tib_min - 15,
                12,
                30,
                88.0,
                {"deep": 60},
            )
        )
        if i % 3 == 0:
            devices.append(
                DeviceNightRow(
                    date, "Oura", False, metrics.tst_min - 20, metrics.tib_min - 5, 20, 40, 80.0
                )
            )
    regularity = assess_regularity(
        [
            sleep_day_from_diary(
                n.date, n.lights_off, n.metrics.sol_min, n.final_wake, n.out_of_bed
            )
            for n in nights
            if n.lights_off and n.final_wake and n.out_of_bed
        ],
        TZ,
    )
    steps = tuple(
        TaperStepView(
            k + 1,
            start + dt.timedelta(days=7 * k),
            start + dt.timedelta(days=7 * k + 6),
            float(Decimal("6.0") - Decimal("0.6") * k),
            "g",
            7,
            6,
            1 if k else 0,
            5.5 - k,
        )
        for k in range(3)
    )
    return ReportData(
        person="Sam Rivera",
        audience=audience,
        start=start,
        end=end,
        tz=TZ,
        generated=dt.datetime(2026, 3, 22, 14, 0, tzinfo=dt.UTC),
        nights=tuple(nights),
        window=WindowView("keep", 390, "23:45", "06:15", ("Pooled SE 86.2 % over 7 nights.",)),
        checkins=tuple(checkins),
        symptom_names=SYMPTOMS,
        symptom_labels={s: s.replace("_", " ") for s in SYMPTOMS},
        questionnaires={
            "phq9": ((start, 14), (start + dt.timedelta(days=7), 11), (end, 8)),
            "gad7": ((start, 12), (start + dt.timedelta(days=14), 9)),
        },
        intake=tuple(intake),
        taper=TaperView("kratom", "g", steps, "Tolerance is lost at the end of a taper."),
        alerts=(
            Alert(
                "urgent",
                "combination_cns_depressant",
                "Kratom and alcohol were logged on the "
                "same day: this combination can slow breathing.",
                end - dt.timedelta(days=3),
                evidence={"substances": "kratom, alcohol"},
                source="FDA Drug Safety Communication 2016",
            ),
            Alert(
                "advise",
                "phq9_moderate",
                "PHQ-9 total 14 (moderate): raise it at your next contact.",
                start,
                evidence={"phq9_total": 14},
            ),
        ),
        findings=tuple(find_what_helps(observations, outcomes=["sol_min", "tst_min", "se_pct"])),
        findings_nights=len(observations),
        regularity=regularity,
        device_nights=tuple(devices),
    )
