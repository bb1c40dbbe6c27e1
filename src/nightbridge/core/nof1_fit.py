"""The fit behind "what helps me": a trend + exposure regression, honest about runs.

For one person, one exposure and one outcome::

    y_d = b0 + b1 * day_d + b2 * exposed_d + e_d,   corr(e_d, e_d') = phi^|d - d'|

``b2`` is the effect, estimated by ordinary least squares (unbiased whatever the
errors). Consecutive nights are alike (a bad week of withdrawal) and habits come in
runs; the classical OLS standard error then assumes more independent information than
there is, and false positives run well above 5 % (Huitema & McKean, Psychol Methods
2000;5:38-58). So the variance of ``b2`` is computed under AR(1) errors, exactly for
the days observed (a gap of g days correlates phi^g)::

    Var(b2) = sigma^2(phi) * sum_{t,s} a_t a_s phi^|d_t - d_s|,   b2 = sum_t a_t y_t

(``a``: the exposure row of (X'X)^-1 X'; ``sigma^2(phi)``: the error variance of the
generalised least-squares fit at that phi, Prais & Winsten 1954). ``phi`` is estimated
by restricted maximum likelihood (REML; Patterson & Thompson, Biometrika 1971;58:545-54)
on a grid 0 .. 0.95, because the ordinary estimate of phi is biased towards 0 in short
series exactly where it matters (Huitema & McKean, Psychol Bull 1991;110:291-304;
Cheang & Reinsel, J Am Stat Assoc 2000;95:1167-79). Phi itself is uncertain in six
weeks of nights, so the standard error used is the LARGEST over every phi whose REML
log-likelihood is within ``PHI_REGION`` / 2 of the best (a likelihood region of about
68 % for phi); no negative phi is assumed (phi = 0 gives the classical SE). Intervals
and tests use Student's t with n - 4 degrees of freedom (three coefficients and phi).

This is Nightbridge's own combination of standard parts, chosen because it held the
false-positive rate at or under 5 % on simulated people where plain GLS with the REML
phi did not (6-9 % with clustered exposure and phi 0.3-0.6 at 4-8 weeks), nor did the
larger of the classical and Newey-West SE used before (10-19 %);
``bench/bench_nof1.py`` prints the figures.

Everything is vectorised over a batch of series on the same days, so the benchmark
measures this very code on thousands of simulated people. The Student's t functions
are here too (numpy only, no SciPy).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The values of phi the REML search tries (step 0.05).
PHI_GRID: np.ndarray = np.round(np.arange(0.0, 0.9501, 0.05), 2)
#: Coefficients (intercept, day, exposure) plus phi.
PARAMETERS = 4
#: The SE is the largest over every phi whose REML log-likelihood is within half this of
#: the best: 1.0 is the 68 % point of chi-square(1), a likelihood region of about 68 %.
PHI_REGION = 1.0


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


@functools.lru_cache(maxsize=512)
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


def t_two_sided_p(t: np.ndarray, df: int) -> np.ndarray:
    """Two-sided p-values P(|T| >= |t|) for an array of t statistics (one ``df``).

    Vectorised: the statistics are rounded to 1e-3 and each distinct value is computed
    once with ``t_cdf`` (an error below 1e-4 in p, far under any decision made here).
    """
    values = np.abs(np.asarray(t, dtype=float))
    finite = np.isfinite(values)
    keys = np.round(np.where(finite, values, 0.0), 3)
    unique, inverse = np.unique(keys, return_inverse=True)
    tails = np.array([2.0 * (1.0 - t_cdf(float(u), df)) for u in unique])
    out = tails[inverse].reshape(values.shape)
    return np.where(finite, np.clip(out, 0.0, 1.0), 0.0)


# --- The fit -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendFit:
    """The exposure coefficient of ``y ~ 1 + day + exposed``, its AR(1)-aware SE and phi."""

    effect: float
    se: float
    df: int
    phi: float

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        q = t_quantile(0.5 + level / 2.0, self.df)
        return self.effect - q * self.se, self.effect + q * self.se

    @property
    def p_value(self) -> float:
        if self.se <= 0.0:
            return 1.0 if abs(self.effect) < 1e-9 else 0.0
        return 2.0 * (1.0 - t_cdf(abs(self.effect) / self.se, self.df))


@dataclass(frozen=True, slots=True)
class BatchFit:
    """``fit_batch`` results, one entry per series; ``valid`` False where singular."""

    effect: np.ndarray
    se: np.ndarray
    phi: np.ndarray
    df: int
    valid: np.ndarray


def fit_batch(days: Sequence[float], exposed: np.ndarray, y: np.ndarray) -> BatchFit:
    """OLS effect, AR(1)-aware SE (module docstring) for B series on the same days.

    ``days`` (n,) strictly increasing; ``exposed`` and ``y`` (B, n). A gap of g days
    between consecutive kept nights is modelled as correlation phi^g. Vectorised over
    the series and the phi grid, in chunks of ``CHUNK`` series.
    """
    d = np.asarray(days, dtype=float)
    n = d.size
    e = np.atleast_2d(np.asarray(exposed, dtype=float))
    yy = np.atleast_2d(np.asarray(y, dtype=float))
    if n < PARAMETERS + 1:
        raise ValueError("need at least 5 nights")
    gaps = np.diff(d)
    if np.any(gaps <= 0):
        raise ValueError("days must be strictly increasing")
    spread = float(d.std()) or 1.0
    t = (d - d.mean()) / spread  # centred and scaled: the exposure coefficient is unchanged
    phis = PHI_GRID[:, None]
    r = phis ** gaps[None, :]  # (G, n-1): the correlation of each night with the one before
    s = np.sqrt(1.0 - r * r)
    log_s = 2.0 * np.log(s).sum(axis=1)  # log det of each phi's correlation matrix
    correlation = phis[:, :, None] ** np.abs(d[:, None] - d[None, :])[None]  # (G, n, n)
    parts = [
        _fit_chunk(t, e[i : i + CHUNK], yy[i : i + CHUNK], r, s, log_s, correlation)
        for i in range(0, yy.shape[0], CHUNK)
    ]
    effect, se, phi, valid = (np.concatenate(column) for column in zip(*parts, strict=True))
    return BatchFit(effect, se, phi, n - PARAMETERS, valid)


#: Series fitted together (bounds the memory: grid x chunk x nights x 4 floats).
CHUNK = 1024


def _fit_chunk(
    t: np.ndarray,
    e: np.ndarray,
    yy: np.ndarray,
    r: np.ndarray,
    s: np.ndarray,
    log_s: np.ndarray,
    correlation: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    batch, n = yy.shape
    k = PARAMETERS - 1
    z = np.empty((batch, n, k + 1))
    z[:, :, 0] = 1.0
    z[:, :, 1] = t
    z[:, :, 2] = e
    z[:, :, 3] = yy
    # The OLS effect and its weights: b2 = a . y with a the exposure row of (X'X)^-1 X'.
    x = z[:, :, :k]
    xtx = np.matmul(np.swapaxes(x, 1, 2), x)
    sign, logdet = np.linalg.slogdet(xtx)
    diag = np.log(np.maximum(np.diagonal(xtx, axis1=1, axis2=2), 1e-300)).sum(axis=1)
    valid = (sign > 0) & (logdet - diag > -25.0)  # not (near-)collinear
    inv = np.linalg.inv(np.where(valid[:, None, None], xtx, np.eye(k)))
    weights = np.einsum("bj,bnj->bn", inv[:, 2, :], x)
    effect = np.einsum("bn,bn->b", weights, yy)
    # a' R(phi) a for every phi of the grid.
    quad = np.einsum("gbn,bn->gb", np.matmul(weights[None], correlation), weights)
    # The GLS fit at every phi (Prais-Winsten for any spacing): its REML log-likelihood
    # and the error variance sigma^2(phi).
    zs = np.empty((r.shape[0], batch, n, k + 1))
    zs[:, :, 0] = z[None, :, 0]
    zs[:, :, 1:] = (z[None, :, 1:] - r[:, None, :, None] * z[None, :, :-1]) / s[:, None, :, None]
    m = np.matmul(np.swapaxes(zs, 2, 3), zs)  # (G, B, 4, 4)
    gtx = m[..., :k, :k]
    gty = m[..., :k, k]
    gsign, glogdet = np.linalg.slogdet(gtx)
    ok = valid[None, :] & (gsign > 0)
    safe = np.where(ok[..., None, None], gtx, np.eye(k))
    beta = np.linalg.solve(safe, gty[..., None])[..., 0]
    rss = np.maximum(m[..., k, k] - np.einsum("gbi,gbi->gb", beta, gty), 0.0)
    sigma2 = rss / (n - k)
    ll = -0.5 * ((n - k) * np.log(np.maximum(sigma2, 1e-300)) + log_s[:, None] + glogdet)
    lls = np.where(ok, ll, -np.inf)
    variances = sigma2 * np.maximum(quad, 0.0)
    top = np.argmax(lls, axis=0)
    cols = np.arange(batch)
    plausible = lls >= (lls[top, cols] - PHI_REGION / 2.0)[None, :]
    var = np.where(plausible, variances, 0.0).max(axis=0)
    se = np.sqrt(np.maximum(var, 0.0))
    return effect, np.where(valid, se, np.nan), PHI_GRID[top], valid


def fit_trend(days: Sequence[float], exposed: Sequence[bool], y: Sequence[float]) -> TrendFit:
    """The fit for one series (``fit_batch`` with B = 1).

    Raises ``ValueError`` when there are fewer than 5 nights or the exposure cannot be
    told apart from the time trend (a singular design).
    """
    if len(days) != len(y) or len(exposed) != len(y):
        raise ValueError("days, exposure and values must have matching lengths")
    x = np.column_stack([np.ones(len(y)), np.asarray(days, float), np.asarray(exposed, float)])
    if len(y) < PARAMETERS + 1 or np.linalg.matrix_rank(x) < PARAMETERS - 1:
        raise ValueError("the exposure cannot be told apart from the time trend")
    fit = fit_batch(days, np.asarray([exposed], float), np.asarray([y], float))
    if not bool(fit.valid[0]):
        raise ValueError("the exposure cannot be told apart from the time trend")
    return TrendFit(float(fit.effect[0]), float(fit.se[0]), fit.df, float(fit.phi[0]))
