"""The report as one self-contained HTML page: inline CSS and inline SVG charts.

No script, no external stylesheet, font or image: the file opens offline and prints
cleanly (A4, page breaks between sections where needed). Charts come from the pages'
``reports.charts`` (each with its data table for screen readers and printing).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nightbridge.reports import charts, report
from nightbridge.reports.data import ReportData
from nightbridge.reports.svg import CHART_STYLE


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("nightbridge.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_context(data: ReportData) -> dict[str, Any]:
    """The values the template shows (all text already worded by reports.report)."""
    window_min = data.window.window_min if data.window else None
    checkins = [(c.date, dict(c.symptoms)) for c in data.checkins]
    questionnaires = {
        k: list(v) for k, v in data.questionnaires.items() if k in report.QUESTIONNAIRE_LABEL
    }
    return {
        "data": data,
        "title": report.title_of(data),
        "subtitle": report.subtitle_of(data),
        "glance": report.headline(data),
        "alerts": report.alert_rows(data),
        "chart_style": CHART_STYLE,
        "diary_chart": charts.draw_diary_bars([n.metrics for n in data.nights]),
        "trend_chart": charts.draw_sleep_trend(
            [n.metrics for n in data.nights], window_min=window_min
        ),
        "symptom_chart": charts.draw_symptom_heatmap(
            checkins, data.symptom_names, labels=data.symptom_labels
        )
        if checkins
        else None,
        "questionnaire_chart": charts.draw_questionnaire_trend(questionnaires)
        if questionnaires
        else None,
        "regularity": report.regularity_rows(data),
        "intake": report.intake_rows(data),
        "taper": report.taper_rows(data),
        "findings": report.finding_lines(data),
        "finding_table": report.finding_table(data) if data.audience == "clinician" else [],
        "waiting": report.findings_waiting(data),
        "unclear": report.no_clear_difference(data),
        "multiple": report.MULTIPLE_COMPARISONS,
        "devices": report.device_rows(data),
    }


def render_html(data: ReportData) -> str:
    """The report as an HTML document (a string)."""
    return _environment().get_template("report.html.j2").render(**report_context(data))
