"""The AR(1)-aware fit behind "what helps me" (core.nof1_fit), checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from nightbridge.core import nof1_fit
from nightbridge.core.nof1_fit import fit_batch, fit_trend, t_cdf, t_two_sided_p

DAYS = np.array([0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16], dtype=float)  # two gaps


def series(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    exposed = (np.arange(DAYS.size) // 3) % 2 == 0  # runs of three
    y = 30.0 - 0.4 * DAYS + 5.0 * exposed + rng.normal(0, 4, DAYS.size)
    return exposed, y


def test_the_effect_is_the_least_squares_coefficient() -> None:
    exposed, y = series(1)
    x = np.column_stack([np.ones(DAYS.size), DAYS, exposed.astype(float)])
    expected = np.linalg.lstsq(x, y, rcond=None)[0][2]
    assert fit_trend(list(DAYS), list(exposed), list(y)).effect == pytest.approx(expected)


def test_the_variance_is_the_ar1_sandwich_at_a_given_phi(monkeypatch: pytest.MonkeyPatch) -> None:
    # With one phi on the grid: Var(b2) = sigma^2(phi) a' R a, R_ts = phi^|d_t - d_s|,
    # sigma^2(phi) the residual variance of the GLS fit (dense matrices, by hand).
    phi = 0.5
    monkeypatch.setattr(nof1_fit, "PHI_GRID", np.array([phi]))
    exposed, y = series(2)
    x = np.column_stack([np.ones(DAYS.size), DAYS, exposed.astype(float)])
    r = phi ** np.abs(DAYS[:, None] - DAYS[None, :])
    a = (np.linalg.inv(x.T @ x) @ x.T)[2]
    r_inv = np.linalg.inv(r)
    beta = np.linalg.solve(x.T @ r_inv @ x, x.T @ r_inv @ y)
    resid = y - x @ beta
    sigma2 = float(resid @ r_inv @ resid) / (DAYS.size - 3)
    fit = fit_trend(list(DAYS), list(exposed), list(y))
    assert fit.se == pytest.approx(np.sqrt(sigma2 * a @ r @ a), rel=1e-9)
    assert fit.phi == phi and fit.df == DAYS.size - 4


def test_a_strongly_autocorrelated_series_gets_a_wider_interval_than_ols() -> None:
    rng = np.random.default_rng(4)
    n = 42
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.7 * noise[i - 1] + rng.normal(0, 5)
    exposed = (np.arange(n) // 7) % 2 == 0  # weeks on, weeks off
    y = 40.0 + noise
    fit = fit_trend(list(range(n)), list(exposed), list(y))
    x = np.column_stack([np.ones(n), np.arange(n), exposed.astype(float)])
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    se_ols = np.sqrt(resid @ resid / (n - 3) * np.linalg.inv(x.T @ x)[2, 2])
    assert fit.phi >= 0.3
    assert fit.se > 1.3 * se_ols


def test_batch_p_values_agree_with_the_t_distribution() -> None:
    t = np.array([0.0, 1.0, -2.06, 3.5])
    p = t_two_sided_p(t, 24)
    expected = [2 * (1 - t_cdf(abs(v), 24)) for v in t]
    assert p == pytest.approx(expected, abs=2e-4)
    assert p[2] == pytest.approx(0.05, abs=1e-3)  # t(0.975, 24) = 2.064


def test_a_design_that_cannot_separate_exposure_from_trend_is_refused() -> None:
    days = list(range(10))
    with pytest.raises(ValueError, match="told apart"):
        fit_trend(days, [False] * 10, [float(d) for d in days])
    batch = fit_batch(days, np.zeros((2, 10)), np.ones((2, 10)))
    assert not batch.valid.any()
