"""Device nights: the rules of definitions.md section 7, on hand-computed cases.

Each case below was worked out by hand from the section 7 definitions (the expected
minutes are in the table, with the arithmetic in the comment next to it).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nightbridge.core.device_nights import build_nights, split_sessions, union_seconds
from nightbridge.core.samples import SleepSample

CET = dt.timezone(dt.timedelta(hours=1))
CEST = dt.timezone(dt.timedelta(hours=2))


def at(text: str, tz: dt.tzinfo = CET) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def s(
    start: str,
    end: str,
    state: str = "asleep",
    stage: str | None = None,
    source: str = "Watch",
    tz: dt.tzinfo = CET,
    end_tz: dt.tzinfo | None = None,
) -> SleepSample:
    return SleepSample(source, at(start, tz), at(end, end_tz or tz), state, stage)  # type: ignore[arg-type]


STAGED_NIGHT = [
    s("2026-01-09T23:00", "2026-01-10T07:00", "in_bed"),
    s("2026-01-09T23:20", "2026-01-10T01:00", "asleep", "light"),
    s("2026-01-10T01:00", "2026-01-10T02:00", "asleep", "deep"),
    s("2026-01-10T02:00", "2026-01-10T02:30", "awake"),
    s("2026-01-10T02:30", "2026-01-10T06:40", "asleep", "rem"),
]

# (name, samples, expected main night of the one source) -- minutes by hand.
WORKED_CASES = [
    (
        # tst 100+60+250=410; tib 23:00-07:00=480; sol 20; waso (06:40-23:20)=440-410=30;
        # se 100*410/480=85.42 -> 85.4
        "a staged night",
        STAGED_NIGHT,
        {
            "date": "2026-01-10",
            "tst_min": 410,
            "tib_min": 480,
            "sol_min": 20,
            "waso_min": 30,
            "se_pct": 85.4,
            "light_min": 100,
            "deep_min": 60,
            "rem_min": 250,
        },
    ),
    (
        # two overlapping asleep samples of one source: union 23:00-06:00 = 420, not 240+240
        "overlapping samples of one source count once",
        [s("2026-01-09T23:00", "2026-01-10T03:00"), s("2026-01-10T02:00", "2026-01-10T06:00")],
        {
            "date": "2026-01-10",
            "tst_min": 420,
            "tib_min": 420,
            "sol_min": 0,
            "waso_min": 0,
            "se_pct": 100.0,
        },
    ),
    (
        # gap 2 h 59 min < 3 h: one session; tib 22:00-07:00 = 540; asleep 22:00-01:00 (180)
        # + 03:59-07:00 (181) = 361; waso 540-361 = 179; se 100*361/540 = 66.85 -> 66.9
        "a gap under three hours keeps one session",
        [s("2026-01-09T22:00", "2026-01-10T01:00"), s("2026-01-10T03:59", "2026-01-10T07:00")],
        {
            "date": "2026-01-10",
            "tst_min": 361,
            "tib_min": 540,
            "sol_min": 0,
            "waso_min": 179,
            "se_pct": 66.9,
        },
    ),
    (
        # spring forward in Berlin (2026-03-29 02:00 -> 03:00): 23:00+01 to 07:00+02 is 7 h,
        # not 8; asleep 23:30+01 to 06:30+02 = 6 h; se 100*360/420 = 85.71 -> 85.7
        "a night across the daylight-saving change is an hour shorter than the clock",
        [
            s("2026-03-28T23:00", "2026-03-29T07:00", "in_bed", end_tz=CEST),
            s("2026-03-28T23:30", "2026-03-29T06:30", "asleep", end_tz=CEST),
        ],
        {
            "date": "2026-03-29",
            "tst_min": 360,
            "tib_min": 420,
            "sol_min": 30,
            "waso_min": 0,
            "se_pct": 85.7,
        },
    ),
    (
        # ends 00:30 local (+01:00) = 23:30 UTC the day before: the local date counts
        "the date is the local date of the end in its own offset",
        [s("2026-01-09T19:00", "2026-01-10T00:30")],
        {
            "date": "2026-01-10",
            "tst_min": 330,
            "tib_min": 330,
            "sol_min": 0,
            "waso_min": 0,
            "se_pct": 100.0,
        },
    ),
    (
        # in_bed 22:00-06:00 but an awake sample runs to 06:30: tib 22:00-06:30 = 510;
        # asleep 22:45-06:10 = 445; sol 45; waso 0; se 100*445/510 = 87.25 -> 87.3
        "time in bed runs to the latest end of any sample",
        [
            s("2026-01-09T22:00", "2026-01-10T06:00", "in_bed"),
            s("2026-01-09T22:45", "2026-01-10T06:10", "asleep"),
            s("2026-01-10T06:10", "2026-01-10T06:30", "awake"),
        ],
        {
            "date": "2026-01-10",
            "tst_min": 445,
            "tib_min": 510,
            "sol_min": 45,
            "waso_min": 0,
            "se_pct": 87.3,
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "samples", "expected"), WORKED_CASES, ids=[c[0] for c in WORKED_CASES]
)
def test_it_computes_the_worked_cases(
    name: str, samples: list[SleepSample], expected: dict
) -> None:
    mains = [n for n in build_nights(samples) if not n.is_nap]
    assert len(mains) == 1, name
    got = mains[0].to_dict()
    assert {k: got.get(k) for k in expected} == expected
    assert got["chosen"] is True


def test_it_cuts_a_session_at_a_gap_of_exactly_three_hours() -> None:
    samples = [s("2026-01-09T22:00", "2026-01-10T01:00"), s("2026-01-10T04:00", "2026-01-10T07:00")]
    assert [len(x) for x in split_sessions(samples)] == [1, 1]
    # both end on 2026-01-10, both 180 min in bed and asleep: the earlier start is main
    (main,) = [n for n in build_nights(samples) if not n.is_nap]
    assert main.start == at("2026-01-09T22:00")
    assert main.tst_min == 180


def test_the_longest_session_of_a_date_is_the_main_sleep() -> None:
    samples = [
        s("2026-01-10T01:00", "2026-01-10T03:00"),  # 120 min, ends 03:00
        s("2026-01-10T06:30", "2026-01-10T09:50"),  # 200 min, starts before 10:00: no nap
    ]
    nights = build_nights(samples)
    assert [(n.tib_min, n.is_nap) for n in nights] == [(200, False)]


def test_an_afternoon_session_under_three_hours_asleep_is_a_nap_and_never_chosen() -> None:
    samples = [*STAGED_NIGHT, s("2026-01-10T14:00", "2026-01-10T15:30", "asleep")]
    nights = build_nights(samples)
    assert [(n.is_nap, n.chosen, n.tst_min) for n in nights] == [
        (False, True, 410),
        (True, False, 90),
    ]


@pytest.mark.parametrize(
    ("start", "end", "is_nap"),
    [
        ("2026-01-10T09:59", "2026-01-10T11:00", False),  # starts before 10:00
        ("2026-01-10T10:00", "2026-01-10T11:00", True),
        ("2026-01-10T19:59", "2026-01-10T21:00", True),
        ("2026-01-10T20:00", "2026-01-10T22:00", False),  # 20:00 is evening, not a nap
        ("2026-01-10T12:00", "2026-01-10T15:00", False),  # 3 h asleep is not "less than 3 h"
    ],
)
def test_the_nap_window_is_ten_to_eight_local(start: str, end: str, is_nap: bool) -> None:
    (night,) = build_nights([s(start, end)])
    assert night.is_nap is is_nap


def test_a_nap_is_judged_on_local_time_not_utc() -> None:
    # 14:00 in UTC-07:00 is 21:00 UTC: still an afternoon nap where the person is
    pdt = dt.timezone(dt.timedelta(hours=-7))
    (night,) = build_nights([s("2026-06-10T14:00", "2026-06-10T15:00", tz=pdt)])
    assert night.is_nap


def test_a_source_with_stages_speaks_for_the_night_over_more_minutes_without() -> None:
    iphone = [s("2026-01-09T22:30", "2026-01-10T07:00", source="iPhone")]  # 510 min
    nights = build_nights([*STAGED_NIGHT, *iphone])
    chosen = {n.source: n.chosen for n in nights}
    assert chosen == {"Watch": True, "iPhone": False}


def test_among_sources_without_stages_the_most_asleep_wins_then_the_name() -> None:
    a = [s("2026-01-09T23:00", "2026-01-10T06:00", source="Bravo")]
    b = [s("2026-01-09T23:00", "2026-01-10T06:30", source="Charlie")]
    c = [s("2026-01-09T23:00", "2026-01-10T06:30", source="Alpha")]
    assert [n.source for n in build_nights([*a, *b]) if n.chosen] == ["Charlie"]
    assert [n.source for n in build_nights([*a, *b, *c]) if n.chosen] == ["Alpha"]


def test_a_session_with_time_in_bed_only_is_not_a_night() -> None:
    assert build_nights([s("2026-01-09T23:00", "2026-01-10T07:00", "in_bed")]) == []


def test_sources_are_never_summed() -> None:
    watch = [s("2026-01-09T23:00", "2026-01-10T06:00")]
    app = [s("2026-01-09T23:00", "2026-01-10T06:00", source="AutoSleep")]
    nights = build_nights([*watch, *app])
    assert [n.tst_min for n in nights] == [420, 420]
    assert sum(n.chosen for n in nights) == 1


def test_union_seconds_counts_overlaps_once() -> None:
    t = at("2026-01-10T00:00")
    h = dt.timedelta(hours=1)
    assert union_seconds([(t, t + 2 * h), (t + h, t + 3 * h), (t + 5 * h, t + 6 * h)]) == 4 * 3600
    assert union_seconds([]) == 0


def test_it_reads_zoneinfo_times_like_fixed_offsets() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    fixed = build_nights([s("2026-03-28T23:30", "2026-03-29T06:30", end_tz=CEST)])
    zoned = build_nights([s("2026-03-28T23:30", "2026-03-29T06:30", tz=berlin)])
    assert [n.to_dict() for n in fixed] == [n.to_dict() for n in zoned]


def test_a_watch_night_without_in_bed_takes_its_time_in_bed_from_the_phone() -> None:
    """Rule 7. Watch stages 23:30 -> 06:30 (light 23:30-03:00, awake 03:00-03:20, deep
    03:20-06:30): asleep 210 + 190 = 400, WASO 20. The iPhone's in bed 23:00 -> 07:00:
    TIB 480, SOL 30, SE 100 * 400 / 480 = 83.3 (alone: TIB 420, SOL 0, SE 95.2).
    AutoSleep has an in-bed record too but overlaps less (00:00 -> 05:00)."""
    watch = [
        s("2026-03-10T23:30", "2026-03-11T03:00", "asleep", "light", "Watch"),
        s("2026-03-11T03:00", "2026-03-11T03:20", "awake", None, "Watch"),
        s("2026-03-11T03:20", "2026-03-11T06:30", "asleep", "deep", "Watch"),
    ]
    phone = [s("2026-03-10T23:00", "2026-03-11T07:00", "in_bed", None, "iPhone")]
    other = [s("2026-03-11T00:00", "2026-03-11T05:00", "in_bed", None, "AutoSleep")]
    (alone,) = build_nights(watch)
    assert (alone.tib_min, alone.sol_min, alone.se_pct, alone.in_bed_source) == (
        420,
        0,
        95.2,
        None,
    )
    (night,) = build_nights(watch + phone + other)
    assert (night.source, night.in_bed_source, night.chosen) == ("Watch", "iPhone", True)
    assert (night.tst_min, night.tib_min, night.sol_min, night.waso_min) == (400, 480, 30, 20)
    assert night.se_pct == 83.3 and night.start == at("2026-03-10T23:00")
    assert night.to_dict()["in_bed_source"] == "iPhone"


def test_a_source_written_twice_does_not_lend_its_time_in_bed_for_that() -> None:
    """Rule 7 counts each source's in-bed records over the night as a union. AutoSleep
    wrote 00:00 -> 05:00 three times (300 min, not 900); the iPhone's 23:00 -> 07:00
    covers the Watch night's 420 min, so the iPhone lends the time in bed."""
    watch = [s("2026-03-10T23:30", "2026-03-11T06:30", "asleep", "light", "Watch")]
    phone = [s("2026-03-10T23:00", "2026-03-11T07:00", "in_bed", None, "iPhone")]
    other = [s("2026-03-11T00:00", "2026-03-11T05:00", "in_bed", None, "AutoSleep")] * 3
    (night,) = build_nights(watch + other + phone)
    assert (night.in_bed_source, night.tib_min, night.sol_min) == ("iPhone", 480, 30)


def test_a_session_without_stages_or_awake_is_marked_session_only() -> None:
    # Samsung / Health Connect without stages or efficiency: in bed and asleep over the
    # same 480 min; SE 100 % measures nothing, so the night says it is a session.
    session = [
        s("2026-01-09T23:00", "2026-01-10T07:00", "in_bed", source="Samsung Health"),
        s("2026-01-09T23:00", "2026-01-10T07:00", source="Samsung Health"),
    ]
    (night,) = build_nights(session)
    assert night.session_only and night.to_dict()["session_only"] is True
    # with Samsung's efficiency (87.5 %) the 60 min awake make it a measured night
    measured = [
        session[0],
        s("2026-01-09T23:00", "2026-01-10T02:30", source="Samsung Health"),
        s("2026-01-10T02:30", "2026-01-10T03:30", "awake", source="Samsung Health"),
        s("2026-01-10T03:30", "2026-01-10T07:00", source="Samsung Health"),
    ]
    (night,) = build_nights(measured)
    assert not night.session_only and "session_only" not in night.to_dict()
    assert (night.tib_min, night.tst_min, night.sol_min, night.waso_min, night.se_pct) == (
        480,
        420,
        0,
        60,
        87.5,
    )
    assert not next(n for n in build_nights(STAGED_NIGHT)).session_only
