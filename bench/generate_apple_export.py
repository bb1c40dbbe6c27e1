"""Write a realistic, synthetic Apple Health export.zip of a chosen size (streaming).

    python bench/generate_apple_export.py --size-gb 1 --out bench/out/apple_export_1gb.zip

The zip holds ``apple_health_export/export.xml`` (the size asked for is that XML's size,
uncompressed), ``export_cda.xml`` and a few ``workout-routes/*.gpx``, as the Health app
writes them. The XML opens with the real shape of header (``HealthKit Export Version``
comment, ELEMENT/ATTLIST internal subset), then ``ExportDate``, ``Me``, then Records
grouped by type (mostly heart rate, step count, active and basal energy, walking
distance; HRV records with ``InstantaneousBeatsPerMinute`` children; three sleep sources:
an Apple Watch with stages and ``HKTimeZone`` metadata, the iPhone's InBed, AutoSleep with
the pre-iOS-16 ``Asleep`` value; naps on some afternoons), then Workouts with statistics
and routes, then one ActivitySummary per day. About three years (``--years``) in
America/New_York up to 2026-10-30, so nights cross daylight-saving changes.
Deterministic for a given ``--seed``; nothing is kept in memory but one day's records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/New_York")
FIRST_DAY = dt.date(2023, 11, 1)
DAYS = 3 * 365
#: The last day of every export (``--years`` counts back from it).
LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)
WATCH = "Jordan’s Apple Watch"
PHONE = "Jordan’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x300e1a3f0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,2, software:10.3&gt;"
)
PHONE_DEVICE = (
    "&lt;&lt;HKDevice: 0x300e4b2a0&gt;, name:iPhone, manufacturer:Apple Inc., "
    "model:iPhone, hardware:iPhone14,5, software:17.3.1&gt;"
)
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|{MORE})*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-11-01 09:00:00 -0500"/>
 {ME}
""".format(
    MORE="ClinicalRecord|Audiogram|VisionPrescription",
    ME=(
        '<Me HKCharacteristicTypeIdentifierDateOfBirth="1988-02-11" '
        'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale" '
        'HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" '
        'HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"/>'
    ),
)


class Clock:
    """Apple-style local timestamps for epoch seconds, the offset cached per hour."""

    def __init__(self) -> None:
        self._offsets: dict[int, tuple[int, str]] = {}

    def stamp(self, epoch: float) -> str:
        second = int(epoch)
        hour = second // 3600
        cached = self._offsets.get(hour)
        if cached is None:
            local = dt.datetime.fromtimestamp(hour * 3600, dt.UTC).astimezone(ZONE)
            offset = int(local.utcoffset().total_seconds())  # type: ignore[union-attr]
            sign = "-" if offset < 0 else "+"
            text = f"{sign}{abs(offset) // 3600:02d}{abs(offset) % 3600 // 60:02d}"
            cached = self._offsets[hour] = (offset, text)
        t = time.gmtime(second + cached[0])
        return (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {cached[1]}"
        )


def local_epoch(day: dt.date, hour: float) -> float:
    """Epoch seconds of a local wall time on ``day`` (hour may exceed 24)."""
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=ZONE)
    return midnight.timestamp() + hour * 3600


def record(
    clock: Clock,
    kind: str,
    source: str,
    device: str,
    unit: str,
    start: float,
    end: float,
    value: str,
    children: str = "",
) -> str:
    created = clock.stamp(end + 30)
    unit_attr = f' unit="{unit}"' if unit else ""
    device_attr = f' device="{device}"' if device else ""
    head = (
        f' <Record type="{kind}" sourceName="{source}" sourceVersion="10.3"{device_attr}'
        f'{unit_attr} creationDate="{created}" startDate="{clock.stamp(start)}" '
        f'endDate="{clock.stamp(end)}" value="{value}"'
    )
    if children:
        return f"{head}>\n{children} </Record>\n"
    return f"{head}/>\n"


SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
VALUE = "HKCategoryValueSleepAnalysis"
TZ_META = '  <MetadataEntry key="HKTimeZone" value="America/New_York"/>\n'


def sleep_day(clock: Clock, rng: random.Random, day: dt.date) -> Iterator[str]:
    """One night (evening of ``day``) from three sources, and sometimes a nap."""
    bed = 22.5 + rng.random() * 1.5
    onset = bed + 0.1 + rng.random() * 0.4
    wake = 30.3 + rng.random() * 1.2
    rise = wake + 0.1 + rng.random() * 0.3
    yield record(
        clock, SLEEP, PHONE, "", "", local_epoch(day, bed), local_epoch(day, rise), VALUE + "InBed"
    )
    t = onset
    while t < wake:
        stage = rng.choices(["AsleepCore", "AsleepDeep", "AsleepREM", "Awake"], [55, 15, 22, 8])
        length = (0.05 + rng.random() * 0.6) if stage[0] != "Awake" else 0.03 + rng.random() * 0.1
        end = min(wake, t + length)
        yield record(
            clock,
            SLEEP,
            WATCH,
            WATCH_DEVICE,
            "",
            local_epoch(day, t),
            local_epoch(day, end),
            VALUE + stage[0],
            TZ_META,
        )
        t = end
    auto_on = onset + rng.random() * 0.3
    middle = auto_on + (wake - auto_on) * (0.4 + rng.random() * 0.2)
    yield record(
        clock,
        SLEEP,
        "AutoSleep",
        "",
        "",
        local_epoch(day, bed + 0.05),
        local_epoch(day, rise - 0.05),
        VALUE + "InBed",
    )
    yield record(
        clock,
        SLEEP,
        "AutoSleep",
        "",
        "",
        local_epoch(day, auto_on),
        local_epoch(day, middle),
        VALUE + "Asleep",
    )
    yield record(
        clock,
        SLEEP,
        "AutoSleep",
        "",
        "",
        local_epoch(day, middle + 0.2),
        local_epoch(day, wake),
        VALUE + "Asleep",
    )
    if rng.random() < 0.1:
        nap = 13.5 + rng.random() * 3
        yield record(
            clock,
            SLEEP,
            WATCH,
            WATCH_DEVICE,
            "",
            local_epoch(day, nap),
            local_epoch(day, nap + 0.3 + rng.random() * 0.5),
            VALUE + "AsleepCore",
            TZ_META,
        )


def quantity(
    kind: str,
    unit: str,
    source: str,
    device: str,
    period_s: float,
    duration_s: float,
    low: float,
    high: float,
    decimals: int,
    meta: str = "",
) -> Callable[[Clock, random.Random, dt.date, int], Iterator[str]]:
    """A generator of one quantity type's records for a day, ~``budget`` bytes of them."""

    def day_records(clock: Clock, rng: random.Random, day: dt.date, budget: int) -> Iterator[str]:
        t = local_epoch(day, 0) + rng.random() * period_s
        written = 0
        while written < budget:
            value = f"{low + rng.random() * (high - low):.{decimals}f}"
            text = record(clock, kind, source, device, unit, t, t + duration_s, value, meta)
            written += len(text)
            yield text
            t += period_s * (0.5 + rng.random())

    return day_records


def hrv(clock: Clock, rng: random.Random, day: dt.date, budget: int) -> Iterator[str]:
    written = 0
    hour = 0.5
    while written < budget:
        start = local_epoch(day, hour)
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{rng.randint(52, 75)}" '
            f'time="{1 + int(hour) % 12}:{i:02d}:{rng.randint(10, 59)}.'
            f'{rng.randint(10, 99)} AM"/>\n'
            for i in range(rng.randint(40, 70))
        )
        children = (
            f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n"
        )
        value = f"{20 + rng.random() * 60:.4f}"
        text = record(
            clock,
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            WATCH,
            WATCH_DEVICE,
            "ms",
            start,
            start + 60,
            value,
            children,
        )
        written += len(text)
        yield text
        hour += 1.5 + rng.random() * 3


HR_META = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
#: (share of the byte budget, generator) per Record type, in export order.
TYPES = [
    (
        0.40,
        quantity(
            "HKQuantityTypeIdentifierHeartRate",
            "count/min",
            WATCH,
            WATCH_DEVICE,
            240,
            0,
            48,
            150,
            0,
            HR_META,
        ),
    ),
    (
        0.14,
        quantity(
            "HKQuantityTypeIdentifierStepCount", "count", PHONE, PHONE_DEVICE, 600, 540, 5, 900, 0
        ),
    ),
    (
        0.16,
        quantity(
            "HKQuantityTypeIdentifierActiveEnergyBurned",
            "kcal",
            WATCH,
            WATCH_DEVICE,
            60,
            60,
            0.05,
            9,
            3,
        ),
    ),
    (
        0.12,
        quantity(
            "HKQuantityTypeIdentifierBasalEnergyBurned",
            "kcal",
            WATCH,
            WATCH_DEVICE,
            60,
            60,
            0.9,
            1.4,
            3,
        ),
    ),
    (
        0.12,
        quantity(
            "HKQuantityTypeIdentifierDistanceWalkingRunning",
            "km",
            PHONE,
            PHONE_DEVICE,
            300,
            280,
            0.001,
            0.8,
            5,
        ),
    ),
    (0.06, hrv),
]


def workouts(clock: Clock, rng: random.Random, day: dt.date, index: int) -> Iterator[str]:
    if rng.random() > 0.35:
        return
    start = local_epoch(day, 17 + rng.random() * 2)
    minutes = 20 + rng.random() * 50
    end = start + minutes * 60
    yield (
        f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="{minutes:.2f}" '
        f'durationUnit="min" sourceName="{WATCH}" sourceVersion="10.3" device="{WATCH_DEVICE}" '
        f'creationDate="{clock.stamp(end + 9)}" startDate="{clock.stamp(start)}" '
        f'endDate="{clock.stamp(end)}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f"  {TZ_META.strip()}\n"
        f'  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" '
        f'startDate="{clock.stamp(start)}" endDate="{clock.stamp(end)}" '
        f'sum="{minutes * 0.09:.3f}" unit="km"/>\n'
        f'  <WorkoutRoute sourceName="{WATCH}" sourceVersion="10.3" '
        f'creationDate="{clock.stamp(end + 12)}" startDate="{clock.stamp(start)}" '
        f'endDate="{clock.stamp(end)}">\n'
        f'   <FileReference path="/workout-routes/route_{day.isoformat()}_{index}.gpx"/>\n'
        "  </WorkoutRoute>\n </Workout>\n"
    )


def activity_summary(rng: random.Random, day: dt.date) -> str:
    return (
        f' <ActivitySummary dateComponents="{day.isoformat()}" '
        f'activeEnergyBurned="{200 + rng.random() * 500:.3f}" activeEnergyBurnedGoal="500" '
        'activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" '
        f'appleExerciseTime="{rng.randint(0, 90)}" appleExerciseTimeGoal="30" '
        f'appleStandHours="{rng.randint(4, 14)}" appleStandHoursGoal="12"/>\n'
    )


def write_export(
    out: Path, size_bytes: int, seed: int, report: Callable[[int], None], years: float = 3
) -> int:
    """Stream the export into ``out``; return the XML's size in bytes."""
    count = round(years * 365)
    days = [LAST_DAY - dt.timedelta(days=count - 1 - i) for i in range(count)]
    clock = Clock()
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        with zf.open("apple_health_export/export.xml", "w", force_zip64=True) as xml:
            pending: list[str] = []

            def emit(text: str) -> None:
                nonlocal written
                pending.append(text)
                if len(pending) >= 4096:
                    flush()

            def flush() -> None:
                nonlocal written
                data = "".join(pending).encode("utf-8")
                pending.clear()
                xml.write(data)
                written += len(data)
                report(written)

            emit(HEADER)
            rng = random.Random(seed)
            for day in days:
                for text in sleep_day(clock, rng, day):
                    emit(text)
            fixed = written + sum(len(p.encode()) for p in pending) + 400 * count * 2
            budget = max(size_bytes - fixed, 0)
            for index, (share, make) in enumerate(TYPES):
                type_rng = random.Random(f"{seed}-type-{index}")
                for day in days:
                    for text in make(clock, type_rng, day, int(budget * share / count)):
                        emit(text)
            work_rng = random.Random(f"{seed}-workouts")
            for index, day in enumerate(days):
                for text in workouts(clock, work_rng, day, index):
                    emit(text)
            summary_rng = random.Random(f"{seed}-summaries")
            for day in days:
                emit(activity_summary(summary_rng, day))
            emit("</HealthData>\n")
            flush()
        zf.writestr(
            "apple_health_export/export_cda.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
            "</ClinicalDocument>\n",
        )
        for index in range(3):
            zf.writestr(
                f"apple_health_export/workout-routes/route_{index}.gpx",
                '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1"><trk><trkseg>'
                '<trkpt lon="-73.9857" lat="40.7484"><ele>10.1</ele></trkpt>'
                "</trkseg></trk></gpx>\n",
            )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-gb", type=float, default=1.0, help="export.xml size, GB (10^9)")
    parser.add_argument("--out", type=Path, default=Path("bench/out/apple_export_1gb.zip"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--years",
        type=float,
        default=3,
        help="years of records, ending on 2026-10-30 (more years: more sleep records)",
    )
    args = parser.parse_args(argv)
    target = int(args.size_gb * 1e9)
    started = time.perf_counter()
    last = [0.0]

    def report(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2:
            last[0] = now
            print(f"  {done / 1e6:8.0f} MB of {target / 1e6:.0f} MB", file=sys.stderr)

    size = write_export(args.out, target, args.seed, report, args.years)
    took = time.perf_counter() - started
    print(
        f"wrote {args.out}: export.xml {size / 1e9:.3f} GB, zip "
        f"{args.out.stat().st_size / 1e6:.0f} MB, in {took:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
