"""The report as one self-contained HTML page: inline CSS and inline SVG charts.

No script, no external stylesheet, font or image: the file opens offline and prints
cleanly (A4, page breaks between sections where needed). Charts come from the pages'
``reports.charts`` (each with its data table for screen readers and printing).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nightbridge.i18n import current_locale, gettext
from nightbridge.i18n.jinja import install as install_i18n
from nightbridge.reports import charts, report
from nightbridge.reports.charts import Chart
from nightbridge.reports.data import ReportData
from nightbridge.reports.drawings import nice_step
from nightbridge.reports.svg import CHART_STYLE, Svg, element
from nightbridge.reports.svg import text as svg_text


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("nightbridge.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_i18n(env)  # {% trans %} and _() in the locale in force (nightbridge.i18n)
    return env


def draw_intake_chart(data: ReportData, width: int = 640, height: int = 200) -> Chart | None:
    """The tapered substance's daily total (bars) and the taper's target (red steps), as
    the PDF draws it (reports.drawings.draw_intake); None without intake."""
    if data.taper is not None:
        name, unit = data.taper.substance, data.taper.unit
    else:
        counts: dict[tuple[str, str], int] = {}
        for logged in data.intake:
            key = (logged.substance, logged.unit)
            counts[key] = counts.get(key, 0) + 1
        if not counts:
            return None
        name, unit = max(counts, key=lambda k: counts[k])
    amounts = {x.date: x.amount for x in data.intake if x.substance == name and x.unit == unit}
    steps = list(data.taper.steps) if data.taper is not None else []
    if not amounts and not steps:
        return None
    peak = max([*amounts.values(), *(s.target for s in steps), 1.0])
    tick = nice_step(peak / 3)
    top = math.ceil(peak / tick) * tick
    left, right, top_pad, bottom = 48, 14, 14, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    days = data.days
    cell = plot_w / days
    title = f"{name} logged per day ({unit}) and the taper target"
    desc = (
        f"{len(amounts)} days with {name} logged between {data.start.isoformat()} and "
        f"{data.end.isoformat()}; taper steps: {len(steps)}. Nightbridge never suggests a dose."
    )
    svg = Svg(width, height, title, desc, chart_id="intake")

    def y_of(v: float) -> float:
        return top_pad + plot_h - plot_h * v / top

    v = 0.0
    while v <= top + 1e-9:
        svg.add(
            element(
                "line",
                x1=float(left),
                x2=float(width - right),
                y1=y_of(v),
                y2=y_of(v),
                class_="nb-grid",
            )
        )
        svg.add(svg_text(left - 6, y_of(v) + 4, f"{v:g}", text_anchor="end"))
        v += tick
    rows = []
    for i in range(days):
        day = data.start + dt.timedelta(days=i)
        target = next((s.target for s in steps if s.start <= day <= s.end), None)
        amount = amounts.get(day)
        rows.append(
            (
                day.isoformat(),
                "-" if amount is None else f"{amount:g} {unit}",
                "-" if target is None else f"{target:g} {unit}",
            )
        )
        if amount is not None:
            svg.add(
                element(
                    "rect",
                    x=left + i * cell + cell * 0.15,
                    y=y_of(amount),
                    width=cell * 0.7,
                    height=y_of(0) - y_of(amount),
                    class_="nb-fill-0",
                    data_date=day.isoformat(),
                )
            )
    for s in steps:
        a, b = max(s.start, data.start), min(s.end, data.end)
        if a > b:
            continue
        x0 = left + (a - data.start).days * cell
        x1 = left + ((b - data.start).days + 1) * cell
        svg.add(
            element("line", x1=x0, x2=x1, y1=y_of(s.target), y2=y_of(s.target), class_="nb-window")
        )
    for i in range(0, days, max(1, math.ceil(days / 7))):
        day = data.start + dt.timedelta(days=i)
        svg.add(
            svg_text(
                left + (i + 0.5) * cell, height - 12, f"{day:%b} {day.day}", text_anchor="middle"
            )
        )
    return Chart(svg.render(), title, ("Day", "Logged", "Taper target"), tuple(rows))


def report_context(data: ReportData) -> dict[str, Any]:
    """The values the template shows (all text already worded by reports.report)."""
    window_min = (data.window.in_force_min or data.window.window_min) if data.window else None
    checkins = [(c.date, dict(c.symptoms)) for c in data.checkins]
    questionnaires = {
        k: list(v) for k, v in data.questionnaires.items() if k in report.QUESTIONNAIRE_LABEL
    }
    return {
        "data": data,
        "lang": current_locale(),
        "start": report.day(data.start),
        "end": report.day(data.end),
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
        "intake_chart": draw_intake_chart(data),
        "taper": report.taper_rows(data),
        "findings": report.finding_lines(data),
        "finding_table": report.finding_table(data) if data.audience == "clinician" else [],
        "waiting": report.findings_waiting(data),
        "unclear": report.no_clear_difference(data),
        "intake_findings": report.intake_lines(data),
        "intake_unclear": report.no_clear_difference(data, intake=True),
        "intake_waiting": report.findings_waiting(data, intake=True),
        "intake_note": gettext(report.INTAKE_NOTE),
        "method": gettext(report.METHOD_NOTE),
        "multiple": gettext(report.MULTIPLE_COMPARISONS),
        "devices": report.device_rows(data),
    }


def render_html(data: ReportData) -> str:
    """The report as an HTML document (a string)."""
    return _environment().get_template("report.html.j2").render(**report_context(data))
