"""Charts for the PDF report, drawn with reportlab.graphics (vector, no network, no fonts
beyond the 14 standard PDF fonts).

Each function takes plain values and returns a ``Drawing`` sized to the given width.
Colours match the web charts (reports/svg.py): asleep blue, awake amber, window red.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from nightbridge.reports.data import CheckinDay, DiaryNight, IntakeDay, TaperView

# reportlab checks every attribute of every shape as it is set, a help while writing a
# chart that costs about a third of a year's report; the charts here are tested instead.
rl_config.shapeChecking = 0

ASLEEP = colors.HexColor("#3f6fb5")
AWAKE = colors.HexColor("#e0a030")
IN_BED = colors.HexColor("#d9dee8")
SE_GREEN = colors.HexColor("#2a9d6f")
WINDOW = colors.HexColor("#c0392b")
GRID = colors.HexColor("#dddddd")
AXIS = colors.HexColor("#888888")
SERIES = (colors.HexColor("#7b4fb5"), SE_GREEN, colors.HexColor("#b5654f"))
FONT = "Helvetica"
SMALL = 7

#: The classic diary chart runs from 18:00 the evening before to 14:00 on the morning.
TIMELINE_START_H = 18
TIMELINE_HOURS = 20


def _label(
    x: float,
    y: float,
    text: str,
    *,
    size: float = SMALL,
    anchor: str = "start",
    color: colors.Color = colors.black,
) -> String:
    return String(x, y, text, fontName=FONT, fontSize=size, textAnchor=anchor, fillColor=color)


def _legend(d: Drawing, x: float, y: float, items: Sequence[tuple[str, colors.Color]]) -> None:
    for name, colour in items:
        d.add(Rect(x, y, 8, 6, fillColor=colour, strokeColor=None))
        d.add(_label(x + 11, y, name))
        x += 16 + 4.2 * len(name)


def nice_step(raw: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * power >= raw:
            return m * power
    return 10.0 * power


def _short(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


#: Most nights on one page of the diary chart when a span is too long for one drawing; at
#: ``PAGED_ROW_H`` points a row, a page's chart is at most 658 points tall (A4 fits ~750).
NIGHTS_PER_PAGE = 62
PAGED_ROW_H = 10.0


def diary_timeline_pages(
    nights: Sequence[DiaryNight],
    tz: str,
    width: float,
    start: dt.date,
    end: dt.date,
    *,
    per_page: int = NIGHTS_PER_PAGE,
) -> list[Drawing]:
    """The diary chart over ``start..end`` as one drawing per page: the whole span in one
    drawing when it has at most ``per_page`` mornings, else consecutive runs of at most
    ``per_page`` mornings, as even as they can be, each with its own clock axis."""
    days = (end - start).days + 1
    if days <= per_page:
        return [draw_diary_timeline(nights, tz, width, start, end)]
    count = -(-days // per_page)
    size = -(-days // count)  # balanced: 366 mornings are 6 pages of 61, not 6 of 60 and 6
    pages = []
    for offset in range(0, days, size):
        first = start + dt.timedelta(days=offset)
        last = min(end, first + dt.timedelta(days=size - 1))
        inside = [n for n in nights if first <= n.date <= last]
        pages.append(draw_diary_timeline(inside, tz, width, first, last, row_h=PAGED_ROW_H))
    return pages


def draw_diary_timeline(
    nights: Sequence[DiaryNight],
    tz: str,
    width: float,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    row_h: float | None = None,
) -> Drawing:
    """The classic sleep-diary chart: one row per night over clock time (18:00 to 14:00).

    Light bar: in bed (bedtime to out of bed). Amber: awake in bed before sleep (bedtime to
    lights out + SOL) and after the final wake. Blue: from sleep onset to the final wake;
    the diary gives WASO as minutes without times, so it is printed at the row's end
    instead of being placed (definitions.md section 1). Mornings between ``start`` and
    ``end`` without an entry get an empty row marked "no entry". Rows are ``row_h`` points
    tall if given, else sized so the chart stays about 330 points tall (6 to 14 a row):
    a long span needs ``diary_timeline_pages`` to fit on pages.
    """
    zone = ZoneInfo(tz)
    by_date = {n.date: n for n in nights}
    dates = sorted(by_date)
    if dates and start is not None and end is not None:
        dates = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    rows: list[tuple[dt.date, DiaryNight | None]] = [(d, by_date.get(d)) for d in dates]
    if row_h is None:
        row_h = max(6.0, min(14.0, 330.0 / max(1, len(rows))))
    left, right, top, bottom = 44.0, 118.0, 16.0, 22.0
    height = top + bottom + row_h * max(1, len(rows))
    d = Drawing(width, height)
    plot_w = width - left - right
    scale = plot_w / (TIMELINE_HOURS * 60.0)
    for h in range(0, TIMELINE_HOURS + 1, 2):
        x = left + h * 60 * scale
        d.add(Line(x, bottom, x, height - top, strokeColor=GRID, strokeWidth=0.5))
        d.add(_label(x, bottom - 9, f"{(TIMELINE_START_H + h) % 24:02d}:00", anchor="middle"))
    _legend(d, left, height - 10, [("in bed", IN_BED), ("asleep", ASLEEP), ("awake in bed", AWAKE)])
    d.add(_label(width - right + 4, height - 10, "asleep, SE, awake in night"))
    if not rows:
        d.add(
            _label(
                left + plot_w / 2,
                bottom + 4,
                "No diary nights in this span",
                anchor="middle",
                size=9,
            )
        )
        return d
    for i, (date, night) in enumerate(rows):
        y = height - top - (i + 1) * row_h
        d.add(_label(left - 4, y + row_h * 0.25, _short(date), anchor="end"))
        if night is None:
            d.add(_label(left + 4, y + row_h * 0.25, "no entry", color=AXIS))
            continue
        origin = dt.datetime.combine(
            date - dt.timedelta(days=1), dt.time(TIMELINE_START_H), tzinfo=zone
        )

        def x_of(moment: dt.datetime, origin: dt.datetime = origin) -> float:
            minutes = (moment - origin).total_seconds() / 60.0
            return left + max(0.0, min(TIMELINE_HOURS * 60.0, minutes)) * scale

        m = night.metrics
        if night.bedtime and night.out_of_bed and night.lights_off and night.final_wake:
            bar_h = row_h * 0.7
            y0 = y + (row_h - bar_h) / 2
            b, ob = x_of(night.bedtime), x_of(night.out_of_bed)
            onset = night.lights_off + dt.timedelta(minutes=m.sol_min)
            s, fw = x_of(onset), x_of(night.final_wake)
            d.add(Rect(b, y0, max(0.5, ob - b), bar_h, fillColor=IN_BED, strokeColor=None))
            d.add(Rect(b, y0, max(0.0, s - b), bar_h, fillColor=AWAKE, strokeColor=None))
            d.add(Rect(s, y0, max(0.5, fw - s), bar_h, fillColor=ASLEEP, strokeColor=None))
            d.add(Rect(fw, y0, max(0.0, ob - fw), bar_h, fillColor=AWAKE, strokeColor=None))
        stats = f"{m.tst_min // 60}h{m.tst_min % 60:02d}  {m.se_pct:.0f}%  {m.waso_min}m"
        d.add(_label(width - right + 4, y + row_h * 0.25, stats))
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS, strokeWidth=0.7))
    return d


def _x_scale(first: dt.date, last: dt.date, left: float, plot_w: float) -> tuple[float, float]:
    span = max(1, (last - first).days)
    return left, plot_w / span


def _date_ticks(d: Drawing, first: dt.date, last: dt.date, x_of: object, y: float) -> None:
    span = (last - first).days
    step = max(1, math.ceil(span / 7)) if span else 1
    day = first
    while day <= last:
        d.add(_label(x_of(day), y, _short(day), anchor="middle"))  # type: ignore[operator]
        day += dt.timedelta(days=step)


def draw_sleep_trend(
    nights: Sequence[DiaryNight],
    width: float,
    *,
    window_min: int | None = None,
    lower_at_pct: float = 85.0,
) -> Drawing:
    """TST in hours (upper panel, the sleep window dashed) and SE % (lower panel, 85 % line).

    Sleep window: definitions.md section 2 (Spielman et al., Sleep 1987;10:45-56).
    """
    points = sorted((n.metrics for n in nights), key=lambda m: m.date)
    height, left, right, bottom, gap = 210.0, 40.0, 10.0, 18.0, 22.0
    panel = (height - bottom - gap - 14) / 2
    d = Drawing(width, height)
    plot_w = width - left - right
    if not points:
        d = Drawing(width, 30)
        d.add(_label(width / 2, 12, "No diary nights in this span", anchor="middle", size=9))
        return d
    first, last = points[0].date, points[-1].date
    _, per_day = _x_scale(first, last, left, plot_w)

    def x_of(day: dt.date) -> float:
        return left + plot_w / 2 if first == last else left + (day - first).days * per_day

    se_base = bottom
    tst_base = bottom + panel + gap
    top_h = max(9, math.ceil(max([p.tst_min for p in points] + [window_min or 0]) / 60) + 1)

    def y_tst(minutes: float) -> float:
        return tst_base + panel * minutes / (top_h * 60)

    se_low = min(50.0, math.floor(min(p.se_pct for p in points) / 10) * 10)

    def y_se(pct: float) -> float:
        return se_base + panel * (min(pct, 100.0) - se_low) / (100.0 - se_low)

    for h in range(0, top_h + 1, 2):
        d.add(
            Line(
                left, y_tst(h * 60), left + plot_w, y_tst(h * 60), strokeColor=GRID, strokeWidth=0.5
            )
        )
        d.add(_label(left - 4, y_tst(h * 60) - 2, f"{h} h", anchor="end"))
    for pct in range(int(se_low), 101, 10):
        d.add(Line(left, y_se(pct), left + plot_w, y_se(pct), strokeColor=GRID, strokeWidth=0.5))
        d.add(_label(left - 4, y_se(pct) - 2, f"{pct}%", anchor="end"))
    d.add(_label(left, tst_base + panel + 4, "Total sleep time (hours)", size=8))
    d.add(_label(left, se_base + panel + 4, "Sleep efficiency (%)", size=8))
    if window_min:
        y = y_tst(window_min)
        d.add(
            Line(
                left,
                y,
                left + plot_w,
                y,
                strokeColor=WINDOW,
                strokeWidth=1.2,
                strokeDashArray=[4, 3],
            )
        )
        d.add(
            _label(
                left + plot_w,
                y + 3,
                f"sleep window {window_min // 60} h {window_min % 60:02d}",
                anchor="end",
                color=WINDOW,
            )
        )
    ref = y_se(lower_at_pct)
    d.add(
        Line(
            left, ref, left + plot_w, ref, strokeColor=AXIS, strokeWidth=0.7, strokeDashArray=[1, 2]
        )
    )
    d.add(_label(left + plot_w, ref + 3, f"{lower_at_pct:.0f}%", anchor="end", color=AXIS))
    tst_pts = [c for p in points for c in (x_of(p.date), y_tst(p.tst_min))]
    se_pts = [c for p in points for c in (x_of(p.date), y_se(p.se_pct))]
    if len(points) > 1:
        d.add(PolyLine(tst_pts, strokeColor=ASLEEP, strokeWidth=1.5))
        d.add(PolyLine(se_pts, strokeColor=SE_GREEN, strokeWidth=1.5))
    for p in points:
        for y, colour in ((y_tst(p.tst_min), ASLEEP), (y_se(p.se_pct), SE_GREEN)):
            d.add(Rect(x_of(p.date) - 1.5, y - 1.5, 3, 3, fillColor=colour, strokeColor=None))
    _date_ticks(d, first, last, x_of, 4)
    return d


#: A symptom rating's shade, 0 none .. 4 extreme.
_SHADES = [colors.Color(0.9, 0.9, 0.9)] + [
    colors.Color(0.75, 0.22, 0.17, alpha=0.08 + 0.23 * v) for v in range(1, 5)
]


def _rating(scores: Mapping[str, int] | None, name: str) -> int | None:
    """A day's rating of ``name`` clamped to 0..4, or None without one."""
    if scores is None or name not in scores:
        return None
    return max(0, min(4, int(scores[name])))


def draw_symptom_heatmap(
    checkins: Sequence[CheckinDay],
    names: Sequence[str],
    labels: Mapping[str, str],
    width: float,
    start: dt.date,
    end: dt.date,
) -> Drawing:
    """Symptoms (rows) by day (columns), darker for 0 none .. 4 extreme; blank: no check-in.

    Nightbridge's own withdrawal symptom diary (definitions.md section 3), not a
    validated scale.
    """
    by_day = {c.date: c.symptoms for c in checkins}
    rows = [n for n in names if any(n in s for s in by_day.values())] or list(names)
    row_h, left, bottom, top = 9.0, 92.0, 16.0, 14.0
    height = top + bottom + row_h * max(1, len(rows))
    d = Drawing(width, height)
    days = (end - start).days + 1
    cell = (width - left - 8) / max(1, days)
    merge = cell < 3.0
    for r, name in enumerate(rows):
        y = height - top - (r + 1) * row_h
        d.add(_label(left - 4, y + 2, labels.get(name, name), anchor="end"))
        # Over a long span (cells under 3 points) a run of days with the same rating (or
        # none) is one shape: a year is 365 cells a row, and every shape costs time.
        i = 0
        while i < days:
            state = _rating(by_day.get(start + dt.timedelta(days=i)), name)
            run = 1
            while (
                merge
                and i + run < days
                and (_rating(by_day.get(start + dt.timedelta(days=i + run)), name) == state)
            ):
                run += 1
            x = left + i * cell
            if state is None:
                d.add(
                    Rect(
                        x + 0.3,
                        y + 0.3,
                        run * cell - 0.6,
                        row_h - 0.6,
                        fillColor=None,
                        strokeColor=GRID,
                        strokeWidth=0.4,
                    )
                )
            else:
                d.add(
                    Rect(
                        x,
                        y,
                        run * cell - 0.6,
                        row_h - 0.6,
                        fillColor=_SHADES[state],
                        strokeColor=None,
                    )
                )
            i += run
    _legend(
        d,
        left,
        height - 10,
        [(str(v), _SHADES[v]) for v in range(5)],
    )
    d.add(_label(left + 150, height - 10, "none .. extreme; outlined: no check-in"))
    _date_ticks(d, start, end, lambda day: left + ((day - start).days + 0.5) * cell, 4)
    return d


def draw_lines(
    series: Mapping[str, Sequence[tuple[dt.date, float]]],
    width: float,
    *,
    top_value: float,
    start: dt.date,
    end: dt.date,
    height: float = 120.0,
    bands: Sequence[float] = (),
    unit: str = "",
) -> Drawing:
    """Several dated series as lines with points (questionnaire totals, function)."""
    left, right, bottom, top = 40.0, 10.0, 18.0, 16.0
    d = Drawing(width, height)
    plot_w, plot_h = width - left - right, height - bottom - top
    span = max(1, (end - start).days)

    def x_of(day: dt.date) -> float:
        return left + plot_w * (day - start).days / span

    def y_of(v: float) -> float:
        return bottom + plot_h * v / top_value

    for edge in (0, *bands, top_value):
        d.add(Line(left, y_of(edge), left + plot_w, y_of(edge), strokeColor=GRID, strokeWidth=0.5))
        d.add(_label(left - 4, y_of(edge) - 2, f"{edge:g}{unit}", anchor="end"))
    legend = []
    for i, (name, values) in enumerate(series.items()):
        colour = SERIES[i % len(SERIES)]
        legend.append((name, colour))
        pts = sorted(values)
        if len(pts) > 1:
            d.add(
                PolyLine(
                    [c for day, v in pts for c in (x_of(day), y_of(v))],
                    strokeColor=colour,
                    strokeWidth=1.5,
                )
            )
        for day, v in pts:
            d.add(Rect(x_of(day) - 2, y_of(v) - 2, 4, 4, fillColor=colour, strokeColor=None))
    _legend(d, left, height - 10, legend)
    _date_ticks(d, start, end, x_of, 4)
    return d


def draw_intake(
    intake: Sequence[IntakeDay],
    taper: TaperView | None,
    width: float,
    start: dt.date,
    end: dt.date,
) -> Drawing:
    """Daily logged amount of the tapered substance (bars) and the taper target (red steps).

    Without a taper, the substance logged on most days is shown. Targets are the schedule
    the person or clinician set (definitions.md section 5); Nightbridge sets none.
    """
    height, left, right, bottom, top = 120.0, 40.0, 10.0, 18.0, 16.0
    d = Drawing(width, height)
    if taper is not None:
        name, unit = taper.substance, taper.unit
    else:
        counts: dict[tuple[str, str], int] = {}
        for day in intake:
            counts[(day.substance, day.unit)] = counts.get((day.substance, day.unit), 0) + 1
        if not counts:
            d = Drawing(width, 30)
            d.add(_label(width / 2, 12, "No intake logged in this span", anchor="middle", size=9))
            return d
        name, unit = max(counts, key=lambda k: counts[k])
    amounts = {x.date: x.amount for x in intake if x.substance == name and x.unit == unit}
    targets: list[tuple[dt.date, dt.date, float]] = []
    if taper is not None:
        targets = [(s.start, s.end, s.target) for s in taper.steps]
    peak = max([*amounts.values(), *(t for _, _, t in targets), 1.0])
    tick = nice_step(peak / 3)
    top_value = math.ceil(peak / tick) * tick * 1.1
    days = (end - start).days + 1
    plot_w, plot_h = width - left - right, height - bottom - top
    cell = plot_w / days

    def y_of(v: float) -> float:
        return bottom + plot_h * v / top_value

    v = 0.0
    while v <= top_value:
        d.add(Line(left, y_of(v), left + plot_w, y_of(v), strokeColor=GRID, strokeWidth=0.5))
        d.add(_label(left - 4, y_of(v) - 2, f"{v:g}", anchor="end"))
        v += tick
    for i in range(days):
        on = start + dt.timedelta(days=i)
        if on in amounts:
            d.add(
                Rect(
                    left + i * cell + cell * 0.15,
                    bottom,
                    cell * 0.7,
                    y_of(amounts[on]) - bottom,
                    fillColor=SERIES[0],
                    strokeColor=None,
                )
            )
    for s_start, s_end, target in targets:
        a = max(s_start, start)
        b = min(s_end, end)
        if a > b:
            continue
        x0 = left + (a - start).days * cell
        x1 = left + ((b - start).days + 1) * cell
        d.add(Line(x0, y_of(target), x1, y_of(target), strokeColor=WINDOW, strokeWidth=1.5))
    items = [(f"{name} logged ({unit} per day)", SERIES[0])]
    if targets:
        items.append(("taper target", WINDOW))
    _legend(d, left, height - 10, items)
    _date_ticks(d, start, end, lambda day: left + ((day - start).days + 0.5) * cell, 4)
    return d
