"""The SVG charts: parsed back with ElementTree, their shapes must match the data."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.reports import charts
from nightbridge.reports.charts import (
    NightPoint,
    draw_diary_bars,
    draw_questionnaire_trend,
    draw_sleep_trend,
    draw_symptom_heatmap,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
START = dt.date(2026, 3, 2)

# Five realistic diary nights (minutes), worked by hand from definitions.md section 1:
# night 1: in bed 23:00-07:00 (480), asleep 330 -> SE 68.8 %; night 5: 420 of 450 -> 93.3 %.
NIGHTS = [
    NightPoint(START, 480, 330, 68.8),
    NightPoint(START + dt.timedelta(days=1), 470, 360, 76.6),
    NightPoint(START + dt.timedelta(days=2), 465, 385, 82.8),
    NightPoint(START + dt.timedelta(days=3), 455, 400, 87.9),
    NightPoint(START + dt.timedelta(days=4), 450, 420, 93.3),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        e for e in root.iter(f"{{{NS['svg']}}}{tag}") if css_class in (e.get("class") or "").split()
    ]


def test_every_chart_is_an_image_with_a_title_and_a_description() -> None:
    charts = [
        draw_diary_bars(NIGHTS),
        draw_sleep_trend(NIGHTS, window_min=390),
        draw_symptom_heatmap([(START, {"aches": 3})], ["aches"]),
        draw_questionnaire_trend({"phq9": [(START, 12)]}),
    ]
    for chart in charts:
        root = parse(chart.svg)
        assert root.get("role") == "img"
        children = list(root)
        assert children[0].tag == f"{{{NS['svg']}}}title" and children[0].text
        assert children[1].tag == f"{{{NS['svg']}}}desc" and children[1].text
        labelled = root.get("aria-labelledby", "").split()
        assert labelled == [children[0].get("id"), children[1].get("id")]


def test_diary_bars_draw_one_asleep_and_one_awake_bar_per_night() -> None:
    root = parse(draw_diary_bars(NIGHTS).svg)
    asleep = with_class(root, "rect", "nb-asleep")
    awake = with_class(root, "rect", "nb-awake")
    assert [r.get("data-date") for r in asleep] == [n.date.isoformat() for n in NIGHTS]
    assert [int(r.get("data-minutes", "")) for r in asleep] == [n.tst_min for n in NIGHTS]
    assert [int(r.get("data-minutes", "")) for r in awake] == [
        n.tib_min - n.tst_min for n in NIGHTS
    ]


def test_diary_bar_heights_are_proportional_to_minutes_and_stack_to_time_in_bed() -> None:
    root = parse(draw_diary_bars(NIGHTS).svg)
    asleep = with_class(root, "rect", "nb-asleep")
    awake = with_class(root, "rect", "nb-awake")
    per_minute = float(asleep[0].get("height", "")) / NIGHTS[0].tst_min
    for night, a, w in zip(NIGHTS, asleep, awake, strict=True):
        assert float(a.get("height", "")) == pytest.approx(night.tst_min * per_minute, abs=0.11)
        total = float(a.get("height", "")) + float(w.get("height", ""))
        assert total == pytest.approx(night.tib_min * per_minute, abs=0.2)
        # the awake part sits directly on top of the asleep part
        bottom_of_awake = float(w.get("y", "")) + float(w.get("height", ""))
        assert bottom_of_awake == pytest.approx(float(a.get("y", "")), abs=0.11)


def test_diary_bars_leave_a_gap_for_a_missing_night() -> None:
    nights = [NIGHTS[0], NIGHTS[2]]  # no entry for the second morning
    root = parse(draw_diary_bars(nights).svg)
    xs = [float(r.get("x", "")) for r in with_class(root, "rect", "nb-asleep")]
    slot = (charts.WIDTH - charts.LEFT - charts.RIGHT) / 3  # three days in the span
    assert xs[1] - xs[0] == pytest.approx(2 * slot, abs=0.2)


def test_sleep_trend_draws_the_window_line_at_the_window_height() -> None:
    root = parse(draw_sleep_trend(NIGHTS, window_min=390).svg)
    (window,) = with_class(root, "line", "nb-window")
    dots = with_class(root, "circle", "nb-dot-tst")
    assert [int(d.get("data-minutes", "")) for d in dots] == [n.tst_min for n in NIGHTS]
    # the 390-min line lies between the 385-min and 400-min nights' dots (SVG y grows down)
    y_385 = float(dots[2].get("cy", ""))
    y_400 = float(dots[3].get("cy", ""))
    assert y_400 < float(window.get("y1", "")) < y_385


def test_sleep_trend_without_a_window_draws_no_window_line() -> None:
    root = parse(draw_sleep_trend(NIGHTS).svg)
    assert with_class(root, "line", "nb-window") == []


def test_sleep_trend_efficiency_dots_rise_as_efficiency_rises() -> None:
    root = parse(draw_sleep_trend(NIGHTS).svg)
    ys = [float(d.get("cy", "")) for d in with_class(root, "circle", "nb-dot-se")]
    assert ys == sorted(ys, reverse=True)
    assert [d.get("data-pct") for d in with_class(root, "circle", "nb-dot-se")] == [
        "68.8",
        "76.6",
        "82.8",
        "87.9",
        "93.3",
    ]


def test_symptom_heatmap_shades_each_cell_by_its_rating_and_outlines_missing_days() -> None:
    days = [
        (START, {"aches": 4, "craving": 2}),
        (START + dt.timedelta(days=2), {"aches": 1, "craving": 0}),
    ]
    root = parse(draw_symptom_heatmap(days, ["aches", "craving"]).svg)
    cells = with_class(root, "rect", "nb-sev")
    got = {(c.get("data-date"), c.get("data-symptom")): c.get("class") for c in cells}
    assert got == {
        ("2026-03-02", "aches"): "nb-sev nb-sev-4",
        ("2026-03-02", "craving"): "nb-sev nb-sev-2",
        ("2026-03-04", "aches"): "nb-sev nb-sev-1",
        ("2026-03-04", "craving"): "nb-sev nb-sev-0",
    }
    missing = with_class(root, "rect", "nb-missing")
    assert {m.get("data-date") for m in missing} == {"2026-03-03"}
    assert len(missing) == 2


def test_questionnaire_trend_places_a_dot_per_score_at_its_total() -> None:
    chart = draw_questionnaire_trend(
        {
            "phq9": [(START, 16), (START + dt.timedelta(days=14), 11)],
            "gad7": [(START, 12), (START + dt.timedelta(days=14), 7)],
        }
    )
    root = parse(chart.svg)
    dots = [e for e in root.iter(f"{{{NS['svg']}}}circle") if e.get("data-instrument")]
    assert [(d.get("data-instrument"), d.get("data-total")) for d in dots] == [
        ("phq9", "16"),
        ("phq9", "11"),
        ("gad7", "12"),
        ("gad7", "7"),
    ]
    ys = {d.get("data-total"): float(d.get("cy", "")) for d in dots}
    assert ys["16"] < ys["12"] < ys["11"] < ys["7"]
    assert chart.rows == (("2026-03-02", "16", "12"), ("2026-03-16", "11", "7"))


def test_text_is_escaped_so_the_svg_stays_well_formed() -> None:
    chart = draw_symptom_heatmap([(START, {"x": 1})], ["x"], labels={"x": 'aches <b>&</b> "pains"'})
    root = parse(chart.svg)
    labels = [t.text for t in root.iter(f"{{{NS['svg']}}}text")]
    assert 'aches <b>&</b> "pains"' in labels


def test_empty_charts_say_there_is_nothing_yet() -> None:
    for chart in (draw_diary_bars([]), draw_sleep_trend([]), draw_questionnaire_trend({})):
        root = parse(chart.svg)
        assert "yet" in (root.find("svg:desc", NS).text or "")  # type: ignore[union-attr]
        assert chart.rows == ()


def test_nights_are_read_from_metrics_objects_and_mappings_alike() -> None:
    mapping = {"date": "2026-03-02", "tib_min": 480, "tst_min": 330, "se_pct": 68.8}
    assert NightPoint.from_metrics(mapping) == NIGHTS[0]


night_strategy = st.builds(
    lambda day, tib, frac: NightPoint(
        START + dt.timedelta(days=day), tib, int(tib * frac), round(100 * int(tib * frac) / tib, 1)
    ),
    st.integers(0, 60),
    st.integers(60, 1440),
    st.floats(0, 1),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(night_strategy, min_size=1, max_size=30, unique_by=lambda n: n.date))
def test_every_bar_stays_inside_the_plot_for_any_nights(nights: list[NightPoint]) -> None:
    root = parse(draw_diary_bars(nights).svg)
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    bars = with_class(root, "rect", "nb-asleep") + with_class(root, "rect", "nb-awake")
    assert len(bars) == 2 * len(nights)
    for bar in bars:
        x, y = float(bar.get("x", "")), float(bar.get("y", ""))
        w, h = float(bar.get("width", "")), float(bar.get("height", ""))
        assert x >= 0 and x + w <= width + 0.1
        assert y >= -0.1 and y + h <= height + 0.1
        assert h >= 0
    assert len(draw_diary_bars(nights).rows) == len(nights)


def test_the_symptom_heatmap_has_a_key_for_each_rating() -> None:
    root = parse(draw_symptom_heatmap([(START, {"aches": 2})], ["aches"]).svg)
    keys = [e.get("class") for e in with_class(root, "rect", "nb-key")]
    assert keys == [f"nb-key nb-sev-{v}" for v in range(5)]
    labels = [t.text for t in root.iter(f"{{{NS['svg']}}}text")]
    assert {"0 none", "4 extreme"} <= set(labels)


def test_the_window_chart_steps_at_each_change_and_pools_each_weeks_efficiency() -> None:
    from nightbridge.core.window_plan import WindowPlan
    from nightbridge.reports.charts import draw_window_weeks

    plans = [
        WindowPlan(dt.time(6, 30), 390, START, "clinician", "start"),
        WindowPlan(dt.time(6, 30), 405, START + dt.timedelta(days=7), "person", "increase"),
    ]
    end = START + dt.timedelta(days=13)
    chart = draw_window_weeks(NIGHTS, plans, end=end, weeks=2)
    root = parse(chart.svg)
    marks = with_class(root, "circle", "nb-key")
    assert [(m.get("data-minutes"), m.get("data-set-by")) for m in marks] == [
        ("390", "clinician"),
        ("405", "person"),
    ]
    (bar,) = with_class(root, "rect", "nb-se-bar")  # the second week has no nights
    # pooled over the five nights: 100 * (330+360+385+400+420) / (480+470+465+455+450)
    assert bar.get("data-pct") == f"{100 * 1895 / 2320:.1f}" == "81.7"
    assert chart.rows == (
        ("2026-03-02 to 2026-03-08", "5", "81.7 %", "6h 30m", "clinician"),
        ("2026-03-09 to 2026-03-15", "0", "-", "6h 45m", "you"),
    )
    window = with_class(root, "polyline", "nb-window")
    assert len(window) == 1 and len(window[0].get("points", "").split()) >= 4  # a step


def test_the_intake_chart_shows_the_taper_target_and_the_symptoms_of_the_same_days() -> None:
    from nightbridge.reports.charts import draw_intake_symptoms
    from nightbridge.services.recovery.intake import IntakeTrend

    days = [START + dt.timedelta(days=i) for i in range(4)]
    trend = IntakeTrend(
        "kratom",
        "g",
        {days[0]: 6.0, days[1]: 5.5, days[3]: 4.0},
        {d: 6.0 if d < days[2] else 5.0 for d in days},
    )
    chart = draw_intake_symptoms(trend, {days[0]: 20, days[2]: 14}, start=days[0], end=days[3])
    root = parse(chart.svg)
    bars = with_class(root, "rect", "nb-intake")
    assert [(b.get("data-date"), b.get("data-amount")) for b in bars] == [
        ("2026-03-02", "6"),
        ("2026-03-03", "5.5"),
        ("2026-03-05", "4"),
    ]
    assert len(with_class(root, "polyline", "nb-target")) == 1
    assert [c.get("data-score") for c in with_class(root, "circle", "nb-dot-symptom")] == [
        "20",
        "14",
    ]
    assert chart.rows[2] == ("2026-03-04", "-", "5", "14")
    legend = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "nb-legend"]
    assert legend == ["Logged", "Taper target", "Symptoms"]


def test_every_chart_has_a_legend_or_labels_its_series() -> None:
    root = parse(draw_sleep_trend(NIGHTS, window_min=390).svg)
    words = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "nb-legend"]
    assert words[:3] == ["Asleep", "Efficiency", "Window"]
    root = parse(draw_diary_bars(NIGHTS).svg)
    words = [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "nb-legend"]
    assert words == ["Asleep", "Awake in bed"]
