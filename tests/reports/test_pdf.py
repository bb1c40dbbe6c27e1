"""The PDF report: fits 2-4 pages up to six weeks and pages a year's diary chart, carries its
metadata, draws the data, needs no network."""

from __future__ import annotations

import dataclasses
import datetime as dt

from reportlab.graphics.shapes import Drawing, Rect, String

from nightbridge.reports import drawings
from nightbridge.reports.pdf import render_pdf
from tests.reports.pdf_text import drawn_pages, page_count
from tests.reports.report_sample import TZ, sample_report

#: The diary chart's column heading, drawn once on each of its pages.
CHART_HEADING = "asleep, SE, awake in night"


def rects(drawing: Drawing) -> list[Rect]:
    return [s for s in drawing.contents if isinstance(s, Rect)]


def test_a_week_and_six_weeks_both_fit_on_two_to_four_pages() -> None:
    for days, audience in ((7, "person"), (21, "person"), (42, "clinician")):
        pdf = render_pdf(sample_report(days=days, audience=audience))
        assert pdf.startswith(b"%PDF-")
        assert 2 <= page_count(pdf) <= 4, (days, page_count(pdf))


def test_the_pdf_names_its_span_and_links_to_nothing() -> None:
    pdf = render_pdf(sample_report())
    assert b"Nightbridge report, 2026-03-02 to 2026-03-22" in pdf  # the document title
    assert b"/URI" not in pdf and b"http" not in pdf.replace(b"http://ns.adobe.com", b"")


def test_the_same_data_renders_the_same_bytes() -> None:
    data = sample_report()
    assert render_pdf(data) == render_pdf(data)


def test_an_empty_span_still_renders_a_short_report() -> None:
    data = dataclasses.replace(
        sample_report(),
        nights=(),
        checkins=(),
        intake=(),
        taper=None,
        alerts=(),
        findings=(),
        device_nights=(),
        regularity=None,
        questionnaires={},
        window=None,
    )
    assert 1 <= page_count(render_pdf(data)) <= 2


def test_the_diary_chart_draws_one_asleep_bar_per_night_sized_by_its_times() -> None:
    data = sample_report()
    width = 500.0
    chart = drawings.draw_diary_timeline(data.nights, TZ, width, data.start, data.end)
    blue = [
        r for r in rects(chart) if r.fillColor == drawings.ASLEEP and r.height > 7
    ]  # not the legend
    assert len(blue) == len(data.nights)
    scale = (width - 44 - 118) / (drawings.TIMELINE_HOURS * 60)
    for bar, night in zip(sorted(blue, key=lambda r: -r.y), data.nights, strict=True):
        asleep_span = night.metrics.tst_min + night.metrics.waso_min  # onset to final wake
        assert abs(bar.width - asleep_span * scale) < 1.5 * scale


def test_the_intake_chart_draws_a_bar_per_logged_day() -> None:
    data = sample_report()
    chart = drawings.draw_intake(data.intake, data.taper, 500, data.start, data.end)
    bars = [r for r in rects(chart) if r.fillColor == drawings.SERIES[0] and r.width < 50]
    assert len(bars) == len({d.date for d in data.intake}) + 1  # + the legend swatch


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten() -> None:
    assert [drawings.nice_step(x) for x in (0.3, 1.0, 1.4, 3.3, 7, 42)] == [
        0.5,
        1.0,
        2.0,
        5.0,
        10.0,
        50.0,
    ]


def test_a_year_pages_the_diary_chart_and_keeps_every_night() -> None:
    data = sample_report(days=366, audience="clinician")
    pdf = render_pdf(data)
    pages = drawn_pages(pdf)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pages) == page_count(pdf)
    chart_pages = [i for i, page in enumerate(pages) if CHART_HEADING in page]
    assert len(chart_pages) == 6  # 366 mornings, 61 a page
    assert chart_pages == list(range(chart_pages[0], chart_pages[0] + 6))
    last = data.nights[-1].metrics
    row = f"{last.tst_min // 60}h{last.tst_min % 60:02d}  {last.se_pct:.0f}%  {last.waso_min}m"
    assert row in pages[chart_pages[-1]]
    assert f"page {len(pages)}" in pages[-1]


def test_the_chart_pages_run_morning_after_morning_each_fitting_a_page() -> None:
    data = sample_report(days=366)
    charts = drawings.diary_timeline_pages(data.nights, TZ, 500, data.start, data.end)
    assert [len(rows_of(c)) for c in charts] == [61] * 6
    assert all(c.height < 700 for c in charts)  # an A4 frame is about 750 points tall
    days = [data.start + dt.timedelta(days=i) for i in range(366)]
    assert [label for c in charts for label in rows_of(c)] == [drawings._short(d) for d in days]
    week_start = data.end - dt.timedelta(days=6)
    week = drawings.diary_timeline_pages(data.nights[-7:], TZ, 500, week_start, data.end)
    assert len(week) == 1


def rows_of(chart: Drawing) -> list[str]:
    """The morning labels down a diary chart's left edge (right-aligned at x = 40)."""
    labels = [s for s in chart.contents if isinstance(s, String) and s.x == 40.0]
    return [s.text for s in sorted(labels, key=lambda s: -s.y)]
