"""Server-made SVG charts of a person's nights, symptoms and questionnaires.

Pure functions: plain values in (core objects, or anything with the same attributes),
a ``Chart`` out: the SVG string plus the same numbers as a table (the fallback for screen
readers, printing and anyone who prefers numbers). No database, no files, no JavaScript.

The numbers drawn are the ones defined in docs/definitions.md: time in bed, total sleep
time and sleep efficiency of the Consensus Sleep Diary (Carney et al., SLEEP
2012;35(2):287-302; section 1), the sleep window (Spielman, Saskin & Thorpy, Sleep
1987;10:45-56; section 2), PHQ-9 and GAD-7 totals and bands (Kroenke et al., J Gen
Intern Med 2001;16:606-13; Spitzer et al., Arch Intern Med 2006;166:1092-7; section 3)
and Nightbridge's own withdrawal symptom diary (0..4 per symptom; not a validated
scale; section 3).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.reports.svg import Svg, element, escape, fmt, polyline, text

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 48, 14, 14, 34

#: Upper end of each questionnaire's total (definitions.md section 3).
QUESTIONNAIRE_MAX: dict[str, int] = {"phq9": 27, "gad7": 21}
QUESTIONNAIRE_LABEL: dict[str, str] = {"phq9": "PHQ-9", "gad7": "GAD-7"}


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and its data table (``columns`` and ``rows`` of display strings)."""

    svg: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class NightPoint:
    """One night's numbers as charts need them (minutes; SE in percent)."""

    date: dt.date
    tib_min: int
    tst_min: int
    se_pct: float

    @classmethod
    def from_metrics(cls, night: Any) -> NightPoint:
        """From a ``NightMetrics`` (or any object or mapping with the same keys)."""

        def get(name: str) -> Any:
            return night[name] if isinstance(night, Mapping) else getattr(night, name)

        day = get("date")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return cls(day, int(get("tib_min")), int(get("tst_min")), float(get("se_pct")))


def _points(nights: Iterable[Any]) -> list[NightPoint]:
    points = [n if isinstance(n, NightPoint) else NightPoint.from_metrics(n) for n in nights]
    return sorted(points, key=lambda p: p.date)


def _hours(minutes: float) -> str:
    return f"{int(minutes) // 60}h {int(minutes) % 60:02d}m"


def _short(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def _label_every(count: int, room: float, width: float = 46) -> int:
    """Label every n-th column so labels of ``width`` px do not overlap."""
    return max(1, math.ceil(width / room)) if count else 1


def _hline(y: float, css_class: str, left: float = LEFT) -> str:
    """A full-width horizontal line (grid, axis or reference)."""
    return element("line", x1=float(left), x2=float(WIDTH - RIGHT), y1=y, y2=y, class_=css_class)


def _empty(svg: Svg, message: str) -> str:
    svg.add(text(svg.width / 2, svg.height / 2, message, text_anchor="middle"))
    return svg.render()


def draw_diary_bars(nights: Iterable[Any], *, chart_id: str = "diary-bars") -> Chart:
    """One stacked bar per night: asleep (``tst_min``) below, awake in bed above it.

    The whole bar is time in bed (``tib_min``); the upper part is total wake time in bed
    (``twt_min = tib_min - tst_min``), definitions.md section 1. Heights are in hours.
    """
    points = _points(nights)
    height = 240
    title = "Time in bed and asleep, per night"
    if points:
        desc = (
            f"{len(points)} nights from {points[0].date.isoformat()} to "
            f"{points[-1].date.isoformat()}. Blue: asleep; amber: awake in bed. "
            f"Mean asleep {_hours(sum(p.tst_min for p in points) / len(points))}."
        )
    else:
        desc = "No diary nights yet."
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    columns = ("Night", "In bed", "Asleep", "Awake in bed", "Sleep efficiency")
    rows = tuple(
        (
            p.date.isoformat(),
            _hours(p.tib_min),
            _hours(p.tst_min),
            _hours(max(0, p.tib_min - p.tst_min)),
            f"{p.se_pct:.1f} %",
        )
        for p in points
    )
    if not points:
        return Chart(_empty(svg, "No diary nights yet"), title, columns, rows)

    top_h = max(10, math.ceil(max(p.tib_min for p in points) / 60))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    base = TOP + plot_h

    def y_of(minutes: float) -> float:
        return base - plot_h * minutes / (top_h * 60)

    for hour in range(0, top_h + 1, 2):
        y = y_of(hour * 60)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, f"{hour}h", text_anchor="end"))
    first = points[0].date
    span = (points[-1].date - first).days + 1
    slot = plot_w / span
    bar_w = max(2.0, slot * 0.7)
    every = _label_every(span, slot)
    for p in points:
        offset = (p.date - first).days
        x = LEFT + offset * slot + (slot - bar_w) / 2
        awake = max(0, p.tib_min - p.tst_min)
        tip = f"{p.date.isoformat()}: asleep {_hours(p.tst_min)}, awake in bed {_hours(awake)}"
        svg.add(
            element(
                "rect",
                f"<title>{escape(tip)}</title>",
                x=x,
                y=y_of(p.tst_min),
                width=bar_w,
                height=base - y_of(p.tst_min),
                class_="nb-asleep",
                data_date=p.date.isoformat(),
                data_minutes=p.tst_min,
            )
        )
        svg.add(
            element(
                "rect",
                x=x,
                y=y_of(p.tst_min + awake),
                width=bar_w,
                height=y_of(p.tst_min) - y_of(p.tst_min + awake),
                class_="nb-awake",
                data_date=p.date.isoformat(),
                data_minutes=awake,
            )
        )
    for offset in range(0, span, every):
        day = first + dt.timedelta(days=offset)
        svg.add(
            text(LEFT + offset * slot + slot / 2, height - 12, _short(day), text_anchor="middle")
        )
    svg.add(_hline(base, "nb-axis"))
    return Chart(svg.render(), title, columns, rows)


def draw_sleep_trend(
    nights: Iterable[Any],
    *,
    window_min: int | None = None,
    lower_at_pct: float = 85.0,
    chart_id: str = "sleep-trend",
) -> Chart:
    """Total sleep time (hours, top panel) and sleep efficiency (%, bottom panel) by night.

    ``window_min`` draws the current sleep window as a dashed line on the TST panel
    (definitions.md section 2); the SE panel marks ``lower_at_pct`` (85 % by default,
    the level below which the window is lowered).
    """
    points = _points(nights)
    height = 320
    title = "Total sleep time and sleep efficiency"
    window_text = f" Sleep window {_hours(window_min)}." if window_min else ""
    if points:
        desc = (
            f"{len(points)} nights from {points[0].date.isoformat()} to "
            f"{points[-1].date.isoformat()}. Asleep: first {_hours(points[0].tst_min)}, "
            f"last {_hours(points[-1].tst_min)}. Sleep efficiency: first "
            f"{points[0].se_pct:.1f} %, last {points[-1].se_pct:.1f} %.{window_text}"
        )
    else:
        desc = "No diary nights yet."
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    columns = ("Night", "Asleep", "Sleep efficiency", "Sleep window")
    rows = tuple(
        (
            p.date.isoformat(),
            _hours(p.tst_min),
            f"{p.se_pct:.1f} %",
            _hours(window_min) if window_min else "-",
        )
        for p in points
    )
    if not points:
        return Chart(_empty(svg, "No diary nights yet"), title, columns, rows)

    plot_w = WIDTH - LEFT - RIGHT
    panel_h = (height - TOP - BOTTOM - 34) / 2
    tst_top, se_top = TOP, TOP + panel_h + 34
    max_h = max(10, math.ceil(max([p.tst_min for p in points] + [window_min or 0]) / 60))
    first = points[0].date
    span = max(1, (points[-1].date - first).days)

    def x_of(day: dt.date) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_tst(minutes: float) -> float:
        return tst_top + panel_h - panel_h * minutes / (max_h * 60)

    se_low = min(50.0, math.floor(min(p.se_pct for p in points) / 10) * 10)

    def y_se(pct: float) -> float:
        return se_top + panel_h - panel_h * (min(pct, 100.0) - se_low) / (100.0 - se_low)

    for hour in range(0, max_h + 1, 2):
        y = y_tst(hour * 60)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, f"{hour}h", text_anchor="end"))
    for pct in range(int(se_low), 101, 10):
        y = y_se(pct)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, f"{pct}%", text_anchor="end"))
    svg.add(text(LEFT + 4, tst_top + 10, "Asleep (hours)"))
    svg.add(text(LEFT, se_top - 6, "Sleep efficiency (%)"))
    if window_min:
        y = y_tst(window_min)
        svg.add(
            element(
                "line",
                f"<title>{escape(f'Sleep window {_hours(window_min)}')}</title>",
                x1=float(LEFT),
                x2=float(WIDTH - RIGHT),
                y1=y,
                y2=y,
                class_="nb-window",
                data_minutes=window_min,
            )
        )
    y_ref = y_se(lower_at_pct)
    svg.add(_hline(y_ref, "nb-ref"))
    svg.add(polyline([(x_of(p.date), y_tst(p.tst_min)) for p in points], class_="nb-tst"))
    svg.add(polyline([(x_of(p.date), y_se(p.se_pct)) for p in points], class_="nb-se"))
    for p in points:
        svg.add(
            element(
                "circle",
                f"<title>{escape(f'{p.date.isoformat()}: asleep {_hours(p.tst_min)}')}</title>",
                cx=x_of(p.date),
                cy=y_tst(p.tst_min),
                r=3.0,
                class_="nb-dot-tst",
                data_date=p.date.isoformat(),
                data_minutes=p.tst_min,
            )
        )
        svg.add(
            element(
                "circle",
                f"<title>{escape(f'{p.date.isoformat()}: efficiency {p.se_pct:.1f} %')}</title>",
                cx=x_of(p.date),
                cy=y_se(p.se_pct),
                r=3.0,
                class_="nb-dot-se",
                data_date=p.date.isoformat(),
                data_pct=f"{p.se_pct:.1f}",
            )
        )
    _date_labels(svg, first, points[-1].date, x_of, height - 12)
    return Chart(svg.render(), title, columns, rows)


def _date_labels(svg: Svg, first: dt.date, last: dt.date, x_of: Any, y: float) -> None:
    """Up to six date labels; the first and last always, anchored inside the chart."""
    span = (last - first).days
    step = max(1, math.ceil(span / 5)) if span else 1
    days = [first + dt.timedelta(days=k) for k in range(0, span + 1, step)]
    if days[-1] != last:
        if (last - days[-1]).days < step * 0.6 and len(days) > 1:
            days.pop()
        days.append(last)
    for day in days:
        anchor = "start" if day == first and span else "end" if day == last and span else "middle"
        x = x_of(day)
        svg.add(text(x, y, _short(day), text_anchor=anchor))


def draw_symptom_heatmap(
    days: Iterable[tuple[dt.date, Mapping[str, int]]],
    symptoms: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
    chart_id: str = "symptoms",
) -> Chart:
    """A grid: one row per symptom, one column per day, darker for a higher rating 0..4.

    Ratings are Nightbridge's own withdrawal symptom diary (definitions.md section 3;
    0 none, 1 mild, 2 moderate, 3 severe, 4 extreme): a self-report, not a validated
    scale. A day without a check-in is an empty outlined cell.
    """
    by_day = {day: dict(scores) for day, scores in days}
    names = labels or {}

    def label_of(name: str) -> str:
        return names.get(name, name.replace("_", " "))

    ordered = sorted(by_day)
    title = "Withdrawal symptoms by day (0 none to 4 extreme)"
    totals = [(d, sum(by_day[d].values())) for d in ordered]
    if ordered:
        desc = (
            f"{len(ordered)} check-ins from {ordered[0].isoformat()} to "
            f"{ordered[-1].isoformat()}. Symptom score (sum, 0-68): first "
            f"{totals[0][1]}, last {totals[-1][1]}. Nightbridge's own diary, not a validated scale."
        )
    else:
        desc = "No check-ins yet."
    left = 130
    row_h = 16
    height = TOP + row_h * len(symptoms) + BOTTOM + 20
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    columns = ("Day", "Score", *[label_of(s) for s in symptoms])
    rows = tuple(
        (d.isoformat(), str(total), *[str(by_day[d].get(s, "-")) for s in symptoms])
        for d, total in totals
    )
    if not ordered:
        return Chart(_empty(svg, "No check-ins yet"), title, columns, rows)
    first, last = ordered[0], ordered[-1]
    span = (last - first).days + 1
    cell_w = (WIDTH - left - RIGHT) / span
    for r, name in enumerate(symptoms):
        y = TOP + r * row_h
        svg.add(text(left - 6, y + row_h - 4, label_of(name), text_anchor="end"))
        for offset in range(span):
            day = first + dt.timedelta(days=offset)
            x = left + offset * cell_w
            scores = by_day.get(day)
            if scores is None or name not in scores:
                svg.add(
                    element(
                        "rect",
                        x=x + 0.5,
                        y=y + 0.5,
                        width=max(1.0, cell_w - 1.5),
                        height=row_h - 2.0,
                        class_="nb-missing",
                        data_date=day.isoformat(),
                        data_symptom=name,
                    )
                )
                continue
            value = max(0, min(4, int(scores[name])))
            tip = f"{day.isoformat()} {label_of(name)}: {value}"
            svg.add(
                element(
                    "rect",
                    f"<title>{escape(tip)}</title>",
                    x=x,
                    y=y,
                    width=max(1.0, cell_w - 1.0),
                    height=row_h - 1.0,
                    class_=f"nb-sev nb-sev-{value}",
                    data_date=day.isoformat(),
                    data_symptom=name,
                    data_value=value,
                )
            )
    x_of = lambda day: left + ((day - first).days + 0.5) * cell_w  # noqa: E731
    _date_labels(svg, first, last, x_of, height - 32)
    _severity_key(svg, left, height - 16)
    return Chart(svg.render(), title, columns, rows)


def _severity_key(svg: Svg, x: float, y: float) -> None:
    """The shading key of the heatmap: one swatch per rating 0..4 with its word."""
    words = ("0 none", "1 mild", "2 moderate", "3 severe", "4 extreme")
    for value, word in enumerate(words):
        svg.add(
            element("rect", x=x, y=y - 10, width=12.0, height=12.0, class_=f"nb-key nb-sev-{value}")
        )
        svg.add(text(x + 16, y, word))
        x += 16 + 7 * len(word) + 14


def draw_questionnaire_trend(
    scores: Mapping[str, Iterable[tuple[dt.date, int]]], *, chart_id: str = "questionnaires"
) -> Chart:
    """PHQ-9 and GAD-7 totals over time, with the band edges 5, 10, 15 (and 20 for PHQ-9).

    Bands per definitions.md section 3 (Kroenke et al. 2001; Spitzer et al. 2006).
    ``scores`` maps an instrument (``phq9``, ``gad7``) to ``(date, total)`` pairs.
    """
    series = {k: sorted(v) for k, v in scores.items() if k in QUESTIONNAIRE_MAX}
    series = {k: v for k, v in series.items() if v}
    title = "Questionnaire totals over time"
    parts = [
        f"{QUESTIONNAIRE_LABEL[k]}: {len(v)} scores, first {v[0][1]} on {v[0][0].isoformat()}, "
        f"last {v[-1][1]} on {v[-1][0].isoformat()}"
        for k, v in series.items()
    ]
    desc = ". ".join(parts) + "." if parts else "No questionnaires yet."
    height = 220
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    all_days = sorted({d for v in series.values() for d, _ in v})
    columns = ("Date", *[QUESTIONNAIRE_LABEL[k] for k in series])
    lookup = {k: dict(v) for k, v in series.items()}
    rows = tuple((d.isoformat(), *[str(lookup[k].get(d, "-")) for k in series]) for d in all_days)
    if not all_days:
        return Chart(_empty(svg, "No questionnaires yet"), title, columns, rows)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM - 14
    first, last = all_days[0], all_days[-1]
    span = max(1, (last - first).days)

    def x_of(day: dt.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_of(total: float) -> float:
        return TOP + 14 + plot_h - plot_h * total / 27

    for edge in (0, 5, 10, 15, 20, 27):
        y = y_of(edge)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, str(edge), text_anchor="end"))
    legend_x = float(LEFT)
    for i, (key, values) in enumerate(series.items()):
        svg.add(element("rect", x=legend_x, y=2.0, width=10.0, height=10.0, class_=f"nb-fill-{i}"))
        svg.add(text(legend_x + 14, 11, QUESTIONNAIRE_LABEL[key]))
        legend_x += 70
        svg.add(polyline([(x_of(d), y_of(t)) for d, t in values], class_=f"nb-line-{i}"))
        for d, total in values:
            label = f"{QUESTIONNAIRE_LABEL[key]} {d.isoformat()}: {total}"
            svg.add(
                element(
                    "circle",
                    f"<title>{escape(label)}</title>",
                    cx=x_of(d),
                    cy=y_of(total),
                    r=4.0,
                    class_=f"nb-fill-{i}",
                    data_instrument=key,
                    data_date=d.isoformat(),
                    data_total=total,
                )
            )
    _date_labels(svg, first, last, x_of, height - 12)
    return Chart(svg.render(), title, columns, rows)


__all__ = [
    "Chart",
    "NightPoint",
    "draw_diary_bars",
    "draw_questionnaire_trend",
    "draw_sleep_trend",
    "draw_symptom_heatmap",
    "fmt",
]
