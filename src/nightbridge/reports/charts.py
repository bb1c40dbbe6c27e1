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

#: Drawn for a phone: 360 units wide, so the 14-unit text of svg.CHART_STYLE renders at
#: 12 px or more on a 360 px screen (issue 13); pages cap the width on larger screens.
WIDTH = 360
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 16, 34

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


def _label_every(count: int, room: float, width: float = 56) -> int:
    """Label every n-th column so labels of ``width`` px do not overlap."""
    return max(1, math.ceil(width / room)) if count else 1


def _hline(y: float, css_class: str, left: float = LEFT) -> str:
    """A full-width horizontal line (grid, axis or reference)."""
    return element("line", x1=float(left), x2=float(WIDTH - RIGHT), y1=y, y2=y, class_=css_class)


def _legend(svg: Svg, y: float, items: Sequence[tuple[str, str, str]]) -> None:
    """A legend row from the left: ``(kind, series, words)``, kind ``box`` or ``line``;
    the swatch takes the series' colour through its ``nb-lg-`` class (svg.CHART_STYLE)."""
    x = 8.0
    for kind, series, words in items:
        css_class = "nb-lg-" + series.removeprefix("nb-")
        if kind == "box":
            svg.add(element("rect", x=x, y=y - 11, width=12.0, height=12.0, class_=css_class))
        else:
            svg.add(element("line", x1=x, x2=x + 16, y1=y - 5, y2=y - 5, class_=css_class))
        svg.add(text(x + 20, y, words, class_="nb-legend"))
        x += 20 + 8 * len(words) + 12


def _empty(svg: Svg, message: str) -> str:
    svg.add(text(svg.width / 2, svg.height / 2, message, text_anchor="middle"))
    return svg.render()


def draw_diary_bars(nights: Iterable[Any], *, chart_id: str = "diary-bars") -> Chart:
    """One stacked bar per night: asleep (``tst_min``) below, awake in bed above it.

    The whole bar is time in bed (``tib_min``); the upper part is total wake time in bed
    (``twt_min = tib_min - tst_min``), definitions.md section 1. Heights are in hours.
    """
    points = _points(nights)
    height = 262
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
    plot_h = height - TOP - BOTTOM - 22
    base = TOP + 22 + plot_h
    _legend(svg, 14, (("box", "nb-asleep", "Asleep"), ("box", "nb-awake", "Awake in bed")))

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
    height = 352
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
    panel_h = (height - TOP - BOTTOM - 34 - 32) / 2
    tst_top, se_top = TOP, TOP + panel_h + 34
    legend = [("line", "nb-tst", "Asleep"), ("line", "nb-se", "Efficiency")]
    if window_min:
        legend.append(("line", "nb-window", "Window"))
    _legend(svg, height - 36, legend)
    _legend(
        svg, height - 16, (("line", "nb-ref", f"{lower_at_pct:g} % (the window shortens below)"),)
    )
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
    _date_labels(svg, first, points[-1].date, x_of, se_top + panel_h + 18)
    return Chart(svg.render(), title, columns, rows)


def _date_labels(svg: Svg, first: dt.date, last: dt.date, x_of: Any, y: float) -> None:
    """Date labels about 70 px apart (at most six); the first and last always, anchored
    inside the chart, none crowding them."""
    span = (last - first).days
    room = abs(x_of(last) - x_of(first)) if span else 0.0
    step = max(1, math.ceil(span / max(1, min(5, int(room // 70))))) if span else 1
    days = [first + dt.timedelta(days=k) for k in range(0, span + 1, step)]
    if days[-1] != last:
        if (last - days[-1]).days < step and len(days) > 1:
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
    left = 110
    row_h = 17
    height = TOP + row_h * len(symptoms) + BOTTOM + 38
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
    _date_labels(svg, first, last, x_of, height - 50)
    _severity_key(svg, 8.0, height - 26)
    return Chart(svg.render(), title, columns, rows)


def _severity_key(svg: Svg, x: float, y: float) -> None:
    """The shading key of the heatmap: one swatch per rating 0..4 with its word."""
    words = ("0 none", "1 mild", "2 moderate", "3 severe", "4 extreme")
    start = x
    for value, word in enumerate(words):
        if value == 3:  # a second row: the key fits a phone
            x, y = start, y + 18
        svg.add(
            element("rect", x=x, y=y - 11, width=12.0, height=12.0, class_=f"nb-key nb-sev-{value}")
        )
        svg.add(text(x + 16, y, word))
        x += 16 + 8 * len(word) + 14


def _score_dot(
    label: str, x: float, y: float, css_class: str, key: str, day: dt.date, total: int
) -> str:
    """One questionnaire total as a dot, with its words as a tooltip and its values as
    data attributes (what the tests and the table alternative read)."""
    return element(
        "circle",
        f"<title>{escape(label)}</title>",
        cx=x,
        cy=y,
        r=4.0,
        class_=css_class,
        data_instrument=key,
        data_date=day.isoformat(),
        data_total=total,
    )


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
            svg.add(_score_dot(label, x_of(d), y_of(total), f"nb-fill-{i}", key, d, total))
    _date_labels(svg, first, last, x_of, height - 12)
    return Chart(svg.render(), title, columns, rows)


__all__ = [
    "Chart",
    "NightPoint",
    "ScaleSeries",
    "draw_diary_bars",
    "draw_intake_symptoms",
    "draw_questionnaire_trend",
    "draw_scale_strips",
    "draw_sleep_trend",
    "draw_symptom_heatmap",
    "draw_window_weeks",
    "fmt",
]


def _pooled_se(points: Sequence[NightPoint]) -> float | None:
    tib = sum(p.tib_min for p in points)
    return 100.0 * sum(p.tst_min for p in points) / tib if tib else None


def draw_window_weeks(
    nights: Iterable[Any],
    plans: Iterable[Any],
    *,
    end: dt.date,
    weeks: int = 6,
    lower_at_pct: float = 85.0,
    raise_at_pct: float = 90.0,
    chart_id: str = "window-weeks",
    title: str = "Your sleep window and each week's sleep efficiency",
    setter_words: Mapping[str, str] | None = None,
) -> Chart:
    """The sleep window in force over time (top: its length in hours, one step at each
    change, who set it in the table) and the pooled sleep efficiency of each week, the
    number the weekly step reads (bottom; definitions.md sections 1 and 2: pooled SE =
    100 * sum(tst) / sum(tib); lengthen at ``raise_at_pct``, shorten below
    ``lower_at_pct``). ``plans`` are ``WindowPlan``-like (``set_on``, ``window_min``,
    ``set_by``), oldest first. Weeks are 7-day blocks ending on ``end``. ``setter_words``
    names the setters (``set_by`` -> words; the person's own pages say "you")."""
    setters = dict(setter_words or {"clinician": "your clinician", "person": "you"})
    points = _points(nights)
    history = sorted(plans, key=lambda p: p.set_on)
    first_day = end - dt.timedelta(days=7 * weeks - 1)
    blocks = []
    for w in range(weeks):
        a = first_day + dt.timedelta(days=7 * w)
        b = a + dt.timedelta(days=6)
        inside = [p for p in points if a <= p.date <= b]
        in_force = [p for p in history if p.set_on <= b]
        window = in_force[-1].window_min if in_force else None
        who = in_force[-1].set_by if in_force else ""
        blocks.append((a, b, inside, _pooled_se(inside), window, who))
    changes = [p for p in history if first_day <= p.set_on <= end and p.window_min]
    desc = (
        f"{weeks} weeks to {end.isoformat()}. Window changes: "
        + (
            "; ".join(f"{_hours(p.window_min)} from {p.set_on.isoformat()}" for p in changes)
            or "none"
        )
        + ". Weekly sleep efficiency: "
        + ", ".join("-" if se is None else f"{se:.0f} %" for *_, se, _w, _who in blocks)
        + "."
    )
    columns = ("Week", "Nights", "Sleep efficiency (pooled)", "Window in force", "Set by")
    rows = tuple(
        (
            f"{a.isoformat()} to {b.isoformat()}",
            str(len(inside)),
            "-" if se is None else f"{se:.1f} %",
            _hours(window) if window else "-",
            {"clinician": "clinician", "person": setters.get("person", "you")}.get(who, "-"),
        )
        for a, b, inside, se, window, who in blocks
    )
    height = 330
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    if not points and not changes and not any(w for *_, w, _who in blocks):
        return Chart(_empty(svg, "No diary nights or window yet"), title, columns, rows)
    plot_w = WIDTH - LEFT - RIGHT
    panel_h = (height - TOP - BOTTOM - 34 - 24) / 2
    win_top, se_top = TOP + 4, TOP + 4 + panel_h + 34
    days = 7 * weeks

    def x_of(day: dt.date) -> float:
        return LEFT + plot_w * (day - first_day).days / days

    windows = [p.window_min for p in history if p.window_min]
    low_h = max(0, math.floor(min(windows, default=300) / 60) - 1)
    high_h = max(low_h + 2, math.ceil(max(windows, default=480) / 60) + 1)

    def y_win(minutes: float) -> float:
        return win_top + panel_h - panel_h * (minutes / 60 - low_h) / (high_h - low_h)

    def y_se(pct: float) -> float:
        return se_top + panel_h - panel_h * (max(50.0, min(pct, 100.0)) - 50.0) / 50.0

    for hour in range(low_h, high_h + 1):
        y = y_win(hour * 60)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, f"{hour}h", text_anchor="end"))
    svg.add(text(LEFT + 4, win_top + 8, "Window in force (hours)"))
    for pct in (50, 75, 100):
        y = y_se(pct)
        svg.add(_hline(y, "nb-grid"))
        svg.add(text(LEFT - 6, y + 4, f"{pct}%", text_anchor="end"))
    svg.add(text(LEFT, se_top - 6, "Sleep efficiency, pooled per week"))
    for ref in (lower_at_pct, raise_at_pct):
        svg.add(_hline(y_se(ref), "nb-ref"))
    # The window in force, day by day, as steps.
    segment: list[tuple[float, float]] = []
    for offset in range(days + 1):
        day = first_day + dt.timedelta(days=offset)
        in_force = [p for p in history if p.set_on <= day]
        minutes = in_force[-1].window_min if in_force else None
        if minutes:
            y = y_win(minutes)
            if segment and segment[-1][1] != y:
                segment.append((x_of(day), segment[-1][1]))
            segment.append((x_of(day), y))
        elif len(segment) > 1:
            svg.add(polyline(segment, class_="nb-window"))
            segment = []
    if len(segment) > 1:
        svg.add(polyline(segment, class_="nb-window"))
    for p in changes:
        setter = setters.get(p.set_by, p.set_by)
        svg.add(
            element(
                "circle",
                "<title>"
                + escape(f"{p.set_on.isoformat()}: {_hours(p.window_min)}, set by {setter}")
                + "</title>",
                cx=x_of(p.set_on),
                cy=y_win(p.window_min),
                r=4.0,
                class_="nb-key",
                data_date=p.set_on.isoformat(),
                data_minutes=p.window_min,
                data_set_by=p.set_by,
            )
        )
    slot = plot_w / weeks
    for i, (a, b, inside, se, _window, _who) in enumerate(blocks):
        if se is None:
            continue
        svg.add(
            element(
                "rect",
                "<title>"
                + escape(
                    f"{a.isoformat()} to {b.isoformat()}: {se:.1f} % over {len(inside)} nights"
                )
                + "</title>",
                x=LEFT + i * slot + slot * 0.2,
                y=y_se(se),
                width=slot * 0.6,
                height=se_top + panel_h - y_se(se),
                class_="nb-se-bar",
                data_week=a.isoformat(),
                data_pct=f"{se:.1f}",
            )
        )
    _date_labels(svg, first_day, end, x_of, se_top + panel_h + 18)
    _legend(
        svg,
        height - 8,
        (
            ("line", "nb-window", "Window"),
            ("line", "nb-ref", f"{lower_at_pct:g} and {raise_at_pct:g} %"),
        ),
    )
    return Chart(svg.render(), title, columns, rows)


def draw_intake_symptoms(
    trend: Any,
    symptom_totals: Mapping[dt.date, int],
    *,
    start: dt.date,
    end: dt.date,
    chart_id: str = "intake-symptoms",
    target_words: str = "the taper target your clinician set",
) -> Chart:
    """What was logged per day (bars) against the taper's target (dashed steps, when a
    clinician set a taper) above, and the day's withdrawal symptom score (sum of the 17
    ratings, 0-68; Nightbridge's own diary, not a validated scale) below, on the same
    days. ``trend`` is a ``services.recovery.intake.IntakeTrend`` or None. Nightbridge
    records what was taken; it never suggests an amount (definitions.md section 5)."""
    days = (end - start).days + 1
    amounts = dict(trend.amounts) if trend is not None else {}
    targets = dict(trend.targets) if trend is not None else {}
    name = trend.substance if trend is not None else "Intake"
    unit = trend.unit if trend is not None else ""
    title = f"{name} logged per day and withdrawal symptoms"
    desc = (
        f"{len(amounts)} days with {name} logged and {len(symptom_totals)} check-ins "
        f"between {start.isoformat()} and {end.isoformat()}"
        + (f"; the dashed steps are {target_words}" if targets else "")
        + ". Nightbridge never suggests an amount."
    )
    columns = ("Day", f"Logged ({unit})" if unit else "Logged", "Taper target", "Symptom score")
    rows = tuple(
        (
            day.isoformat(),
            "-" if day not in amounts else f"{amounts[day]:g}",
            "-" if day not in targets else f"{targets[day]:g}",
            "-" if day not in symptom_totals else str(symptom_totals[day]),
        )
        for day in (start + dt.timedelta(days=i) for i in range(days))
        if day in amounts or day in targets or day in symptom_totals
    )
    height = 330
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    if not rows:
        return Chart(_empty(svg, "No intake or check-ins yet"), title, columns, rows)
    plot_w = WIDTH - LEFT - RIGHT
    panel_h = (height - TOP - BOTTOM - 34 - 24) / 2
    top_a, top_b = TOP + 4, TOP + 4 + panel_h + 34
    cell = plot_w / days
    peak = max([*amounts.values(), *targets.values(), 1.0])
    tick = max(1, math.ceil(peak / 3))
    top_amount = tick * math.ceil(peak / tick)
    score_top = max(10, 10 * math.ceil(max(symptom_totals.values(), default=0) / 10))

    def y_a(v: float) -> float:
        return top_a + panel_h - panel_h * v / top_amount

    def y_b(v: float) -> float:
        return top_b + panel_h - panel_h * v / score_top

    def x_mid(day: dt.date) -> float:
        return LEFT + ((day - start).days + 0.5) * cell

    for v in range(0, int(top_amount) + 1, tick):
        svg.add(_hline(y_a(v), "nb-grid"))
        svg.add(text(LEFT - 6, y_a(v) + 4, f"{v:g}", text_anchor="end"))
    svg.add(text(LEFT + 4, top_a + 8, f"{name} ({unit}) per day" if unit else name))
    for v in range(0, score_top + 1, max(5, score_top // 2)):
        svg.add(_hline(y_b(v), "nb-grid"))
        svg.add(text(LEFT - 6, y_b(v) + 4, str(v), text_anchor="end"))
    svg.add(text(LEFT, top_b - 6, "Symptom score (0-68)"))
    for day, amount in sorted(amounts.items()):
        svg.add(
            element(
                "rect",
                f"<title>{escape(f'{day.isoformat()}: {amount:g} {unit}')}</title>",
                x=LEFT + (day - start).days * cell + cell * 0.15,
                y=y_a(amount),
                width=max(1.0, cell * 0.7),
                height=y_a(0) - y_a(amount),
                class_="nb-intake",
                data_date=day.isoformat(),
                data_amount=f"{amount:g}",
            )
        )
    if targets:
        steps: list[tuple[float, float]] = []
        for day in sorted(targets):
            x0 = LEFT + (day - start).days * cell
            steps += [(x0, y_a(targets[day])), (x0 + cell, y_a(targets[day]))]
        svg.add(polyline(steps, class_="nb-target"))
    scored = sorted(symptom_totals.items())
    if len(scored) > 1:
        svg.add(polyline([(x_mid(d), y_b(v)) for d, v in scored], class_="nb-symptom"))
    for d, v in scored:
        svg.add(
            element(
                "circle",
                f"<title>{escape(f'{d.isoformat()}: symptom score {v}')}</title>",
                cx=x_mid(d),
                cy=y_b(v),
                r=2.5,
                class_="nb-dot-symptom",
                data_date=d.isoformat(),
                data_score=v,
            )
        )
    _date_labels(svg, start, end, x_mid, top_b + panel_h + 18)
    legend = [("box", "nb-intake", "Logged")]
    if targets:
        legend.append(("line", "nb-target", "Taper target"))
    legend.append(("line", "nb-symptom", "Symptoms"))
    _legend(svg, height - 8, legend)
    return Chart(svg.render(), title, columns, rows)


@dataclass(frozen=True, slots=True)
class ScaleSeries:
    """One questionnaire's totals for ``draw_scale_strips``: its label, the top of its
    total, the lower end of each band after the first (``(low, name)``, from
    core.instruments), and the ``(date, total)`` points."""

    key: str
    label: str
    maximum: int
    band_edges: tuple[tuple[int, str], ...]
    points: tuple[tuple[dt.date, int], ...]
    first_band: str = ""


def _band_of(series: ScaleSeries, total: int) -> str:
    band = series.first_band
    for low, name in series.band_edges:
        if total >= low:
            band = name
    return band.replace("_", " ")


def draw_scale_strips(
    series: Sequence[ScaleSeries],
    *,
    start: dt.date,
    end: dt.date,
    chart_id: str = "scales",
    title: str = "Questionnaires over time",
) -> Chart:
    """One strip per questionnaire on a shared time axis (``start..end``), each on its
    own scale 0..maximum with its band edges as dotted lines (ISI: Bastien et al. 2001;
    PHQ-9: Kroenke et al. 2001; GAD-7: Spitzer et al. 2006; COWS: Wesson & Ling 2003;
    definitions.md section 3), so totals of different instruments are never drawn on
    one scale. The table lists every total with its band."""
    strips = [s for s in series if s.points]
    parts = [
        f"{s.label}: {len(s.points)} scores, last {s.points[-1][1]} "
        f"({_band_of(s, s.points[-1][1])}) on {s.points[-1][0].isoformat()}"
        for s in strips
    ]
    desc = f"From {start.isoformat()} to {end.isoformat()}. " + (
        ". ".join(parts) + "." if parts else "No questionnaires yet."
    )
    columns = ("Date", "Questionnaire", "Total", "Band")
    rows = tuple(
        (day.isoformat(), s.label, f"{total} of {s.maximum}", _band_of(s, total))
        for day, s, total in sorted(
            ((d, s, t) for s in strips for d, t in s.points), key=lambda r: (r[0], r[1].label)
        )
    )
    strip_h, gap = 40.0, 28.0
    height = int(TOP + max(1, len(strips)) * (strip_h + gap) + 24)
    svg = Svg(WIDTH, height, title, desc, chart_id=chart_id)
    if not strips:
        return Chart(_empty(svg, "No questionnaires yet"), title, columns, rows)
    plot_w = WIDTH - LEFT - RIGHT
    span = max(1, (end - start).days)

    def x_of(day: dt.date) -> float:
        return LEFT + plot_w * (day - start).days / span

    for i, s in enumerate(strips):
        top = TOP + i * (strip_h + gap) + 16

        def y_of(total: float, top: float = top, maximum: int = s.maximum) -> float:
            return top + strip_h - strip_h * total / maximum

        last_total = s.points[-1][1]
        svg.add(
            text(
                LEFT, top - 6, f"{s.label} (0-{s.maximum}): {last_total}, {_band_of(s, last_total)}"
            )
        )
        svg.add(_hline(y_of(0), "nb-axis"))
        svg.add(_hline(y_of(s.maximum), "nb-grid"))
        svg.add(text(LEFT - 6, y_of(0) + 4, "0", text_anchor="end"))
        svg.add(text(LEFT - 6, y_of(s.maximum) + 4, str(s.maximum), text_anchor="end"))
        for low, _name in s.band_edges:
            svg.add(_hline(y_of(low), "nb-ref"))
        points = [(x_of(d), y_of(t)) for d, t in s.points if start <= d <= end]
        if len(points) > 1:
            svg.add(polyline(points, class_=f"nb-line-{i % 3}"))
        for d, total in s.points:
            if not start <= d <= end:
                continue
            label = f"{s.label} {d.isoformat()}: {total} ({_band_of(s, total)})"
            svg.add(_score_dot(label, x_of(d), y_of(total), f"nb-fill-{i % 3}", s.key, d, total))
    _date_labels(svg, start, end, x_of, height - 8)
    return Chart(svg.render(), title, columns, rows)
