"""Placing diary clock times on the timeline (definitions.md section 1, rules 1-3)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nightbridge.core.timeline import (
    TimeFormatError,
    format_time_value,
    is_nonexistent,
    parse_time_value,
    place_night,
)

UTC = dt.UTC
NY = ZoneInfo("America/New_York")


def at(y: int, mo: int, d: int, h: int, mi: int) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC)


def t(text: str) -> dt.time:
    value = parse_time_value(text)
    assert isinstance(value, dt.time)
    return value


def test_an_evening_bedtime_falls_on_the_evening_before_the_date() -> None:
    night = place_night(dt.date(2026, 3, 10), t("22:30"), t("23:00"), t("06:10"), t("06:40"), "UTC")
    assert night.bedtime == at(2026, 3, 9, 22, 30)
    assert night.lights_off == at(2026, 3, 9, 23, 0)
    assert night.final_wake == at(2026, 3, 10, 6, 10)
    assert night.out_of_bed == at(2026, 3, 10, 6, 40)


def test_a_bedtime_after_midnight_belongs_to_the_same_morning() -> None:
    night = place_night(dt.date(2026, 3, 10), t("01:30"), t("01:45"), t("07:00"), t("07:30"), "UTC")
    assert night.bedtime == at(2026, 3, 10, 1, 30)


def test_noon_itself_counts_as_the_evening_before() -> None:
    night = place_night(dt.date(2026, 3, 10), t("12:00"), t("12:00"), t("19:00"), t("19:00"), "UTC")
    assert night.bedtime == at(2026, 3, 9, 12, 0)


def test_each_event_is_the_first_moment_at_or_after_the_one_before() -> None:
    # lights_off 22:00 is earlier on the clock than bedtime 23:00: the next 22:00 counts.
    night = place_night(dt.date(2026, 3, 10), t("23:00"), t("23:00"), t("23:30"), t("07:00"), "UTC")
    assert night.lights_off == night.bedtime
    assert night.final_wake == at(2026, 3, 9, 23, 30)
    assert night.out_of_bed == at(2026, 3, 10, 7, 0)


def test_on_the_repeated_hour_the_first_occurrence_counts() -> None:
    night = place_night(
        dt.date(2026, 11, 1), t("01:30"), t("01:40"), t("06:00"), t("06:30"), "America/New_York"
    )
    assert night.bedtime == at(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert night.out_of_bed == at(2026, 11, 1, 11, 30)  # 06:30 EST


def test_a_time_skipped_by_spring_forward_is_read_with_the_offset_before_the_change() -> None:
    night = place_night(
        dt.date(2026, 3, 8), t("02:30"), t("02:40"), t("07:00"), t("07:10"), "America/New_York"
    )
    assert night.bedtime == at(2026, 3, 8, 7, 30)  # 02:30 EST = 03:30 EDT
    assert is_nonexistent(dt.datetime(2026, 3, 8, 2, 30), NY)
    assert not is_nonexistent(dt.datetime(2026, 3, 8, 3, 30), NY)
    assert not is_nonexistent(dt.datetime(2026, 11, 1, 1, 30), NY)


def test_full_datetimes_are_taken_as_they_are() -> None:
    night = place_night(
        dt.date(2026, 3, 8),
        dt.datetime(2026, 3, 7, 22, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(2026, 3, 7, 23, 0),  # naive: wall clock in the zone
        t("06:10"),
        t("06:40"),
        "America/New_York",
    )
    assert night.bedtime == at(2026, 3, 8, 3, 30)
    assert night.lights_off == at(2026, 3, 8, 4, 0)
    assert night.final_wake == at(2026, 3, 8, 10, 10)  # 06:10 EDT


@pytest.mark.parametrize("text", ["24:00", "25:70", "12:60", "7", "noon", "", "12:5"])
def test_it_refuses_what_is_not_a_clock_time(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_time_value(text)


@pytest.mark.parametrize(
    "text", ["00:00", "7:05", "23:59", "06:10:30", "2026-03-08T06:10", "2026-03-08 06:10:00+02:00"]
)
def test_time_values_read_back_from_their_text(text: str) -> None:
    value = parse_time_value(text)
    assert parse_time_value(format_time_value(value)) == value
