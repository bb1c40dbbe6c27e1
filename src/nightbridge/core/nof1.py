"""What helps me: N-of-1 comparisons of nights after an exposure with nights without.

For one person, one exposure (caffeine after noon, alcohol within 3 h of bed, melatonin,
a kratom amount band ...) and one outcome (SOL, WASO, TST, SE, quality, next-day headache
or function), the effect is the coefficient of the exposure indicator in a least-squares
fit with an intercept and a day term::

    y_d = b0 + b1 * day_d + b2 * exposed_d + e_d

The day term matters: recovery itself improves sleep week by week, so a habit that
becomes rarer over time looks protective in a plain comparison of means even when it
does nothing (docs/what-helps-me.md shows this on simulated people). Fitting a linear
time trend is the standard adjustment in single-case designs (Huitema & McKean, Psychol
Methods 2000;5:38-58; Vieira, McDonald, de Sousa & Sniehotta, Health Psychol Rev
2017;11:1-13, "Digital health N-of-1 trials").

Consecutive nights are alike and habits come in runs, so the standard error allows for
AR(1) errors (``core.nof1_fit``), and the whole family of exposures x outcomes shown
together is controlled with Benjamini-Hochberg at 5 % (``core.multiplicity``): a
finding is an ``association`` only when it survives that. The benchmark
``bench/bench_nof1.py`` measures the false-positive rates on simulated people.

Substances are never presented as helping (docs/definitions.md section 8): every
exposure that is an intake (kratom, alcohol, caffeine, melatonin and anything not
known to be a habit) is ``INTAKE``, reported apart and in neutral words
(``Finding.sentence``); only the habits in ``HABITS`` can appear under "what helps me".

Below ``MIN_NIGHTS_PER_ARM`` (5) nights with and 5 without, the answer is "not enough
data yet". Findings are associations in the person's own data, never proof of cause;
``Finding.sentence()`` says so every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nightbridge.core.multiplicity import FDR, bh_adjusted, selected_level
from nightbridge.core.nof1_fit import BatchFit, TrendFit, fit_batch, fit_trend, t_cdf, t_quantile

__all__ = [
    "EXPOSURES",
    "HABITS",
    "MIN_NIGHTS_PER_ARM",
    "OUTCOMES",
    "STATUSES",
    "Finding",
    "NightObservation",
    "TrendFit",
    "compare_nights",
    "exposure_label",
    "find_what_helps",
    "fit_trend",
    "is_intake",
    "outcome_label",
    "t_cdf",
    "t_quantile",
]

#: Nights needed in EACH arm (exposed, unexposed) before an effect is estimated.
MIN_NIGHTS_PER_ARM = 5

#: Outcomes compared, with their unit and whether a larger value is better.
OUTCOMES: Mapping[str, tuple[str, str, bool]] = {
    "sol_min": ("time to fall asleep", "min", False),
    "waso_min": ("time awake during the night", "min", False),
    "tst_min": ("total sleep time", "min", True),
    "se_pct": ("sleep efficiency", "%", True),
    "quality": ("sleep quality (1-5)", "points", True),
    "headache": ("next-day headache (0-4)", "points", False),
    "function": ("next-day function (1-5)", "points", True),
}

#: Exposure names and how they read in a sentence ("nights after ...").
EXPOSURES: Mapping[str, str] = {
    "kratom_any": "days with any kratom",
    "kratom_high": "kratom days above your own median amount",
    "kratom_late": "kratom within 6 h of bedtime",
    "melatonin": "melatonin that evening",
    "caffeine_after_noon": "caffeine after noon",
    "alcohol_3h": "alcohol within 3 h of bedtime",
    "screens_last_hour": "screens in the last hour before bed",
    "exercise": "days with 20 min or more of exercise",
    "nap": "days with a nap",
}

#: The only exposures that may be shown under "what helps me": habits, not intakes.
#: Everything else (kratom, alcohol, caffeine, melatonin, any substance, any exposure not
#: named here) is an intake, reported neutrally (docs/definitions.md section 8).
HABITS: frozenset[str] = frozenset({"screens_last_hour", "exercise", "nap"})

STATUSES: tuple[str, ...] = ("association", "no_clear_difference", "not_enough_data")


def is_intake(exposure: str) -> bool:
    """True for every exposure that is not a known habit (the safe default)."""
    return exposure not in HABITS


def exposure_label(exposure: str) -> str:
    """The exposure in words; never the internal code."""
    return EXPOSURES.get(exposure, exposure.replace("_", " "))


def outcome_label(outcome: str) -> str:
    """The outcome in words; never the internal code."""
    return OUTCOMES.get(outcome, (outcome.replace("_", " "), "", True))[0]


@dataclass(frozen=True, slots=True)
class NightObservation:
    """One night (dated by its morning): outcome values and exposure flags.

    A missing value (``None`` or absent key) leaves the night out of that comparison
    only. Exposure flags are ``True`` (exposed the evening/day before the morning),
    ``False`` (known not exposed) or ``None`` (unknown).
    """

    date: dt.date
    outcomes: Mapping[str, float | None] = field(default_factory=dict)
    exposures: Mapping[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    """The adjusted difference, exposed minus unexposed, for one exposure and outcome.

    ``effect``, ``ci_low`` and ``ci_high`` are in the outcome's unit (``OUTCOMES``);
    ``unadjusted`` is the plain difference of means, kept for transparency. ``level`` is
    the interval's coverage: 95 % alone, 1 - R q / m for a finding selected out of a
    family of ``family`` comparisons (``core.multiplicity``). ``p_value`` is the
    comparison's own, ``q_value`` its Benjamini-Hochberg adjusted value in the family.
    ``status`` is ``association`` when ``q_value`` <= 5 %, ``no_clear_difference``
    otherwise, ``not_enough_data`` below ``MIN_NIGHTS_PER_ARM`` in either arm (then the
    numbers are ``None``).
    """

    exposure: str
    outcome: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    n_exposed: int
    n_unexposed: int
    status: str
    unadjusted: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    se: float | None = None
    df: int | None = None
    level: float = 0.95
    family: int = 1

    @property
    def intake(self) -> bool:
        """An intake (kratom, alcohol, any substance): never shown as helping."""
        return is_intake(self.exposure)

    def sentence(self) -> str:
        """The plain-words reading; never a claim of cause, never a dose."""
        label, unit, _ = OUTCOMES.get(self.outcome, (outcome_label(self.outcome), "", True))
        what = exposure_label(self.exposure)
        if self.status == "not_enough_data":
            need_e = max(0, MIN_NIGHTS_PER_ARM - self.n_exposed)
            need_u = max(0, MIN_NIGHTS_PER_ARM - self.n_unexposed)
            parts = []
            if need_e:
                parts.append(f"{need_e} further night(s) after {what}")
            if need_u:
                parts.append(f"{need_u} further night(s) without it")
            return f"{label.capitalize()} and {what}: not enough data yet ({' and '.join(parts)})."
        if self.effect is None or self.ci_low is None or self.ci_high is None:
            return f"{label.capitalize()} and {what}: could not be estimated."
        low, high = _fmt(self.ci_low, unit, signed=True), _fmt(self.ci_high, unit, signed=True)
        ci = f"{_percent(self.level)} CI {low} to {high}"
        if self.family > 1 and self.status == "association":
            ci += f", widened for the {self.family} comparisons made"
        counts = f"{self.n_exposed} nights with, {self.n_unexposed} without"
        chance = ""
        if self.status == "no_clear_difference":
            chance = (
                " The interval includes no difference: no clear difference so far."
                if self.ci_low <= 0.0 <= self.ci_high
                else f" With {self.family} comparisons made, a difference this size is"
                " expected by chance: no clear difference so far."
            )
        if self.intake:
            # Neutral: the difference as a signed number, no "more", "better" or "helps".
            return (
                f"{label.capitalize()} on nights after {what}, compared with other nights: "
                f"a difference of {_fmt(self.effect, unit, signed=True)} ({ci}; {counts}, "
                f"adjusted for the trend over time).{chance} This describes how intake and "
                "sleep went together in your own diary; it is not a cause and not advice. "
                "Days with different intake usually differ in other ways too (withdrawal, "
                "pain, stress). Nightbridge never suggests an amount of any substance: talk "
                "any change over with your clinician."
            )
        direction = "more" if self.effect >= 0 else "less"
        amount = _fmt(abs(self.effect), unit)
        text = (
            f"Nights after {what} had on average {amount} {direction} {label} "
            f"({ci}; {counts}, adjusted for the trend over time)"
        )
        if self.status == "no_clear_difference":
            return (
                text
                + "."
                + chance
                + " Any difference seen here is an association in your own data, not proof"
                " of cause."
            )
        return text + ". This is an association in your own data, not proof of cause."

    def to_dict(self) -> dict[str, object]:
        return {
            "exposure": self.exposure,
            "exposure_label": exposure_label(self.exposure),
            "outcome": self.outcome,
            "outcome_label": outcome_label(self.outcome),
            "kind": "intake" if self.intake else "habit",
            "effect": _round(self.effect),
            "ci_low": _round(self.ci_low),
            "ci_high": _round(self.ci_high),
            "level": round(self.level, 4),
            "n_exposed": self.n_exposed,
            "n_unexposed": self.n_unexposed,
            "status": self.status,
            "p_value": None if self.p_value is None else round(self.p_value, 4),
            "q_value": None if self.q_value is None else round(self.q_value, 4),
            "family": self.family,
            "unadjusted": _round(self.unadjusted),
            "sentence": self.sentence(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _percent(level: float) -> str:
    text = f"{100 * level:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _fmt(value: float, unit: str, *, signed: bool = False) -> str:
    digits = 0 if unit == "min" else 1
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return f"{text} {unit}" if unit in ("min", "points") else f"{text}{unit}"


@dataclass(frozen=True, slots=True)
class _Comparison:
    """One exposure x outcome: the nights where both are known, by date."""

    exposure: str
    outcome: str
    dates: tuple[dt.date, ...]
    flags: tuple[bool, ...]
    values: tuple[float, ...]


def _comparison(nights: Sequence[NightObservation], exposure: str, outcome: str) -> _Comparison:
    rows = sorted(
        (
            n
            for n in nights
            if n.outcomes.get(outcome) is not None and n.exposures.get(exposure) is not None
        ),
        key=lambda n: n.date,
    )
    return _Comparison(
        exposure,
        outcome,
        tuple(n.date for n in rows),
        tuple(bool(n.exposures[exposure]) for n in rows),
        tuple(float(n.outcomes[outcome]) for n in rows),  # type: ignore[arg-type]
    )


def _estimate(
    comparisons: Sequence[_Comparison], *, min_per_arm: int, level: float
) -> list[Finding]:
    """The findings of comparisons, alone (each a family of one). Comparisons over the
    same nights are fitted together in one ``fit_batch`` call."""
    out: list[Finding | None] = [None] * len(comparisons)
    groups: dict[tuple[dt.date, ...], list[int]] = {}
    for i, c in enumerate(comparisons):
        n_exp = sum(c.flags)
        n_un = len(c.flags) - n_exp
        if n_exp < min_per_arm or n_un < min_per_arm:
            out[i] = Finding(
                c.exposure, c.outcome, None, None, None, n_exp, n_un, "not_enough_data"
            )
        else:
            groups.setdefault(c.dates, []).append(i)
    for dates, members in groups.items():
        days = [float((d - dates[0]).days) for d in dates]
        fit = fit_batch(
            days,
            np.asarray([comparisons[i].flags for i in members], dtype=float),
            np.asarray([comparisons[i].values for i in members], dtype=float),
        )
        for j, i in enumerate(members):
            out[i] = _finding(comparisons[i], fit, j, level)
    return [f for f in out if f is not None]


def _finding(c: _Comparison, fit: BatchFit, j: int, level: float) -> Finding:
    n_exp = sum(c.flags)
    n_un = len(c.flags) - n_exp
    exposed = sum(v for v, f in zip(c.values, c.flags, strict=True) if f)
    unexposed = sum(v for v, f in zip(c.values, c.flags, strict=True) if not f)
    unadjusted = exposed / n_exp - unexposed / n_un
    if not bool(fit.valid[j]):  # the exposure cannot be told apart from the time trend
        return Finding(
            c.exposure, c.outcome, None, None, None, n_exp, n_un, "not_enough_data", unadjusted
        )
    one = TrendFit(float(fit.effect[j]), float(fit.se[j]), fit.df, float(fit.phi[j]))
    low, high = one.interval(level)
    p_value = one.p_value
    if abs(one.effect) < 1e-9:  # e.g. an outcome that never varies: rounding noise, not an effect
        low, high, p_value = min(low, 0.0), max(high, 0.0), 1.0
    status = "association" if p_value <= 1.0 - level else "no_clear_difference"
    return Finding(
        c.exposure,
        c.outcome,
        one.effect,
        low,
        high,
        n_exp,
        n_un,
        status,
        unadjusted,
        p_value=p_value,
        q_value=p_value,
        se=one.se,
        df=one.df,
        level=level,
    )


def compare_nights(
    nights: Sequence[NightObservation],
    exposure: str,
    outcome: str,
    *,
    min_per_arm: int = MIN_NIGHTS_PER_ARM,
    level: float = 0.95,
) -> Finding:
    """The finding for one exposure and one outcome over the given nights, alone
    (a family of one; ``find_what_helps`` adjusts for the whole family)."""
    return _estimate(
        [_comparison(nights, exposure, outcome)], min_per_arm=min_per_arm, level=level
    )[0]


def adjust_family(findings: Sequence[Finding], *, fdr: float = FDR) -> list[Finding]:
    """Benjamini-Hochberg over every estimated finding; selected ones get intervals at
    level 1 - R q / m, the others keep their 95 % interval (``core.multiplicity``)."""
    estimated = [i for i, f in enumerate(findings) if f.p_value is not None]
    m = len(estimated)
    q_values = bh_adjusted([findings[i].p_value for i in estimated])  # type: ignore[misc]
    selected = sum(1 for q in q_values if q <= fdr)
    level = selected_level(selected, m, fdr)
    out = list(findings)
    for i, q in zip(estimated, q_values, strict=True):
        f = findings[i]
        change: dict[str, object] = {"q_value": q, "family": m}
        if q <= fdr and f.effect is not None and f.se is not None and f.df is not None:
            half = t_quantile(0.5 + level / 2.0, f.df) * f.se
            change.update(
                status="association", ci_low=f.effect - half, ci_high=f.effect + half, level=level
            )
        else:
            change["status"] = "no_clear_difference"
        out[i] = dataclasses.replace(f, **change)  # type: ignore[arg-type]
    return out


def find_what_helps(
    nights: Sequence[NightObservation],
    *,
    exposures: Sequence[str] | None = None,
    outcomes: Sequence[str] | None = None,
    min_per_arm: int = MIN_NIGHTS_PER_ARM,
) -> list[Finding]:
    """Every exposure x outcome finding, adjusted for the family (``adjust_family``);
    exposures never logged at all are left out.

    Ordered: associations first (smallest adjusted p first), then no clear difference,
    then not enough data. Callers show intakes (``Finding.intake``) apart from habits.
    """
    present = {k for n in nights for k, v in n.exposures.items() if v is not None}
    names = [
        e for e in (exposures or [*EXPOSURES, *sorted(present - set(EXPOSURES))]) if e in present
    ]
    outs = list(outcomes or OUTCOMES)
    comparisons = [_comparison(nights, e, o) for e in names for o in outs]
    findings = adjust_family(_estimate(comparisons, min_per_arm=min_per_arm, level=0.95))

    def order(f: Finding) -> tuple[int, float]:
        rank = STATUSES.index(f.status)
        return rank, (f.p_value if f.p_value is not None else 1.0)

    return sorted(findings, key=order)
