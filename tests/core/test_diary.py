"""The diary entry: parsing and every refusal of docs/definitions.md section 1."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nightbridge.core.diary import DiaryEntry, ImplausibleNight, check_night, parse_entry
from nightbridge.core.errors import InvalidInput

TODAY = dt.date(2026, 3, 20)
GOOD: dict[str, str] = {
    "date": "2026-03-10",
    "bedtime": "22:30",
    "lights_off": "23:00",
    "sol_min": "20",
    "nwak": "2",
    "waso_min": "30",
    "final_wake": "06:10",
    "out_of_bed": "06:40",
    "quality": "3",
}


def fields(**changes: str | int | None) -> dict[str, str | int | None]:
    out: dict[str, str | int | None] = dict(GOOD)
    out.update(changes)
    return out


def problems_of(raw: dict[str, str | int | None], **kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        parse_entry(raw, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return [(p.field, p.reason) for p in caught.value.problems]


def test_it_parses_a_complete_entry() -> None:
    entry = parse_entry(
        fields(
            rested="4",
            naps="1",
            naps_min="20",
            caffeine="2",
            last_caffeine="14:30",
            alcohol="0",
            note="  a quiet night  ",
        ),
        today=TODAY,
    )
    assert entry.date == dt.date(2026, 3, 10)
    assert entry.bedtime == dt.time(22, 30)
    assert (entry.sol_min, entry.nwak, entry.waso_min, entry.quality) == (20, 2, 30, 3)
    assert (entry.rested, entry.naps, entry.naps_min, entry.caffeine) == (4, 1, 20, 2)
    assert entry.last_caffeine == dt.time(14, 30)
    assert entry.alcohol == 0 and entry.last_alcohol is None
    assert entry.note == "a quiet night"


def test_it_accepts_integers_as_well_as_text() -> None:
    entry = parse_entry(fields(sol_min=20, nwak=2, waso_min=30, quality=3), today=TODAY)
    assert entry.sol_min == 20


def test_it_keeps_iso_datetimes_as_given() -> None:
    entry = parse_entry(
        fields(bedtime="2026-03-09T22:30", out_of_bed="2026-03-10T07:40+01:00"), today=TODAY
    )
    assert entry.bedtime == dt.datetime(2026, 3, 9, 22, 30)
    assert isinstance(entry.out_of_bed, dt.datetime)
    assert entry.out_of_bed.utcoffset() == dt.timedelta(hours=1)


# (changes, field named, words in the reason): definitions.md section 1, "What makes an
# entry invalid", one case per rule.
REFUSALS = [
    ({"bedtime": "25:70"}, "bedtime", "not a clock time"),
    ({"final_wake": "6.10"}, "final_wake", "not a time"),
    ({"out_of_bed": "2026-03-10Tnoon"}, "out_of_bed", "not an ISO 8601 datetime"),
    ({"date": "10/03/2026"}, "date", "not a date"),
    ({"quality": ""}, "quality", "is required"),
    ({"lights_off": None}, "lights_off", "is required"),
    ({"sol_min": "-5"}, "sol_min", "must not be negative"),
    ({"waso_min": "ten"}, "waso_min", "not a whole number"),
    ({"nwak": "1.5"}, "nwak", "not a whole number"),
    ({"quality": "7"}, "quality", "between 1 and 5"),
    ({"quality": "0"}, "quality", "between 1 and 5"),
    ({"rested": "6"}, "rested", "between 1 and 5"),
    ({"nwak": "0", "waso_min": "30"}, "nwak", "awake 30 min in the night"),
    ({"sol_min": "200", "waso_min": "300"}, "waso_min", "add up to 500 min, longer than"),
    ({"sol_min": "500", "waso_min": "0", "nwak": "0"}, "sol_min", "longer than"),
    ({"date": "2026-03-21"}, "date", "in the future"),
    (
        {
            "bedtime": "2026-03-09T06:00",
            "lights_off": "2026-03-09T06:10",
            "final_wake": "2026-03-10T06:10",
            "out_of_bed": "2026-03-10T06:40",
        },
        "out_of_bed",
        "more than 24 h",
    ),
    (
        {"bedtime": "2026-03-09T23:00", "lights_off": "2026-03-09T22:00"},
        "lights_off",
        "is before getting into bed",
    ),
    ({"bedtime": "2026-03-01T23:00"}, "bedtime", "evening before the morning"),
    (
        {
            "bedtime": "2026-03-10T06:40",
            "lights_off": "06:40",
            "final_wake": "06:40",
            "sol_min": "0",
            "waso_min": "0",
            "nwak": "0",
        },
        "out_of_bed",
        "same moment as getting into bed",
    ),
]


@pytest.mark.parametrize(("changes", "field", "words"), REFUSALS)
def test_it_refuses_each_invalid_entry_naming_the_field(
    changes: dict[str, str | None], field: str, words: str
) -> None:
    found = problems_of(fields(**changes))
    assert len(found) == 1, found
    assert found[0][0] == field
    assert words in found[0][1]


def test_it_refuses_waso_without_awakenings() -> None:
    assert problems_of(fields(nwak="0", waso_min="15"))[0][0] == "nwak"


def test_it_accepts_no_awakenings_with_no_waso() -> None:
    assert parse_entry(fields(nwak="0", waso_min="0"), today=TODAY).nwak == 0


def test_it_accepts_an_entry_dated_today() -> None:
    assert parse_entry(fields(date="2026-03-20"), today=TODAY).date == TODAY


def test_it_collects_every_problem_of_a_row_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_entry(
            fields(bedtime="25:70", sol_min="-1", quality="9", out_of_bed=""),
            today=TODAY,
            row=7,
        )
    problems = caught.value.problems
    assert {p.field for p in problems} == {"bedtime", "sol_min", "quality", "out_of_bed"}
    assert all(p.row == 7 for p in problems)
    assert str(problems[0]).startswith("row 7: ")


def test_a_night_of_exactly_24_hours_is_accepted() -> None:
    entry = parse_entry(
        fields(
            bedtime="2026-03-09T06:40",
            lights_off="2026-03-09T07:00",
            final_wake="2026-03-10T06:10",
            out_of_bed="2026-03-10T06:40",
        ),
        today=TODAY,
        confirmed=True,  # more than 16 h in bed: accepted once the person confirms
    )
    assert check_night(entry, "UTC") == []


def test_the_length_check_uses_instants_on_a_dst_night() -> None:
    # 23 h 30 on the clock, 24 h 30 between instants when New York falls back.
    raw = fields(
        date="2026-11-01",
        bedtime="2026-10-31T07:00",
        lights_off="2026-10-31T07:10",
        final_wake="2026-11-01T06:00",
        out_of_bed="2026-11-01T06:30",
    )
    entry = parse_entry(raw, today=dt.date(2026, 11, 2), tz="UTC", confirmed=True)
    assert entry.date == dt.date(2026, 11, 1)
    with pytest.raises(InvalidInput) as caught:
        parse_entry(raw, today=dt.date(2026, 11, 2), tz="America/New_York")
    assert caught.value.problems[0].field == "out_of_bed"


def test_a_time_in_the_spring_gap_that_breaks_the_order_is_refused_and_explained() -> None:
    # 02:30 did not exist in New York on 2026-03-08; read as 03:30 EDT it falls after the
    # 03:10 final awakening, so the entry is refused with the reason spelled out.
    found = problems_of(
        fields(
            date="2026-03-08",
            bedtime="01:50",
            lights_off="02:30",
            sol_min="0",
            nwak="0",
            waso_min="0",
            final_wake="03:10",
            out_of_bed="03:20",
        ),
        tz="America/New_York",
    )
    assert found[0][0] == "final_wake"
    assert "02:30 did not exist on 2026-03-08 in America/New_York" in found[0][1]


def test_entries_read_back_from_their_fields_are_equal() -> None:
    entry = parse_entry(
        fields(
            bedtime="2026-03-09T22:30:15-04:00",
            last_alcohol="21:00",
            naps="0",
            note="line one\nline two",
        ),
        today=TODAY,
        tz="America/New_York",
    )
    again = parse_entry(entry.to_fields(), today=TODAY, tz="America/New_York")
    assert again == entry
    assert isinstance(again, DiaryEntry)


def test_windows_line_ends_in_a_note_become_plain_newlines() -> None:
    assert parse_entry(fields(note="a\r\nb"), today=TODAY).note == "a\nb"


def test_it_refuses_an_overlong_note() -> None:
    assert problems_of(fields(note="x" * 2001))[0][0] == "note"


# -- implausible nights (issue 10 item 11; H16, H17) -------------------------------------

#: Field names and internal words a reason must never show a person.
INTERNAL = re.compile(r"\b(sol_min|waso_min|nwak|lights_off|final_wake|out_of_bed|bedtime)\b")
SLIP = {"bedtime": "11:00", "lights_off": "11:10", "final_wake": "06:50", "out_of_bed": "07:00"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (SLIP, "bedtime", "into bed at 11:00 and out of bed at 07:00 is 20 h in bed"),
        (SLIP, "bedtime", "did you mean 23:00?"),
        (
            {
                "bedtime": "22:00",
                "lights_off": "22:10",
                "final_wake": "07:00",
                "out_of_bed": "19:00",
            },
            "out_of_bed",
            "did you mean 07:00?",
        ),
        (
            {
                "bedtime": "22:00",
                "lights_off": "22:10",
                "final_wake": "20:30",
                "out_of_bed": "21:00",
            },
            "out_of_bed",
            "is 23 h after getting into bed, more than 16 h",
        ),
    ],
)
def test_more_than_16_hours_in_bed_is_refused_on_the_likely_answer_unless_confirmed(
    changes: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ImplausibleNight) as caught:
        parse_entry(fields(**changes), today=TODAY)
    [problem] = caught.value.problems
    assert problem.field == field and words in problem.reason
    assert problem.reason.endswith("confirm it and save again")
    entry = parse_entry(fields(**changes), today=TODAY, confirmed=True)
    assert entry.out_of_bed == dt.time.fromisoformat(changes["out_of_bed"])


def test_a_night_of_16_hours_is_accepted_without_confirming() -> None:
    changes = {
        "bedtime": "15:00",
        "lights_off": "15:10",
        "final_wake": "06:50",
        "out_of_bed": "07:00",
    }
    assert parse_entry(fields(**changes), today=TODAY).bedtime == dt.time(15, 0)


def test_getting_up_after_now_is_refused_even_when_confirmed() -> None:
    now = dt.datetime(2026, 3, 10, 6, 30, tzinfo=dt.UTC)  # 07:30 in Berlin
    raw = fields(final_wake="07:40", out_of_bed="07:45")
    for confirmed in (False, True):
        with pytest.raises(InvalidInput) as caught:
            parse_entry(
                raw, today=dt.date(2026, 3, 10), tz="Europe/Berlin", now=now, confirmed=confirmed
            )
        [problem] = caught.value.problems
        assert problem.field == "out_of_bed"
        assert "07:45 on 2026-03-10 has not come yet (it is 07:30 on 2026-03-10 now)" in (
            problem.reason
        )
    later = now + dt.timedelta(minutes=20)
    assert parse_entry(raw, today=dt.date(2026, 3, 10), tz="Europe/Berlin", now=later)


def test_no_reason_names_an_internal_field() -> None:
    cases = [changes for changes, _field, _words in REFUSALS] + [SLIP]
    for changes in cases:
        with pytest.raises(InvalidInput) as caught:
            parse_entry(fields(**changes), today=TODAY)
        for problem in caught.value.problems:
            assert not INTERNAL.search(problem.reason), (changes, problem.reason)
