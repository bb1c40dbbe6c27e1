"""The demo's device nights: a small Apple Health ``export.xml`` for Sam, made in memory.

``apple_health_export`` is pure and seeded: it writes what an iPhone and an Apple Watch
would have exported over the demo's span, and ``services.demo.demo.load_demo`` imports it
through ``services.devices.devices.import_device`` like any other export (docs/device-nights.md).

- **Sam's iPhone** writes one ``InBed`` sample a night (its bedtime schedule): from about
  the diary's bedtime to about the time out of bed. Time in bed alone is not a night
  (definitions.md section 7), so it never speaks for one.
- **Sam's Apple Watch** writes ``Awake`` from lights out until it detects sleep, then
  about 90-minute cycles of core (light), deep and REM sleep (deep early in the night,
  REM longer towards morning), with a few awakenings, until the final wake, and a few
  minutes ``Awake`` after it. Like most wearables it reads a little more sleep than the
  diary: a shorter time to fall asleep and less time awake in the night. It was on the
  charger on three nights.

Nights with a diary entry follow that entry's clock times; nights without one (the first
night, the two missed mornings) get times drawn like the diary's. Every instant carries
the UTC offset of the person's zone at that instant, as Apple writes it, so a night that
crosses a daylight-saving change keeps both offsets. Samples that end after ``now`` are
left out (tonight has not happened yet).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from nightbridge.core.timeline import to_instant

if TYPE_CHECKING:
    from nightbridge.services.demo.demo import DemoPlan
    from nightbridge.storage.database import Database

WATCH = "Sam’s Apple Watch"
PHONE = "Sam’s iPhone"
#: Nights (days from the demo's start, counted from its end when negative) the watch
#: was charging.
WATCH_OFF_NIGHTS = (7, 19, -9)
_VALUE = "HKCategoryValueSleepAnalysis"
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
]>
<HealthData locale="en_US">
 <ExportDate value="{exported}"/>
"""


def _stamp(instant: dt.datetime, zone: ZoneInfo) -> str:
    """Apple's ``YYYY-MM-DD HH:MM:SS +HHMM`` in the zone's offset at that instant."""
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %z")


def _record(
    source: str, version: str, value: str, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> str:
    created = _stamp(end + dt.timedelta(minutes=3), zone)
    return (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" '
        f'sourceVersion="{version}" creationDate="{created}" startDate="{_stamp(start, zone)}" '
        f'endDate="{_stamp(end, zone)}" value="{_VALUE}{value}"/>\n'
    )


def _at(day: dt.date, clock: str, zone: ZoneInfo) -> dt.datetime:
    """A diary clock time as an instant (UTC): 12:00 or later is the evening before."""
    hours, minutes = (int(part) for part in clock.split(":"))
    date = day - dt.timedelta(days=1) if hours >= 12 else day
    return to_instant(dt.datetime.combine(date, dt.time(hours, minutes)), zone)


def _stages(rng: random.Random, asleep_min: float, awakenings: int) -> list[tuple[str, float]]:
    """(value, minutes) from sleep onset to the final wake: cycles of core, deep, core and
    REM, with ``awakenings`` short ``Awake`` spells at the ends of the early cycles."""
    out: list[tuple[str, float]] = []
    left = asleep_min
    cycle = 0
    while left >= 1:
        deep = max(0.0, 42 - 13 * cycle + rng.gauss(0, 5))
        rem = max(6.0, 12 + 9 * cycle + rng.gauss(0, 4))
        core = max(20.0, rng.gauss(88, 8) - deep - rem)
        for value, minutes in (
            ("AsleepCore", core * 0.6),
            ("AsleepDeep", deep),
            ("AsleepCore", core * 0.4),
            ("AsleepREM", rem),
        ):
            take = min(round(minutes, 1), left)
            if take >= 1:
                out.append((value, take))
                left -= take
        if left >= 1 and cycle < awakenings:
            out.append(("Awake", -1.0))  # its length is filled in by the caller
        cycle += 1
    return out


def _watch_night(
    rng: random.Random, diary: dict[str, str], day: dt.date, zone: ZoneInfo
) -> list[tuple[str, dt.datetime, dt.datetime]]:
    lights_off = _at(day, diary["lights_off"], zone)
    final_wake = _at(day, diary["final_wake"], zone) + dt.timedelta(minutes=rng.randint(-4, 6))
    onset = lights_off + dt.timedelta(minutes=round(int(diary["sol_min"]) * rng.uniform(0.5, 0.8)))
    awakenings = max(1, int(diary["nwak"]) - rng.randint(0, 1))
    awake_min = max(int(diary["waso_min"]) * rng.uniform(0.5, 0.75), 5.0 * awakenings)
    asleep_min = (final_wake - onset).total_seconds() / 60 - awake_min
    plan = _stages(rng, asleep_min, awakenings)
    spells = sum(1 for value, _ in plan if value == "Awake") or 1
    samples = [("Awake", lights_off, onset)]
    at = onset
    for value, minutes in plan:
        length = awake_min / spells if value == "Awake" else minutes
        end = at + dt.timedelta(minutes=round(length, 1))
        samples.append((value, at, end))
        at = end
    samples.append(("Awake", at, at + dt.timedelta(minutes=rng.randint(2, 7))))  # waking up
    return samples


def apple_health_export(plan: DemoPlan, zone_name: str, now: dt.datetime, *, seed: int) -> bytes:
    """The export.xml of Sam's phone and watch over ``plan``'s nights (see module)."""
    from nightbridge.services.demo.demo import _diary

    zone = ZoneInfo(zone_name)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    count = len(plan.days)
    off = {plan.days[i % count].date for i in WATCH_OFF_NIGHTS}
    parts = [_HEAD.format(exported=_stamp(now, zone))]
    for i, day in enumerate(plan.days):
        diary = day.diary or _diary(rng, day.date, i / (count - 1))
        bed = _at(day.date, diary["bedtime"], zone) + dt.timedelta(minutes=rng.randint(-6, 4))
        up = _at(day.date, diary["out_of_bed"], zone) + dt.timedelta(minutes=rng.randint(-3, 5))
        watch = [] if day.date in off else _watch_night(rng, diary, day.date, zone)
        if up > now or any(end > now for _, _, end in watch):
            continue  # the night is not over yet
        parts.append(_record(PHONE, "17.6.1", "InBed", bed, up, zone))
        parts.extend(_record(WATCH, "10.6", value, start, end, zone) for value, start, end in watch)
    parts.append("</HealthData>\n")
    return "".join(parts).encode("utf-8")


def import_demo_devices(
    db: Database, person_id: int, plan: DemoPlan, zone_name: str, now: dt.datetime
) -> None:
    """Sam's phone and watch nights, through the real Apple Health import."""
    from io import BytesIO

    from nightbridge.services.demo.demo import SEED
    from nightbridge.services.devices.devices import import_device

    export = BytesIO(apple_health_export(plan, zone_name, now, seed=SEED + 2))
    export.name = "export.xml"
    import_device(db, person_id, "apple-health", export, tz=zone_name)
