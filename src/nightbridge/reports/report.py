"""The report: its formats (a registry by name) and the words and tables both formats share.

``render_report(data, "pdf" | "html")`` returns the document's bytes. The sections, in
order: the numbers at a glance, safety alerts with their evidence, the classic sleep
diary chart, TST and sleep efficiency with the sleep window, regularity, symptoms,
questionnaires, intake and taper adherence, what helps me, and diary vs device side by
side. Definitions of every number: docs/definitions.md; method notes: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput
from nightbridge.core.nof1 import OUTCOMES, exposure_label, outcome_label
from nightbridge.core.regularity import Regularity
from nightbridge.core.wording import action_words, what_happened
from nightbridge.i18n import N_, current_locale
from nightbridge.i18n import gettext as _
from nightbridge.i18n.formatting import format_date
from nightbridge.i18n.locales import DEFAULT_LOCALE
from nightbridge.reports.data import ReportData

LEVEL_LABEL = {
    "emergency": N_("EMERGENCY"),
    "crisis": N_("CRISIS"),
    "urgent": N_("URGENT"),
    "advise": N_("Advice"),
}

#: The sleep window's actions without a window, in words (definitions.md section 2).
WINDOW_WORDS = {
    "defer": N_("waiting until early withdrawal has passed"),
    "collect": N_("keep the diary: more nights needed first"),
}

#: Questionnaires drawn as lines (totals share the 0..27 axis); others are listed.
QUESTIONNAIRE_LABEL = {"phq9": "PHQ-9", "gad7": "GAD-7"}

#: How many what-helps-me findings a report lists (associations first).
FINDINGS_SHOWN = 8


def hm(minutes: float | None) -> str:
    """``6 h 05 min`` (or a dash for no value)."""
    if minutes is None:
        return "-"
    total = round(minutes)
    sign = "-" if total < 0 else ""
    total = abs(total)
    return f"{sign}{total // 60} h {total % 60:02d} min"


def num(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}{unit}"


def clock(moment: dt.datetime | None, tz: str) -> str:
    return "-" if moment is None else moment.astimezone(ZoneInfo(tz)).strftime("%H:%M")


def clock_of_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    m = round(minutes) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


def day(value: dt.date) -> str:
    """A date as the report writes it: ISO in English (2026-12-07), the reader's own
    words otherwise (7 dic 2026): the report is written in the language in force."""
    if current_locale() == DEFAULT_LOCALE:
        return value.isoformat()
    return format_date(value, "d MMM y")


def title_of(data: ReportData) -> str:
    return _("Nightbridge report, %(start)s to %(end)s") % {
        "start": day(data.start),
        "end": day(data.end),
    }


def subtitle_of(data: ReportData) -> str:
    made_at = data.generated.astimezone(ZoneInfo(data.tz))
    made = f"{day(made_at.date())} {made_at.strftime('%H:%M')}"
    words = {"person": data.person, "days": data.days, "tz": data.tz, "made": made}
    if data.audience == "clinician":
        return (
            _("%(person)s, for the clinician. %(days)s days, time zone %(tz)s. Made %(made)s.")
            % words
        )
    return _("%(person)s, for you. %(days)s days, time zone %(tz)s. Made %(made)s.") % words


def headline(data: ReportData) -> list[tuple[str, str]]:
    """The numbers at a glance (definitions.md sections 1 and 2; Phillips et al. 2017)."""
    s = data.summary
    rows = [
        (_("Diary nights"), _("%(n)s of %(days)s") % {"n": s.nights, "days": data.days}),
        (_("Mean total sleep time"), hm(s.mean_tst_min)),
        (_("Mean time in bed"), hm(s.mean_tib_min)),
        (_("Sleep efficiency (pooled)"), num(s.pooled_se_pct, 1, " %")),
        (_("Mean time to fall asleep"), hm(s.mean_sol_min)),
        (_("Mean awake in the night"), hm(s.mean_waso_min)),
        (_("Mean sleep quality (1-5)"), num(s.mean_quality, 1)),
    ]
    if data.window is not None:
        w = data.window
        if w.window_min:
            rows.append(
                (
                    _("Sleep window"),
                    _("%(window)s, %(bedtime)s to %(rise)s (%(action)s)")
                    % {
                        "window": hm(w.window_min),
                        "bedtime": w.bedtime,
                        "rise": w.rise,
                        "action": _(action_words(w.action)),
                    },
                )
            )
        else:
            rows.append((_("Sleep window"), _(WINDOW_WORDS.get(w.action, w.action))))
        who = {"clinician": _(", set by the clinician"), "person": _(", set by the person")}
        if w.in_force_min and (w.in_force_min != w.window_min or w.set_by == "clinician"):
            rows.append(
                (_("Sleep window in force"), hm(w.in_force_min) + who.get(w.set_by or "", ""))
            )
        elif w.paused:
            rows.append(
                (
                    _("Sleep window in force"),
                    _("none: the stored window waits while early withdrawal lasts")
                    + who.get(w.set_by or "", ""),
                )
            )
        if w.history:
            rows.append((_("Sleep window history"), "; ".join(w.history)))
    if data.regularity is not None and data.regularity.sri.sri is not None:
        rows.append((_("Sleep Regularity Index"), num(data.regularity.sri.sri, 0)))
    return rows


def evidence_text(value: object, limit: int = 240) -> str:
    """Evidence in plain words: scalars as they are, lists joined, a rule by its reason."""
    if isinstance(value, Mapping):
        for key in ("why", "rule", "name", "code"):
            if key in value:
                return evidence_text(value[key], limit)
        text = ", ".join(
            f"{k}: {evidence_text(v, limit)}" for k, v in value.items() if v not in (None, "")
        )
    elif isinstance(value, list | tuple | set | frozenset):
        text = ", ".join(evidence_text(v, limit) for v in value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def alert_rows(data: ReportData) -> list[tuple[str, str, str, str]]:
    """(level, date, message, evidence and source) for every alert, most urgent first."""
    rows = []
    for a in data.alerts:
        evidence = what_happened(a) if a.evidence else ""
        why = "; ".join(x for x in (evidence, a.source) if x)
        rows.append((LEVEL_LABEL.get(a.level, a.level), day(a.date), a.message, why))
    return rows


def intake_rows(data: ReportData) -> list[tuple[str, str, str, str, str]]:
    """Per substance and unit: days logged, total, mean per day logged, last day."""
    groups: dict[tuple[str, str], list[tuple[dt.date, float]]] = defaultdict(list)
    for logged in data.intake:
        groups[(logged.substance, logged.unit)].append((logged.date, logged.amount))
    rows = []
    for (substance, unit), days in sorted(groups.items()):
        total = sum(a for _day, a in days)
        rows.append(
            (
                substance,
                str(len(days)),
                f"{total:g} {unit}",
                f"{total / len(days):.1f} {unit}",
                day(max(d for d, _amount in days)),
            )
        )
    return rows


def taper_rows(data: ReportData) -> list[tuple[str, ...]]:
    if data.taper is None:
        return []
    return [
        (
            str(s.number),
            _("%(start)s to %(end)s") % {"start": day(s.start), "end": day(s.end)},
            f"{s.target:g} {s.unit}",
            _("%(n)s of %(days)s") % {"n": s.days_logged, "days": s.days_elapsed},
            str(s.days_over),
            "-" if s.mean_logged is None else f"{s.mean_logged:g} {s.unit}",
        )
        for s in data.taper.steps
    ]


def _regularity(r: Regularity, suffix: str) -> list[tuple[str, str]]:
    jl = r.jet_lag
    sri = (
        _("%(sri)s (%(pairs)s pairs of consecutive days)")
        % {"sri": f"{r.sri.sri:.0f}", "pairs": r.sri.pairs}
        if r.sri.sri is not None
        else _("not enough data yet (%(pairs)s pairs of consecutive days; 5 needed)")
        % {"pairs": r.sri.pairs}
    )
    return [
        (_("Sleep Regularity Index (-100..100)") + suffix, sri),
        (_("Spread of rise time (SD)") + suffix, hm(r.rise_sd_min)),
        (_("Spread of mid-sleep (SD)") + suffix, hm(r.mid_sleep_sd_min)),
        (
            _("Social jet lag") + suffix,
            _("%(jet_lag)s (mid-sleep free days %(free)s, work days %(work)s)")
            % {
                "jet_lag": hm(jl.minutes),
                "free": clock_of_minutes(jl.msf_min),
                "work": clock_of_minutes(jl.msw_min),
            },
        ),
    ]


def regularity_rows(data: ReportData) -> list[tuple[str, str]]:
    """Regularity from the diary, then (kept apart, never merged) from devices."""
    rows: list[tuple[str, str]] = []
    if data.regularity is not None:
        rows += _regularity(data.regularity, "")
    if data.device_regularity is not None:
        rows += _regularity(data.device_regularity, _(", devices"))
    return rows


def finding_lines(data: ReportData, limit: int = FINDINGS_SHOWN) -> list[str]:
    """What helps me: sentences of the habits' associations (never an intake), strongest
    first."""
    shown = [f for f in data.findings if f.status == "association" and not f.intake][:limit]
    return [f.sentence() for f in shown]


def intake_lines(data: ReportData, limit: int = FINDINGS_SHOWN) -> list[str]:
    """How intake and sleep go together: the intakes' associations, in neutral words
    (kratom, alcohol, any substance: never under "what helps me"; definitions.md section 8)."""
    shown = [f for f in data.findings if f.status == "association" and f.intake][:limit]
    return [f.sentence() for f in shown]


def no_clear_difference(data: ReportData, *, intake: bool = False) -> list[str]:
    """ "exposure / outcome" pairs (in words) with enough nights and no clear difference."""
    return [
        f"{exposure_label(f.exposure)} / {outcome_label(f.outcome)}"
        for f in data.findings
        if f.status == "no_clear_difference" and f.intake == intake
    ]


#: Said under every findings list: many comparisons are made.
MULTIPLE_COMPARISONS = N_(
    "Many pairs are compared at once, so a finding is listed only when it holds after "
    "allowing for all of them (Benjamini-Hochberg, false discovery rate 5%), and its "
    "interval is widened to match. Look for findings that hold up over weeks."
)

#: Said with every intake list: what it is, and what it is not.
INTAKE_NOTE = N_(
    "This describes how intake and sleep went together in your own diary, compared with "
    "other nights, adjusted for the trend over time. It is not a cause and not advice: days "
    "with different intake usually differ in other ways too (withdrawal, pain, stress). "
    "Nightbridge never suggests an amount of kratom or any substance; talk any change over "
    "with your clinician."
)

#: How each method step is described under the findings (docs/what-helps-me.md).
METHOD_NOTE = N_(
    "Each effect is the difference between nights after the exposure and nights without, "
    "adjusted for the trend over time (least squares with a day term); intervals use "
    "Student's t with a standard error that allows for consecutive nights being alike "
    "(AR(1) errors, estimated by REML). These are associations in your own data, not "
    "proof of cause."
)

STATUS_WORDS = {
    "association": "association",
    "no_clear_difference": "no clear difference",
    "not_enough_data": "not enough data yet",
}


def findings_waiting(data: ReportData, *, intake: bool = False) -> list[str]:
    """Habits (or, with ``intake``, intakes) still collecting nights (each once, in words)."""
    seen: dict[str, str] = {}
    for f in data.findings:
        if f.status == "not_enough_data" and f.intake == intake and f.exposure not in seen:
            seen[f.exposure] = (
                f"{exposure_label(f.exposure)}: {f.n_exposed} nights with, {f.n_unexposed} without"
            )
    return list(seen.values())


def finding_table(data: ReportData, limit: int = FINDINGS_SHOWN) -> list[tuple[str, ...]]:
    """The clinician's table, in words (never codes): the ``limit`` strongest habits, then
    the ``limit`` strongest intakes (findings come strongest first)."""
    estimated = [f for f in data.findings if f.status != "not_enough_data"]
    shown = [f for f in estimated if not f.intake][:limit] + [f for f in estimated if f.intake][
        :limit
    ]
    rows: list[tuple[str, ...]] = []
    for f in shown:
        unit = OUTCOMES.get(f.outcome, ("", "", True))[1]
        level = "" if abs(f.level - 0.95) < 1e-9 else f" ({100 * f.level:.1f}%)"
        rows.append(
            (
                exposure_label(f.exposure) + (" (intake)" if f.intake else ""),
                outcome_label(f.outcome),
                num(f.effect, 1, f" {unit}"),
                f"{num(f.ci_low, 1)} to {num(f.ci_high, 1)}{level}",
                f"{f.n_exposed}/{f.n_unexposed}",
                STATUS_WORDS.get(f.status, f.status.replace("_", " ")),
            )
        )
    return rows


def device_rows(data: ReportData) -> list[tuple[str, ...]]:
    """Per date: the diary's TST/SE, then each device source's, side by side (never merged)."""
    if not data.device_nights:
        return []
    diary = {n.date: n.metrics for n in data.nights}
    devices: dict[dt.date, list[str]] = defaultdict(list)
    for d in sorted(data.device_nights, key=lambda x: (x.date, not x.chosen, x.source)):
        mark = "*" if d.chosen else ""
        devices[d.date].append(f"{d.source}{mark}: {hm(d.tst_min)}, {d.se_pct:.1f} %")
    rows: list[tuple[str, ...]] = []
    for date in sorted(set(diary) | set(devices)):
        m = diary.get(date)
        left = f"{hm(m.tst_min)}, {m.se_pct:.1f} %" if m else "-"
        rows.append((day(date), left, "; ".join(devices.get(date, [])) or "-"))
    return rows


def checkin_function(data: ReportData) -> list[tuple[dt.date, int]]:
    return [(c.date, c.function) for c in data.checkins if c.function is not None]


# --- formats ---------------------------------------------------------------------------


def _render_pdf(data: ReportData) -> bytes:
    from nightbridge.reports.pdf import render_pdf

    return render_pdf(data)


def _render_html(data: ReportData) -> bytes:
    from nightbridge.reports.html import render_html

    return render_html(data).encode("utf-8")


#: Report formats by name (file suffix).
FORMATS: dict[str, Callable[[ReportData], bytes]] = {"pdf": _render_pdf, "html": _render_html}


def format_of(path: Path | str) -> str:
    """The format named by a file's suffix; refuses anything but .pdf / .html."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    if suffix not in FORMATS:
        raise InvalidInput.one("out", "the report file must end in .pdf or .html")
    return suffix


def render_report(data: ReportData, fmt: str) -> bytes:
    """The report in format ``fmt`` (``pdf`` or ``html``) as bytes."""
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"unknown report format {fmt!r}; use pdf or html")
    return FORMATS[fmt](data)
