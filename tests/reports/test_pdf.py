"""The PDF report: fits 2-4 pages, carries its metadata, draws the data, needs no network."""

from __future__ import annotations

import dataclasses
import re

from reportlab.graphics.shapes import Drawing, Rect

from nightbridge.reports import drawings
from nightbridge.reports.pdf import render_pdf
from tests.reports.report_sample import TZ, sample_report


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page[^s]", pdf))


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
