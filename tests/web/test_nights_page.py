"""Diary and device nights side by side, never merged (definitions.md section 7).

Patient A keeps a diary for the morning of 2026-11-01 and imports the Apple sample
export, which has three sources that night. Hand-computed values:

- diary: lights off 23:10, final wake 06:40 -> 450 min; minus 20 min to fall asleep
  and 15 min awake -> asleep 415 (6 h 55); in bed 23:00-06:50 = 470 (7 h 50); SE 88.3%;
- Apple Watch (stages, so it speaks for the night): asleep 458 (7 h 38), in bed 469;
- AutoSleep: 475 (7 h 55); Sleep & Recovery Lab: 452 (7 h 32)
  (tests/cli/test_import_nights.py works these out from the export).

The page must show each of them in its own column; no cell may hold a sum or an
average of them (the mean of the four would be 450 = 7 h 30).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.services.devices.devices import import_device
from nightbridge.services.sleep.diary import record_entry
from nightbridge.web.routes.nights import side_by_side
from tests.web.conftest import Personas

APPLE = Path(__file__).parents[1] / "data" / "apple_health" / "export_three_sources.xml"
WATCH = "Dana’s Apple Watch"
DIARY = {
    "date": "2026-11-01",
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": "3",
}
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


class _Table(HTMLParser):
    """The nights table as {column: text} per row (header texts as keys)."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_head = False
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "nights-table") in attrs:
            self._in_table = True
        elif self._in_table and tag == "thead":
            self._in_head = True
        elif self._in_table and tag == "tr" and not self._in_head:
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif self._in_table and tag in ("td", "th") and self._cell is not None:
            text = " ".join(" ".join(self._cell).split())
            (self.headers if self._in_head else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def nights_table(html: str) -> list[dict[str, str]]:
    parser = _Table()
    parser.feed(html)
    return [dict(zip(parser.headers, row, strict=True)) for row in parser.rows]


@pytest.fixture
def a_with_nights(personas: Personas) -> Personas:
    a = personas.patient_a
    record_entry(personas.database, a.person_id, DIARY, today=NOW.date())  # type: ignore[arg-type]
    import_device(personas.database, a.person_id, "apple-health", APPLE, tz="UTC")  # type: ignore[arg-type]
    return personas


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("patient_a", "/nights?days=366"),
        ("clinician_a", "/clinician/people/{pid}/nights?days=366"),
    ],
)
def test_diary_and_each_device_are_shown_side_by_side(
    a_with_nights: Personas, who: str, url: str
) -> None:
    client = a_with_nights.by_name[who].client
    response = client.get(url.format(pid=a_with_nights.patient_a.person_id))
    assert response.status_code == 200
    rows = nights_table(response.text)
    assert list(rows[0]) == [
        "Night (morning of)",
        "Diary",
        "AutoSleep",
        WATCH,
        "Sleep & Recovery Lab",
    ]
    first = rows[0]
    assert first["Night (morning of)"] == "Sun 01 Nov"
    assert first["Diary"].startswith("Asleep 6 h 55 min In bed 7 h 50 min Efficiency 88.3%")
    # The Watch wrote stages only: its time in bed is the iPhone's in-bed record, and the page
    # says which source gave what (docs/device-nights.md, rule 7).
    assert first[WATCH].startswith(
        "★ speaks for the night Asleep 7 h 38 min In bed 8 h 08 min (from Dana’s iPhone)"
        " Efficiency 93.9% To fall asleep 12 min"
    )
    assert "in bed from Dana’s iPhone, asleep from Dana’s Apple Watch" in first[WATCH]
    assert "Deep 40 min" in first[WATCH] and "REM 52 min" in first[WATCH]
    assert first["AutoSleep"].startswith("Asleep 7 h 55 min")
    assert first["Sleep & Recovery Lab"].startswith("Asleep 7 h 32 min")
    assert sum("★" in cell for cell in first.values()) == 1
    assert "7 h 30 min" not in response.text, "an average of the sources was shown"
    # 2026-03-08: devices only, and the diary column says so
    march = next(r for r in rows if r["Night (morning of)"] == "Sun 08 Mar")
    assert march["Diary"] == "no diary"
    assert march["Sleep & Recovery Lab"] == "–"
    assert "Why these are not combined." in response.text


@time_machine.travel(NOW, tick=False)
def test_the_default_span_is_four_weeks(a_with_nights: Personas) -> None:
    rows = nights_table(a_with_nights.patient_a.client.get("/nights").text)
    assert [r["Night (morning of)"] for r in rows] == ["Sun 01 Nov"]


@time_machine.travel(NOW, tick=False)
def test_a_person_without_nights_is_told_so(personas: Personas) -> None:
    page = personas.patient_b.client.get("/nights").text
    assert "No diary or device nights in these days yet." in page
    assert 'href="/imports"' in page


@time_machine.travel(NOW, tick=False)
def test_only_the_person_and_their_clinician_see_the_nights(a_with_nights: Personas) -> None:
    pid = a_with_nights.patient_a.person_id
    url = f"/clinician/people/{pid}/nights?days=366"
    for name in ("patient_b", "clinician_x", "admin"):
        response = a_with_nights.by_name[name].client.get(url)
        assert response.status_code == 404, name
        assert WATCH not in response.text
    b_own = a_with_nights.patient_b.client.get("/nights?days=366").text
    assert WATCH not in b_own and not re.search(r"6 h 55 min", b_own)


def test_the_person_s_navigation_links_to_the_nights(personas: Personas) -> None:
    page = personas.patient_a.client.get("/imports").text
    assert '<a href="/nights"' in page


night_keys = st.tuples(
    st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 3, 31)),
    st.sampled_from(["Apple Watch", "Oura", "Fitbit", "AutoSleep"]),
    st.booleans(),
)


@given(
    devices=st.lists(night_keys, unique_by=lambda k: k[:2] if not k[2] else k, max_size=40),
    diary_dates=st.sets(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 3, 31))),
    span=st.tuples(st.integers(0, 89), st.integers(0, 89)).map(sorted),
)
def test_every_night_keeps_its_own_cell_and_nothing_is_combined(
    devices: list[tuple[dt.date, str, bool]], diary_dates: set[dt.date], span: list[int]
) -> None:
    start = dt.date(2026, 1, 1) + dt.timedelta(days=span[0])
    end = dt.date(2026, 1, 1) + dt.timedelta(days=span[1])
    device_nights = [
        SimpleNamespace(date=d, source=s, is_nap=nap, tst_min=i)
        for i, (d, s, nap) in enumerate(devices)
    ]
    diary = [SimpleNamespace(date=d) for d in sorted(diary_dates)]
    view = side_by_side(diary, device_nights, start, end)
    dates = [row.date for row in view.rows]
    assert dates == sorted(set(dates), reverse=True)
    rows = {row.date: row for row in view.rows}
    for night in device_nights:
        if night.is_nap or not start <= night.date <= end:
            assert night.date not in rows or rows[night.date].devices.get(night.source) is not night
        else:
            assert rows[night.date].devices[night.source] is night  # the object itself
    for entry in diary:
        if start <= entry.date <= end:
            assert rows[entry.date].diary is entry
    for row in view.rows:
        assert row.diary is not None or row.devices, "a date with nothing was listed"
        assert set(row.devices) <= set(view.sources)


@time_machine.travel(NOW, tick=False)
def test_a_session_without_stages_says_its_efficiency_is_not_known(personas: Personas) -> None:
    # Samsung sample export: 03-29 is a session without stages or efficiency (the figure is
    # the session, not time in bed); 03-31 carries Samsung's efficiency 87.5 %, used as is.
    a = personas.patient_a
    samsung = Path(__file__).parents[1] / "data" / "samsung"
    import_device(personas.database, a.person_id, "samsung", samsung, tz="Europe/Berlin")  # type: ignore[arg-type]
    rows = nights_table(a.client.get("/nights?days=366").text)
    cell = {r["Night (morning of)"]: r["Samsung Health"] for r in rows}
    assert "Efficiency not known: Samsung Health gave only its sleep session" in cell["Sun 29 Mar"]
    assert "To fall asleep not known" in cell["Sun 29 Mar"]
    assert "100.0%" not in cell["Sun 29 Mar"]
    assert "In bed 8 h 00 min Efficiency 87.5% To fall asleep 0 min" in cell["Tue 31 Mar"]
    assert "Awake in the night 60 min" in cell["Tue 31 Mar"]
