"""What helps me: N-of-1 comparisons of nights after an exposure with nights without.

For one person, one exposure (caffeine after noon, alcohol within 3 h of bed, melatonin,
a kratom amount band ...) and one outcome (SOL, WASO, TST, SE, quality, next-day headache
or function), the effect is the coefficient of the exposure indicator in an ordinary
least-squares fit with an intercept and a day term::

    y_d = b0 + b1 * day_d + b2 * exposed_d + e_d

The day term matters: recovery itself improves sleep week by week, so a habit that
becomes rarer over time looks protective in a plain comparison of means even when it
does nothing (docs/what-helps-me.md shows this on simulated people). Fitting a linear
time trend is the standard adjustment in single-case designs (Huitema & McKean, Psychol
Methods 2000;5:38-58; Vieira, McDonald, de Sousa & Sniehotta, Health Psychol Rev
2017;11:1-13, "Digital health N-of-1 trials").

The 95% interval uses Student's t with n - 3 degrees of freedom and the LARGER of two
standard errors: the classical OLS one and the Newey-West heteroskedasticity-and-
autocorrelation-consistent one (Newey & West, Econometrica 1987;55:703-708; Bartlett
weights, lag floor(4 (n/100)^(2/9))). Consecutive nights are correlated; the classical
SE alone is then too narrow, and the HAC SE alone is too narrow in short series, so the
larger is used. This is a heuristic, stated as such, not an exact interval.

Below ``MIN_NIGHTS_PER_ARM`` (5) nights with and 5 without, the answer is "not enough
data yet". Findings are associations in the person's own data, never proof of cause;
``Finding.sentence()`` says so every time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

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
    "kratom_high": "days with more kratom than your own median",
    "kratom_late": "kratom within 6 h of bedtime",
    "melatonin": "melatonin that evening",
    "caffeine_after_noon": "caffeine after noon",
    "alcohol_3h": "alcohol within 3 h of bedtime",
    "screens_last_hour": "screens in the last hour before bed",
    "exercise": "days with 20 min or more of exercise",
    "nap": "days with a nap",
}

STATUSES: tuple[str, ...] = ("association", "no_clear_difference", "not_enough_data")


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
    ``unadjusted`` is the plain difference of means, kept for transparency. ``status`` is
    ``association`` when the 95% interval excludes 0, ``no_clear_difference`` when it
    includes 0, ``not_enough_data`` below ``MIN_NIGHTS_PER_ARM`` in either arm (then the
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

    def sentence(self) -> str:
        """The plain-words reading; never a claim of cause."""
        label, unit, _ = OUTCOMES.get(self.outcome, (self.outcome, "", True))
        what = EXPOSURES.get(self.exposure, self.exposure)
        if self.status == "not_enough_data":
            need_e = max(0, MIN_NIGHTS_PER_ARM - self.n_exposed)
            need_u = max(0, MIN_NIGHTS_PER_ARM - self.n_unexposed)
            parts = []
            if need_e:
                parts.append(f"{need_e} more night(s) after {what}")
            if need_u:
                parts.append(f"{need_u} more night(s) without it")
            return f"{label.capitalize()} and {what}: not enough data yet ({' and '.join(parts)})."
        if self.effect is None or self.ci_low is None or self.ci_high is None:
            return f"{label.capitalize()} and {what}: could not be estimated."
        direction = "more" if self.effect >= 0 else "less"
        amount = _fmt(abs(self.effect), unit)
        low, high = _fmt(self.ci_low, unit, signed=True), _fmt(self.ci_high, unit, signed=True)
        ci = f"95% CI {low} to {high}"
        text = (
            f"Nights after {what} had on average {amount} {direction} {label} "
            f"({ci}; {self.n_exposed} nights with, {self.n_unexposed} without, "
            "adjusted for the trend over time)"
        )
        if self.status == "no_clear_difference":
            return text + (
                ". The interval includes no difference: no clear difference so far. Any"
                " difference seen here is an association in your own data, not proof of cause."
            )
        return text + ". This is an association in your own data, not proof of cause."

    def to_dict(self) -> dict[str, object]:
        return {
            "exposure": self.exposure,
            "outcome": self.outcome,
            "effect": _round(self.effect),
            "ci_low": _round(self.ci_low),
            "ci_high": _round(self.ci_high),
            "n_exposed": self.n_exposed,
            "n_unexposed": self.n_unexposed,
            "status": self.status,
            "unadjusted": _round(self.unadjusted),
            "sentence": self.sentence(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _fmt(value: float, unit: str, *, signed: bool = False) -> str:
    digits = 0 if unit == "min" else 1
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return f"{text} {unit}" if unit in ("min", "points") else f"{text}{unit}"


# --- Student's t -------------------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta (modified Lentz; Press et al.,
    Numerical Recipes 3rd ed., section 6.4)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (bisection on ``t_cdf``; |error| < 1e-9).

    Checked in tests against the printed table (e.g. t(0.975, 5) = 2.5706).
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return (lo + hi) / 2.0


# --- The fit -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendFit:
    """The exposure coefficient of ``y ~ 1 + day + exposed`` and its standard errors."""

    effect: float
    se_ols: float
    se_hac: float
    df: int

    @property
    def se(self) -> float:
        """The standard error used for intervals: the larger of OLS and Newey-West."""
        return max(self.se_ols, self.se_hac)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        q = t_quantile(0.5 + level / 2.0, self.df)
        return self.effect - q * self.se, self.effect + q * self.se


def newey_west_lag(n: int) -> int:
    """Bartlett-kernel lag: floor(4 (n/100)^(2/9)) (Newey & West 1994 rule of thumb)."""
    return math.floor(4.0 * math.pow(n / 100.0, 2.0 / 9.0))


def fit_trend(days: Sequence[float], exposed: Sequence[bool], y: Sequence[float]) -> TrendFit:
    """OLS of ``y`` on an intercept, ``days`` and the exposure indicator.

    Raises ``ValueError`` when the design is singular (e.g. every exposed night comes
    after every unexposed one AND the trend absorbs it exactly, or fewer than 4 nights).
    """
    n = len(y)
    if n < 4 or len(days) != n or len(exposed) != n:
        raise ValueError("need at least 4 nights with matching lengths")
    x = np.column_stack(
        [np.ones(n), np.asarray(days, dtype=float), np.asarray(exposed, dtype=float)]
    )
    yy = np.asarray(y, dtype=float)
    xtx = x.T @ x
    if np.linalg.matrix_rank(xtx) < 3:
        raise ValueError("the exposure cannot be told apart from the time trend")
    xtx_inv = np.linalg.inv(xtx)
    beta = xtx_inv @ x.T @ yy
    resid = yy - x @ beta
    df = n - 3
    sigma2 = float(resid @ resid) / df
    se_ols = math.sqrt(max(sigma2 * float(xtx_inv[2, 2]), 0.0))
    # Newey-West: (X'X)^-1 S (X'X)^-1, S = sum_l w_l (Gamma_l + Gamma_l'), small-sample n/(n-k).
    u = x * resid[:, None]
    s = u.T @ u
    for lag in range(1, newey_west_lag(n) + 1):
        w = 1.0 - lag / (newey_west_lag(n) + 1.0)
        gamma = u[lag:].T @ u[:-lag]
        s += w * (gamma + gamma.T)
    cov = xtx_inv @ s @ xtx_inv * (n / df)
    se_hac = math.sqrt(max(float(cov[2, 2]), 0.0))
    return TrendFit(effect=float(beta[2]), se_ols=se_ols, se_hac=se_hac, df=df)


def compare_nights(
    nights: Sequence[NightObservation],
    exposure: str,
    outcome: str,
    *,
    min_per_arm: int = MIN_NIGHTS_PER_ARM,
    level: float = 0.95,
) -> Finding:
    """The finding for one exposure and one outcome over the given nights."""
    rows = sorted(
        (
            n
            for n in nights
            if n.outcomes.get(outcome) is not None and n.exposures.get(exposure) is not None
        ),
        key=lambda n: n.date,
    )
    flags = [bool(n.exposures[exposure]) for n in rows]
    n_exp = sum(flags)
    n_un = len(flags) - n_exp
    if n_exp < min_per_arm or n_un < min_per_arm:
        return Finding(exposure, outcome, None, None, None, n_exp, n_un, "not_enough_data")
    first = rows[0].date
    days = [float((n.date - first).days) for n in rows]
    values = [float(n.outcomes[outcome]) for n in rows]  # type: ignore[arg-type]
    exposed_vals = [v for v, f in zip(values, flags, strict=True) if f]
    unexposed_vals = [v for v, f in zip(values, flags, strict=True) if not f]
    unadjusted = sum(exposed_vals) / n_exp - sum(unexposed_vals) / n_un
    try:
        fit = fit_trend(days, flags, values)
    except ValueError:
        return Finding(
            exposure, outcome, None, None, None, n_exp, n_un, "not_enough_data", unadjusted
        )
    low, high = fit.interval(level)
    if abs(fit.effect) < 1e-9:  # e.g. an outcome that never varies: rounding noise, not an effect
        low, high = min(low, 0.0), max(high, 0.0)
    status = "association" if (low > 0.0 or high < 0.0) else "no_clear_difference"
    return Finding(exposure, outcome, fit.effect, low, high, n_exp, n_un, status, unadjusted)


def find_what_helps(
    nights: Sequence[NightObservation],
    *,
    exposures: Sequence[str] | None = None,
    outcomes: Sequence[str] | None = None,
    min_per_arm: int = MIN_NIGHTS_PER_ARM,
) -> list[Finding]:
    """Every exposure x outcome finding; exposures never logged at all are left out.

    Ordered: associations first (largest |effect| relative to its interval first), then
    no clear difference, then not enough data.
    """
    present = {k for n in nights for k, v in n.exposures.items() if v is not None}
    names = [
        e for e in (exposures or [*EXPOSURES, *sorted(present - set(EXPOSURES))]) if e in present
    ]
    outs = list(outcomes or OUTCOMES)
    findings = [compare_nights(nights, e, o, min_per_arm=min_per_arm) for e in names for o in outs]

    def order(f: Finding) -> tuple[int, float]:
        rank = STATUSES.index(f.status)
        if f.effect is None or f.ci_low is None or f.ci_high is None:
            return rank, 0.0
        half = (f.ci_high - f.ci_low) / 2.0 or 1.0
        return rank, -abs(f.effect) / half

    return sorted(findings, key=order)
