"""The report as a PDF (reportlab platypus; A4, 2-4 pages for a week to six weeks; the
diary chart runs over more pages for a longer span, up to a year).

Everything is drawn in-process with the standard PDF fonts: no network, no system
fonts, no external programs. Every page footer says whose data it is and that it is
private health information.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from nightbridge.i18n import gettext as _
from nightbridge.reports import drawings, report
from nightbridge.reports.data import ReportData

# Page streams compressed only, not also ASCII85-encoded (an encoding for 7-bit channels
# that costs a quarter more bytes and, in pure Python, a fifth of a year's report).
rl_config.useA85 = 0

MARGIN = 14 * mm
LEVEL_COLOURS = {
    "EMERGENCY": colors.HexColor("#8e1b10"),
    "CRISIS": colors.HexColor("#8e1b10"),
    "URGENT": colors.HexColor("#c0392b"),
    "Advice": colors.HexColor("#8a6d1a"),
}


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("nb-body", parent=base["BodyText"], fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle(
            "nb-title",
            parent=base["Title"],
            fontSize=16,
            leading=19,
            alignment=TA_LEFT,
            spaceAfter=2,
        ),
        "sub": ParagraphStyle("nb-sub", parent=body, textColor=colors.HexColor("#555555")),
        "h2": ParagraphStyle(
            "nb-h2", parent=base["Heading2"], fontSize=11.5, leading=14, spaceBefore=6, spaceAfter=3
        ),
        "body": body,
        "note": ParagraphStyle(
            "nb-note", parent=body, fontSize=7, leading=8.5, textColor=colors.HexColor("#555555")
        ),
        "cell": ParagraphStyle("nb-cell", parent=body, fontSize=7.5, leading=9),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


#: Table cells: Helvetica 7.5 on 9 points (the ``cell`` paragraph style), 6 points of padding.
CELL_FONT, CELL_SIZE, CELL_LEADING, CELL_PAD = "Helvetica", 7.5, 9.0, 6.0


def _table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str] | None,
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
) -> Table:
    """A table of plain text, each cell wrapped to its column's width.

    Cells are wrapped here (words, as a paragraph would) into lines the table draws as
    they are, so a year's table of hundreds of rows lays out quickly; a text that recurs
    (the same alert message on many days) is wrapped once.
    """
    wrapped: dict[tuple[str, float], str] = {}

    def cell(text: str, width: float) -> str:
        key = (text, width)
        if key not in wrapped:
            lines = simpleSplit(text, CELL_FONT, CELL_SIZE, width - 2 * CELL_PAD)
            wrapped[key] = "\n".join(lines)
        return wrapped[key]

    data: list[list[Any]] = []
    if header:
        data.append([cell(h, w) for h, w in zip(header, widths, strict=True)])
    data.extend([[cell(c, w) for c, w in zip(row, widths, strict=True)] for row in rows])
    table = Table(data, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), CELL_FONT, CELL_SIZE, CELL_LEADING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f6")))
    table.setStyle(TableStyle(style))
    return table


def _section(title: str, st: dict[str, ParagraphStyle], *flow: Any) -> KeepTogether:
    return KeepTogether([_p(title, st["h2"]), *flow])


def build_story(data: ReportData, width: float) -> list[Any]:
    """The flowables of the report, in reading order."""
    st = _styles()
    story: list[Any] = [
        _p(report.title_of(data), st["title"]),
        _p(report.subtitle_of(data), st["sub"]),
        Spacer(1, 4),
    ]
    glance = report.headline(data)
    half = (len(glance) + 1) // 2
    pairs = [
        [*glance[i], *(glance[i + half] if i + half < len(glance) else ("", ""))]
        for i in range(half)
    ]
    story.append(
        _section(
            _("At a glance"),
            st,
            _table(pairs, None, [width * 0.24, width * 0.26, width * 0.24, width * 0.26], st),
        )
    )
    alerts = report.alert_rows(data)
    if alerts:
        table = _table(
            [(_(lvl), day, msg, why) for lvl, day, msg, why in alerts],
            (_("Level"), _("Date"), _("What it means"), _("Evidence and source")),
            [width * 0.1, width * 0.12, width * 0.42, width * 0.36],
            st,
        )
        story.append(
            _section(
                f"{_('Safety alerts')} ({len(alerts)})",
                st,
                table,
                _p(
                    _(
                        "Emergency: call your local emergency number now. Crisis: contact a "
                        "crisis line now. Urgent: contact a clinician today."
                    ),
                    st["note"],
                ),
            )
        )
    else:
        story.append(_section(_("Safety alerts"), st, _p(_("No alerts in this span."), st["body"])))
    timeline = drawings.diary_timeline_pages(data.nights, data.tz, width, data.start, data.end)
    diary_note = _p(
        "Consensus Sleep Diary (Carney et al., SLEEP 2012;35:287-302). Awakenings in the "
        "night are reported as total minutes (right column), so they are not placed on the "
        "bar.",
        st["note"],
    )
    if len(timeline) == 1:
        story.append(_section(_("Sleep diary, night by night"), st, timeline[0], diary_note))
    else:  # a long span: one chart a page, each a run of consecutive mornings
        story.append(_section(_("Sleep diary, night by night"), st, timeline[0]))
        story.extend(timeline[1:-1])
        story.append(KeepTogether([timeline[-1], diary_note]))
    window_min = (data.window.in_force_min or data.window.window_min) if data.window else None
    story.append(
        _section(
            _("Total sleep time and sleep efficiency"),
            st,
            drawings.draw_sleep_trend(data.nights, width, window_min=window_min),
            _p(
                "Dashed red: the sleep window in force (CBT-I; Spielman et al., "
                "Sleep 1987;10:45-56). "
                "Dotted: 85 % efficiency, below which the window is lowered.",
                st["note"],
            ),
        )
    )
    if data.window and data.window.reasons:
        story.append(
            _p(_("Sleep window:") + " " + " ".join(_(r) for r in data.window.reasons), st["note"])
        )
    reg = report.regularity_rows(data)
    if reg:
        story.append(
            _section(
                _("Regularity"),
                st,
                _table(reg, None, [width * 0.35, width * 0.65], st),
                _p(
                    "Sleep Regularity Index: Phillips et al., Sci Rep 2017;7:3216; Fischer et al., "
                    "Sleep 2021;44(10):zsab103 (1-min epochs, naps included where their times are "
                    "known, "
                    "consecutive days only; 100 = same schedule every day). Social jet lag: "
                    "Wittmann et al., Chronobiol Int 2006;23:497-509 (work days Mon-Fri).",
                    st["note"],
                ),
            )
        )
    story.append(CondPageBreak(160))
    if data.checkins:
        story.append(
            _section(
                _("Withdrawal symptoms"),
                st,
                drawings.draw_symptom_heatmap(
                    data.checkins,
                    data.symptom_names,
                    data.symptom_labels,
                    width,
                    data.start,
                    data.end,
                ),
                _p(
                    "Nightbridge's own daily symptom diary (0 none to 4 extreme): "
                    "a self-report, not "
                    "a validated scale.",
                    st["note"],
                ),
            )
        )
    series: dict[str, list[tuple[Any, float]]] = {
        report.QUESTIONNAIRE_LABEL.get(k, k): [(d, float(v)) for d, v in vals]
        for k, vals in data.questionnaires.items()
        if vals and k in report.QUESTIONNAIRE_LABEL
    }
    function = report.checkin_function(data)
    if series:
        story.append(
            _section(
                _("Questionnaires"),
                st,
                drawings.draw_lines(
                    series,
                    width,
                    top_value=27,
                    start=min([data.start, *(d for v in series.values() for d, _v in v)]),
                    end=data.end,
                    bands=(5, 10, 15, 20),
                ),
                _p(
                    "PHQ-9 (Kroenke et al., J Gen Intern Med 2001;16:606-13) bands 5/10/15/20; "
                    "GAD-7 (Spitzer et al., Arch Intern Med 2006;166:1092-7) bands 5/10/15.",
                    st["note"],
                ),
            )
        )
    if function:
        story.append(
            _section(
                "Daily function (1 very poor to 5 very good)",
                st,
                drawings.draw_lines(
                    {"function": [(d, float(v)) for d, v in function]},
                    width,
                    top_value=5,
                    start=data.start,
                    end=data.end,
                    height=90,
                    bands=(1, 2, 3, 4),
                ),
            )
        )
    intake = report.intake_rows(data)
    flow: list[Any] = [drawings.draw_intake(data.intake, data.taper, width, data.start, data.end)]
    if intake:
        flow.append(
            _table(
                intake,
                (_("Substance"), _("Days logged"), _("Total"), _("Mean per day logged"), _("Last")),
                [width * 0.3, width * 0.14, width * 0.18, width * 0.22, width * 0.16],
                st,
            )
        )
    taper = report.taper_rows(data)
    if taper:
        flow.append(Spacer(1, 4))
        flow.append(
            _table(
                taper,
                (
                    _("Step"),
                    _("Dates"),
                    _("Target"),
                    _("Days logged"),
                    _("Days over"),
                    _("Mean logged"),
                ),
                [width * 0.08, width * 0.3, width * 0.14, width * 0.16, width * 0.14, width * 0.18],
                st,
            )
        )
        flow.append(
            _p(
                "The taper is the schedule the person or clinician set; Nightbridge "
                "never suggests a dose. " + (data.taper.end_warning if data.taper else ""),
                st["note"],
            )
        )
    story.append(_section(_("Intake and taper"), st, *flow))
    story.append(CondPageBreak(120))
    lines = report.finding_lines(data)
    waiting = report.findings_waiting(data)
    flow = [_p(f"- {line}", st["body"]) for line in lines] or [
        _p(_("No habit shows a clear difference so far."), st["body"])
    ]
    unclear = report.no_clear_difference(data)
    if unclear:
        flow.append(
            _p(_("No clear difference so far:") + " " + "; ".join(unclear) + ".", st["note"])
        )
    if waiting:
        flow.append(
            _p(
                _("Still collecting (5 nights with and 5 without needed):")
                + " "
                + "; ".join(waiting)
                + ".",
                st["note"],
            )
        )
    flow.append(
        _p(
            _("Based on %(n)s nights up to the end of this span.") % {"n": data.findings_nights}
            + " "
            + _(report.METHOD_NOTE)
            + " "
            + _(report.MULTIPLE_COMPARISONS)
            + " Method: docs/what-helps-me.md.",
            st["note"],
        )
    )
    story.append(_section(_("What helps me"), st, *flow))
    intake = report.intake_lines(data)
    flow = [_p(f"- {line}", st["body"]) for line in intake] or [
        _p(
            _("No clear difference between nights after intake and other nights so far."),
            st["body"],
        )
    ]
    intake_unclear = report.no_clear_difference(data, intake=True)
    if intake_unclear:
        flow.append(
            _p(_("No clear difference so far:") + " " + "; ".join(intake_unclear) + ".", st["note"])
        )
    intake_waiting = report.findings_waiting(data, intake=True)
    if intake_waiting:
        flow.append(
            _p(
                _("Still collecting (5 nights with and 5 without needed):")
                + " "
                + "; ".join(intake_waiting)
                + ".",
                st["note"],
            )
        )
    flow.append(_p(_(report.INTAKE_NOTE), st["note"]))
    story.append(_section(_("How intake and sleep go together for you"), st, *flow))
    table = report.finding_table(data) if data.audience == "clinician" else []
    if table:
        story.append(
            _section(
                _("The strongest comparisons, in words (for the clinician)"),
                st,
                _table(
                    table,
                    (
                        _("Exposure"),
                        _("Outcome"),
                        _("Effect"),
                        _("Interval"),
                        _("Nights with/without"),
                        _("Status"),
                    ),
                    [
                        width * 0.24,
                        width * 0.2,
                        width * 0.12,
                        width * 0.2,
                        width * 0.12,
                        width * 0.12,
                    ],
                    st,
                ),
                _p(
                    _("The strongest habits first, then the strongest intakes.")
                    + " "
                    + _(report.MULTIPLE_COMPARISONS),
                    st["note"],
                ),
            )
        )
    device = report.device_rows(data)
    if device:
        story.append(
            _section(
                _("Diary and devices, side by side"),
                st,
                _table(
                    device,
                    (_("Night"), _("Diary (asleep, SE)"), _("Devices (asleep, SE; * = chosen)")),
                    [width * 0.14, width * 0.22, width * 0.64],
                    st,
                ),
                _p(
                    _("Device nights are never merged with the diary or with each other."),
                    st["note"],
                ),
            )
        )
    return story


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes (A4)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4,
        title=report.title_of(data),
        author="Nightbridge",
        subject=_("Sleep and recovery report for %(person)s") % {"person": data.person},
        creator="Nightbridge",
        invariant=1,
    )
    footer = _("%(person)s - %(start)s to %(end)s - private health information") % {
        "person": data.person,
        "start": report.day(data.start),
        "end": report.day(data.end),
    }
    page_words = _("page %(n)s")

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, MARGIN - 2, footer)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2, page_words % {"n": document.page})
        canvas.restoreState()

    doc.build(build_story(data, doc.width), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
