"""How honest "what helps me" is: false positives, coverage and power on simulated people.

Runs the very estimator the reports use (``core.nof1_fit.fit_batch``, then
Benjamini-Hochberg across each person's family, ``core.multiplicity``) on simulated
people, numpy-vectorised, and prints per scenario:

- **per-test FP**: the share of null comparisons whose own test is significant at 5 %
  (target <= 5 %);
- **any finding**: the share of null people who see at least one "association" after
  Benjamini-Hochberg across their whole family (target <= 10 %);
- **coverage**: the share of 95 % intervals that contain the true effect, under the null
  (all comparisons) and with a planted effect (the planted comparison; the same for
  d = 0.5 and 1.0, since the estimate shifts by d and its SE does not change) (target
  >= 93 %);
- **power**: the share of people in whom a planted effect of d = 0.5 or 1.0 (in SDs of
  the night-to-night noise) on one exposure x outcome is shown as an association, after
  Benjamini-Hochberg across the family;
- **before**: the same people analysed the way main did before issue 10 (OLS, the larger
  of the classical and Newey-West SE, each test at 5 %, no family adjustment).

Each simulated person: 4, 6 or 8 weeks of nights; ``--exposures`` (5) independent
exposures, each either **random** (40 % of days, independently) or **clustered** (a
Markov chain: 85 % chance of doing the same as yesterday, so habits come in runs of
about a week, still 40 % of days overall); 7 outcomes whose noise shares half its
variance with the others (outcomes of the same night go together) and is AR(1) in time
with phi 0, 0.3 or 0.6; every outcome improves over time (recovery: -0.03 SD a day),
which the day term absorbs. A comparison with fewer than 5 nights in an arm is left out
of the family, as in the app. Seeded: the same arguments print the same figures::

    .venv/bin/python bench/bench_nof1.py                 # 1,000 people per scenario
    .venv/bin/python bench/bench_nof1.py --people 200    # a quicker smoke run
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from nightbridge.core.multiplicity import FDR, bh_adjusted_batch
from nightbridge.core.nof1_fit import fit_batch, t_quantile, t_two_sided_p

OUTCOMES = 7
SHARED = 0.5  # share of each outcome's noise variance common to all outcomes of a night
TREND = -0.03  # SD per day
RATE = 0.4
STAY = 0.85
MIN_PER_ARM = 5
WEEKS = (4, 6, 8)
PHIS = (0.0, 0.3, 0.6)
EFFECTS = (0.5, 1.0)


def exposures(rng: np.random.Generator, shape: tuple[int, ...], n: int, clustered: bool):
    """Boolean exposure series of the given leading shape and n nights."""
    if not clustered:
        return rng.random((*shape, n)) < RATE
    out = np.empty((*shape, n), dtype=bool)
    out[..., 0] = rng.random(shape) < RATE
    for i in range(1, n):
        stay = rng.random(shape) < STAY
        out[..., i] = np.where(stay, out[..., i - 1], rng.random(shape) < RATE)
    return out


def ar1(rng: np.random.Generator, shape: tuple[int, ...], n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    out = np.empty((*shape, n))
    out[..., 0] = rng.normal(size=shape)
    innovation = math.sqrt(1.0 - phi * phi)
    for i in range(1, n):
        out[..., i] = phi * out[..., i - 1] + innovation * rng.normal(size=shape)
    return out


def before(days: np.ndarray, exposed: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """main before issue 10: OLS effect, max(classical, Newey-West) SE; (effect, p)."""
    n = days.size
    x = np.stack([np.ones_like(y), np.broadcast_to(days, y.shape), exposed.astype(float)], -1)
    xtx = np.einsum("bni,bnj->bij", x, x)
    ok = np.abs(np.linalg.det(xtx)) > 1e-9
    inv = np.linalg.inv(np.where(ok[:, None, None], xtx, np.eye(3)))
    beta = np.einsum("bij,bnj,bn->bi", inv, x, y)
    resid = y - np.einsum("bni,bi->bn", x, beta)
    df = n - 3
    se_ols = np.sqrt(np.einsum("bn,bn->b", resid, resid) / df * inv[:, 2, 2])
    u = x * resid[..., None]
    s = np.einsum("bni,bnj->bij", u, u)
    lags = math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))
    for lag in range(1, lags + 1):
        w = 1.0 - lag / (lags + 1.0)
        gamma = np.einsum("bni,bnj->bij", u[:, lag:], u[:, :-lag])
        s += w * (gamma + np.swapaxes(gamma, 1, 2))
    cov = np.einsum("bij,bjk,bkl->bil", inv, s, inv) * (n / df)
    se = np.maximum(se_ols, np.sqrt(np.maximum(cov[:, 2, 2], 0.0)))
    p = t_two_sided_p(beta[:, 2] / se, df)
    return beta[:, 2], np.where(ok, p, np.nan)


def scenario(
    rng: np.random.Generator, people: int, weeks: int, phi: float, clustered: bool, family: int
) -> dict[str, float]:
    n = 7 * weeks
    days = np.arange(n, dtype=float)
    exposed = exposures(rng, (people, family), n, clustered)
    common = ar1(rng, (people, 1), n, phi)
    own = ar1(rng, (people, OUTCOMES), n, phi)
    noise = math.sqrt(SHARED) * common + math.sqrt(1.0 - SHARED) * own  # (P, O, n), SD 1
    y = TREND * days + noise
    # Every exposure x outcome of every person, flattened to one batch.
    ex = np.repeat(exposed[:, :, None, :], OUTCOMES, axis=2).reshape(-1, n)
    yy = np.repeat(y[:, None, :, :], family, axis=1).reshape(-1, n)
    counts = ex.sum(axis=1)
    enough = (counts >= MIN_PER_ARM) & (n - counts >= MIN_PER_ARM)

    fit = fit_batch(days, ex, yy)
    keep = enough & fit.valid
    p = np.where(keep, t_two_sided_p(fit.effect / fit.se, fit.df), np.nan)
    q = t_quantile(0.975, fit.df)
    covered = np.abs(fit.effect) <= q * fit.se
    per_test = float(np.mean(p[keep] < 0.05))
    coverage_null = float(np.mean(covered[keep]))
    p_people = p.reshape(people, -1)
    adjusted = bh_adjusted_batch(p_people)
    any_finding = float(np.mean(np.nansum(adjusted <= FDR, axis=1) > 0))
    any_unadjusted = float(np.mean(np.nansum(p_people < 0.05, axis=1) > 0))

    _, p_old = before(days, ex, yy)
    p_old = np.where(enough, p_old, np.nan)
    old_test = float(np.nanmean(np.where(np.isnan(p_old), np.nan, p_old < 0.05)))
    old_any = float(np.mean(np.nansum(p_old.reshape(people, -1) < 0.05, axis=1) > 0))

    out = {
        "per_test": per_test,
        "any": any_finding,
        "any_unadjusted": any_unadjusted,
        "coverage": coverage_null,
        "before_test": old_test,
        "before_any": old_any,
    }
    # Power: plant d on exposure 0 x outcome 0 of every person; the rest stay null.
    first = np.arange(people) * family * OUTCOMES
    for d in EFFECTS:
        planted = fit_batch(days, ex[first], yy[first] + d * ex[first])
        ok = keep[first] & planted.valid
        p_planted = t_two_sided_p(planted.effect / planted.se, planted.df)
        with_effect = p_people.copy()
        with_effect[:, 0] = np.where(ok, p_planted, np.nan)
        selected = bh_adjusted_batch(with_effect)[:, 0] <= FDR
        out[f"power_{d}"] = float(np.mean(selected & ok))
        out[f"coverage_{d}"] = float(np.mean(np.abs(planted.effect - d)[ok] <= q * planted.se[ok]))
    return out


@np.errstate(divide="ignore", invalid="ignore")
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="people per scenario")
    parser.add_argument("--exposures", type=int, default=5, help="exposures per person")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    family = args.exposures
    print(
        f"{args.people} simulated people per scenario; {family} exposures x {OUTCOMES} outcomes"
        f" = {family * OUTCOMES} comparisons per person; targets: per-test FP <= 5%,"
        " any finding <= 10%, coverage >= 93%"
    )
    header = (
        f"{'exposure':<9} {'phi':>3} {'wk':>2} | {'per-test FP':>11} {'any finding':>11}"
        f" {'(no BH)':>7} {'coverage':>8} | {'power .5':>8} {'power 1':>7}"
        f" {'coverage':>8} | {'before: FP':>10} {'any':>5}"
    )
    print(header)
    print("-" * len(header))
    wall: list[float] = []
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    worst = {"per_test": 0.0, "any": 0.0, "coverage": 1.0}
    for clustered in (False, True):
        for phi in PHIS:
            for weeks in WEEKS:
                t0 = time.perf_counter()
                r = scenario(rng, args.people, weeks, phi, clustered, family)
                wall.append(time.perf_counter() - t0)
                worst["per_test"] = max(worst["per_test"], r["per_test"])
                worst["any"] = max(worst["any"], r["any"])
                worst["coverage"] = min(worst["coverage"], r["coverage"], r["coverage_0.5"])
                print(
                    f"{'clustered' if clustered else 'random':<9} {phi:>3.1f} {weeks:>2} |"
                    f" {r['per_test']:>11.1%} {r['any']:>11.1%} {r['any_unadjusted']:>7.0%}"
                    f" {r['coverage']:>8.1%} | {r['power_0.5']:>8.0%} {r['power_1.0']:>7.0%}"
                    f" {r['coverage_0.5']:>8.1%} |"
                    f" {r['before_test']:>10.1%} {r['before_any']:>5.0%}",
                    flush=True,
                )
    cpu = time.process_time() - cpu_start
    total = time.perf_counter() - wall_start
    print("-" * len(header))
    print(
        f"worst: per-test FP {worst['per_test']:.1%}, any finding {worst['any']:.1%},"
        f" coverage {worst['coverage']:.1%}"
    )
    se = math.sqrt(0.05 * 0.95 / (args.people * family * OUTCOMES))
    print(
        f"Monte Carlo SE of a 5% per-test rate here: about {se:.1%} (tests within a person"
        f" are correlated, so somewhat more); of a 10% per-person rate:"
        f" {math.sqrt(0.1 * 0.9 / args.people):.1%}"
    )
    print(
        f"time per scenario: median {statistics.median(wall):.2f} s; total {total:.1f} s"
        f" wall, {cpu:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
