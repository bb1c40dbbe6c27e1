"""The morning sleep diary: one entry per morning (docs/definitions.md section 1).

Core items follow the Consensus Sleep Diary (Carney et al., "The Consensus Sleep Diary:
standardizing prospective sleep self-monitoring", SLEEP 2012;35(2):287-302): the entry is
filled in within an hour of getting up and is dated by that morning. Optional evening
items (naps, caffeine, alcohol, rested) follow the same paper's expanded diary.

``parse_entry`` turns raw fields (a CSV row, CLI options, a web form) into a
``DiaryEntry`` and refuses bad input with ONE ``InvalidInput`` that lists every problem,
each naming its field (and row). An entry is refused when:

* a required field is missing or unparseable;
* a number is negative (or not a whole number);
* ``quality`` (or ``rested``) is outside 1..5;
* an event is before the event before it (possible only with full datetimes, or a time
  skipped by a spring-forward change, see ``core.timeline``);
* bedtime is not on the evening before the date or on the date itself;
* time in bed is zero, or more than 24 h from bedtime to out of bed;
* ``sol_min + waso_min`` is longer than ``final_wake - lights_off``;
* ``nwak`` is 0 while ``waso_min`` > 0;
* the date is after ``today``;
* out of bed after ``now``, the moment of entry;
* unless the person confirms it (``confirmed``): more than 16 h in bed, with the likely
  AM/PM slip named (into bed "11:00" and up "07:00" is 20 h: did you mean 23:00?;
  ``implausible_night``).

Reasons are written for the person: they name the question in words (``WORDS``),
never an internal field name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.timeline import (
    EVENTS,
    NightTimeline,
    TimeFormatError,
    TimeValue,
    format_time_value,
    is_nonexistent,
    parse_time_value,
    place_night,
    place_walls,
)
from nightbridge.core.values import int_problem, parse_day

#: Required diary items, in the order of the diary CSV header (docs/cli.md).
REQUIRED_FIELDS: tuple[str, ...] = (
    "date",
    "bedtime",
    "lights_off",
    "sol_min",
    "nwak",
    "waso_min",
    "final_wake",
    "out_of_bed",
    "quality",
)
#: Optional evening items, after the required ones in a CSV.
OPTIONAL_FIELDS: tuple[str, ...] = (
    "rested",
    "naps",
    "naps_min",
    "caffeine",
    "last_caffeine",
    "alcohol",
    "last_alcohol",
    "note",
)
ALL_FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS

#: The longest a night may be, bedtime to out of bed (definitions.md section 1).
MAX_NIGHT = dt.timedelta(hours=24)
#: Longer in bed than this is refused unless the person confirms it (definitions.md
#: section 1): a 20 h "night" is nearly always an AM/PM slip, and would drive titration.
LONG_NIGHT = dt.timedelta(hours=16)
#: The last words of a reason the person may overrule by confirming the night.
CONFIRM_HINT = "if it is right, confirm it and save again"
#: The longest note kept (characters).
MAX_NOTE = 2000

_COUNTS = ("sol_min", "nwak", "waso_min")
_OPTIONAL_COUNTS = ("naps", "naps_min", "caffeine", "alcohol")
_OPTIONAL_CLOCKS = ("last_caffeine", "last_alcohol")

FieldValue = str | int | None


@dataclass(frozen=True, slots=True)
class DiaryEntry:
    """One morning's diary (Carney et al. 2012, core items 1-9, plus evening items).

    Times are as entered: clock times (``dt.time``) or datetimes (naive = wall clock in
    the person's zone, or aware). Minutes are whole minutes; ``quality`` and ``rested``
    are ratings 1 (very poor) .. 5 (very good).
    """

    date: dt.date
    bedtime: TimeValue
    lights_off: TimeValue
    sol_min: int
    nwak: int
    waso_min: int
    final_wake: TimeValue
    out_of_bed: TimeValue
    quality: int
    rested: int | None = None
    naps: int | None = None
    naps_min: int | None = None
    caffeine: int | None = None
    last_caffeine: dt.time | None = None
    alcohol: int | None = None
    last_alcohol: dt.time | None = None
    note: str = ""

    def timeline(self, tz: str) -> NightTimeline:
        """The night's events as instants in ``tz`` (core.timeline)."""
        return place_night(
            self.date, self.bedtime, self.lights_off, self.final_wake, self.out_of_bed, tz
        )

    def to_fields(self) -> dict[str, str]:
        """Every item as text, in CSV column order; ``parse_entry`` reads it back the same."""
        out: dict[str, str] = {}
        for name in ALL_FIELDS:
            value = getattr(self, name)
            if value is None:
                out[name] = ""
            elif isinstance(value, dt.datetime | dt.time):
                out[name] = format_time_value(value)
            elif isinstance(value, dt.date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out


class _Collector:
    """Parses fields one by one, collecting every problem instead of stopping at the first."""

    def __init__(self, fields: Mapping[str, FieldValue], row: int | None) -> None:
        self.fields = fields
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, field: str, reason: str) -> None:
        self.problems.append(Problem(field, reason, self.row))

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return str(value)
        text = str(value).strip()
        return text or None

    def required(self, name: str) -> str | None:
        text = self.text(name)
        if text is None:
            self.fail(name, "is required")
        return text

    def date(self, name: str) -> dt.date | None:
        text = self.required(name)
        if text is None:
            return None
        try:
            return parse_day(text, name)
        except InvalidInput as exc:
            self.fail(name, exc.problems[0].reason)
            return None

    def time(self, name: str, *, required: bool = True) -> TimeValue | None:
        text = self.required(name) if required else self.text(name)
        if text is None:
            return None
        try:
            return parse_time_value(text)
        except TimeFormatError as exc:
            self.fail(name, str(exc))
            return None

    def count(self, name: str, *, required: bool = True) -> int | None:
        raw = self.fields.get(name)
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        else:
            text = self.required(name) if required else self.text(name)
            if text is None:
                return None
            try:
                number = int(text)
            except ValueError:
                self.fail(name, f"{text!r} is not a whole number")
                return None
        if number < 0:
            self.fail(name, f"must not be negative (got {number})")
            return None
        too_large = int_problem(number)
        if too_large:
            self.fail(name, too_large)
            return None
        return number

    def rating(self, name: str, *, required: bool = True) -> int | None:
        number = self.count(name, required=required)
        if number is not None and not 1 <= number <= 5:
            self.fail(name, f"must be between 1 and 5 (got {number})")
            return None
        return number


def parse_entry(
    fields: Mapping[str, FieldValue],
    *,
    today: dt.date,
    row: int | None = None,
    tz: str = "UTC",
    now: dt.datetime | None = None,
    confirmed: bool = False,
) -> DiaryEntry:
    """A validated ``DiaryEntry`` from raw fields, or ``InvalidInput`` listing every problem.

    ``today`` is the person's local date (entries dated after it are refused); ``row`` is
    the spreadsheet row number for messages; ``tz`` is the person's IANA zone, used to
    check the night's length between instants (a DST night is an hour shorter or longer).
    ``now`` (aware) is the moment of entry: getting out of bed after it is refused.
    Unless ``confirmed``, an implausible night is refused first (``ImplausibleNight``).
    """
    c = _Collector(fields, row)
    date = c.date("date")
    times = {name: c.time(name) for name in EVENTS}
    sol, nwak, waso = (c.count(name) for name in _COUNTS)
    quality = c.rating("quality")
    rested = c.rating("rested", required=False)
    optional = {name: c.count(name, required=False) for name in _OPTIONAL_COUNTS}
    clocks: dict[str, dt.time | None] = {}
    for name in _OPTIONAL_CLOCKS:
        value = c.time(name, required=False)
        if isinstance(value, dt.datetime):
            value = value.time()
        clocks[name] = value
    note = (c.text("note") or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(note) > MAX_NOTE:
        c.fail("note", f"is longer than {MAX_NOTE} characters")

    if date is not None and date > today:
        c.fail("date", f"{date.isoformat()} is in the future (today is {today.isoformat()})")
    if nwak == 0 and waso is not None and waso > 0:
        c.fail(
            "nwak",
            f"is 0, but you were awake {waso} min in the night: count the times you woke",
        )

    if c.problems:
        raise InvalidInput(c.problems)
    assert date is not None and sol is not None and nwak is not None and waso is not None
    assert quality is not None
    entry = DiaryEntry(
        date=date,
        bedtime=_known(times["bedtime"]),
        lights_off=_known(times["lights_off"]),
        sol_min=sol,
        nwak=nwak,
        waso_min=waso,
        final_wake=_known(times["final_wake"]),
        out_of_bed=_known(times["out_of_bed"]),
        quality=quality,
        rested=rested,
        note=note,
        last_caffeine=clocks["last_caffeine"],
        last_alcohol=clocks["last_alcohol"],
        **optional,
    )
    problems = check_night(entry, tz, row=row)
    if problems:
        raise InvalidInput(problems)
    if not confirmed:
        doubts = implausible_night(entry, tz, row=row)
        if doubts:
            raise ImplausibleNight(doubts)
    if now is not None:
        future = rise_after(entry, tz, now, row=row)
        if future:
            raise InvalidInput(future)
    return entry


class ImplausibleNight(InvalidInput):
    """A night that is possible but nearly always a mistake (more than 16 h in bed, often
    an AM/PM slip): refused until the person confirms it."""


def _hm(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _wall(value: TimeValue) -> dt.time:
    return value.time() if isinstance(value, dt.datetime) else value


def _shift(clock: dt.time, hours: int) -> str:
    return f"{(clock.hour + hours) % 24:02d}:{clock.minute:02d}"


def implausible_night(entry: DiaryEntry, tz: str, *, row: int | None = None) -> list[Problem]:
    """Why a valid night is hard to believe (empty when it is not), each reason on the
    answer most likely at fault and ending with ``CONFIRM_HINT``:

    * more than ``LONG_NIGHT`` (16 h) in bed: into bed between 05:00 and 12:59 reads as a
      morning time typed for an evening one (``bedtime``: "did you mean 23:00?"); out of
      bed between 12:00 and 20:59 as an afternoon time for a morning one (``out_of_bed``);
      otherwise ``out_of_bed`` names the length.
    """
    night = entry.timeline(tz)
    problems: list[Problem] = []
    in_bed = (night.out_of_bed - night.bedtime).total_seconds() / 60
    if in_bed > LONG_NIGHT.total_seconds() / 60:
        bed, up = _wall(entry.bedtime), _wall(entry.out_of_bed)
        length = f"{_hm(in_bed)} in bed, more than 16 h"
        if 5 <= bed.hour <= 12:
            problems.append(
                Problem(
                    "bedtime",
                    f"into bed at {bed:%H:%M} and out of bed at {up:%H:%M} is {length}: did "
                    f"you mean {_shift(bed, 12)}? {CONFIRM_HINT[0].upper()}{CONFIRM_HINT[1:]}",
                    row,
                )
            )
        elif 12 <= up.hour <= 20:
            problems.append(
                Problem(
                    "out_of_bed",
                    f"into bed at {bed:%H:%M} and out of bed at {up:%H:%M} is {length}: did "
                    f"you mean {_shift(up, -12)}? {CONFIRM_HINT[0].upper()}{CONFIRM_HINT[1:]}",
                    row,
                )
            )
        else:
            problems.append(
                Problem(
                    "out_of_bed",
                    f"is {_hm(in_bed)} after {WORDS['bedtime']}, more "
                    f"than 16 h: check both times; {CONFIRM_HINT}",
                    row,
                )
            )
    return problems


def rise_after(
    entry: DiaryEntry, tz: str, now: dt.datetime, *, row: int | None = None
) -> list[Problem]:
    """Out of bed after ``now``, the moment of entry: refused outright (definitions.md
    section 1), asked only once the night's length is believable."""
    night = entry.timeline(tz)
    if night.out_of_bed <= now:
        return []
    local, up = now.astimezone(ZoneInfo(tz)), night.out_of_bed.astimezone(ZoneInfo(tz))
    return [
        Problem(
            "out_of_bed",
            f"{up:%H:%M} on {up.date().isoformat()} has not come yet (it is {local:%H:%M} "
            f"on {local.date().isoformat()} now): check the time and the morning",
            row,
        )
    ]


def _known(value: TimeValue | None) -> TimeValue:
    # Only reached when no problem was recorded, so every required time was parsed.
    assert value is not None
    return value


#: The diary's times and counts in the words of its questions, for the reasons given
#: (a reason names another question in words, never by its field name).
WORDS: dict[str, str] = {
    "bedtime": "getting into bed",
    "lights_off": "starting to try to sleep",
    "final_wake": "waking for the last time",
    "out_of_bed": "getting out of bed",
}


def check_night(entry: DiaryEntry, tz: str, *, row: int | None = None) -> list[Problem]:
    """The problems with the night's timing once placed in ``tz`` (empty when it is valid).

    Checks: events in order; bedtime on the evening before or the morning of the date;
    time in bed longer than 0 and at most 24 h; ``sol_min + waso_min`` not longer than
    ``final_wake - lights_off`` (definitions.md section 1).
    """
    problems: list[Problem] = []
    night = entry.timeline(tz)
    zone = ZoneInfo(tz)
    placed = place_walls(entry.date, [getattr(entry, name) for name in EVENTS], tz)
    for (wall_before, before), (_wall, after), name_before, name in zip(
        placed, placed[1:], EVENTS, EVENTS[1:], strict=False
    ):
        if after < before:
            reason = f"is before {WORDS[name_before]}"
            if is_nonexistent(wall_before, zone):
                reason += (
                    f" ({wall_before:%H:%M} did not exist on "
                    f"{wall_before:%Y-%m-%d} in {tz}: the clocks went forward, so it is "
                    "read in the time before the change)"
                )
            problems.append(Problem(name, reason, row))
    local_bed = night.bedtime.astimezone(ZoneInfo(tz)).date()
    if isinstance(entry.bedtime, dt.datetime) and local_bed not in (
        entry.date,
        entry.date - dt.timedelta(days=1),
    ):
        problems.append(
            Problem(
                "bedtime",
                "must be on the evening before the morning this is for, or on that morning",
                row,
            )
        )
    if problems:
        return problems
    in_bed = night.out_of_bed - night.bedtime
    if in_bed > MAX_NIGHT:
        hours, rest = divmod(round(in_bed.total_seconds() / 60), 60)
        problems.append(
            Problem(
                "out_of_bed",
                f"is more than 24 h after getting into bed ({hours} h {rest} min)",
                row,
            )
        )
    elif in_bed <= dt.timedelta(0):
        problems.append(Problem("out_of_bed", "is the same moment as getting into bed", row))
    span = night.minutes_between("lights_off", "final_wake")
    if entry.sol_min + entry.waso_min > span:
        field = "sol_min" if entry.sol_min > span else "waso_min"
        problems.append(
            Problem(
                field,
                f"minutes to fall asleep and awake in the night add up to "
                f"{entry.sol_min + entry.waso_min} min, longer than the {span:g} min from "
                "starting to try to sleep to waking for the last time",
                row,
            )
        )
    return problems
