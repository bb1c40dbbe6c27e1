"""What helps me: the estimator on simulated people with known, planted effects.

Each simulated person has 42 nights (six weeks) of SOL that improves by 1 min a day
(recovery), while the exposure (caffeine after noon) becomes rarer over the weeks (80%
of days at the start, 15% at the end). That combination fools a plain comparison of
means: caffeine nights are early nights, and early nights are worse anyway. The numbers
asserted here are reported in docs/what-helps-me.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightbridge.core.nof1 import (
    EXPOSURES,
    MIN_NIGHTS_PER_ARM,
    NightObservation,
    compare_nights,
    exposure_label,
    find_what_helps,
    fit_trend,
    is_intake,
    t_cdf,
    t_quantile,
)

SIMULATIONS = 400
START = dt.date(2026, 1, 5)


def simulate_person(
    seed: int, effect: float, *, nights: int = 42, trend: float = -1.0, ar: float = 0.0
) -> list[NightObservation]:
    """SOL = 45 + trend * day + effect * caffeine + noise (SD 8 min, AR(1) coefficient ar)."""
    rng = np.random.default_rng(seed)
    exposed = rng.random(nights) < np.linspace(0.8, 0.15, nights)
    noise = np.zeros(nights)
    previous = 0.0
    for i in range(nights):
        previous = ar * previous + rng.normal(0.0, 8.0)
        noise[i] = previous
    sol = np.clip(45.0 + trend * np.arange(nights) + effect * exposed + noise, 0.0, None)
    return [
        NightObservation(
            START + dt.timedelta(days=i),
            {"sol_min": float(sol[i])},
            {"caffeine_after_noon": bool(exposed[i])},
        )
        for i in range(nights)
    ]


def naive_interval(nights: list[NightObservation]) -> tuple[float, float]:
    """A plain two-sample t interval (pooled SD): what an unadjusted comparison gives."""
    a = [n.outcomes["sol_min"] for n in nights if n.exposures["caffeine_after_noon"]]
    b = [n.outcomes["sol_min"] for n in nights if not n.exposures["caffeine_after_noon"]]
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    df = len(xa) + len(xb) - 2
    pooled = ((len(xa) - 1) * xa.var(ddof=1) + (len(xb) - 1) * xb.var(ddof=1)) / df
    se = math.sqrt(pooled * (1 / len(xa) + 1 / len(xb)))
    diff = float(xa.mean() - xb.mean())
    q = t_quantile(0.975, df)
    return diff - q * se, diff + q * se


# Student's t quantiles from the standard table (e.g. NIST/SEMATECH e-Handbook of
# Statistical Methods, section 1.3.6.7.2, "Critical values of the Student's t distribution").
T_TABLE = [
    (0.975, 1, 12.706),
    (0.975, 2, 4.303),
    (0.975, 5, 2.571),
    (0.975, 10, 2.228),
    (0.975, 30, 2.042),
    (0.975, 100, 1.984),
    (0.95, 10, 1.812),
    (0.995, 20, 2.845),
]


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_matches_the_printed_table(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)


@given(st.floats(0.001, 0.999), st.integers(1, 200))
@settings(max_examples=60, deadline=None)
def test_t_quantile_inverts_the_cdf(p: float, df: int) -> None:
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-7)


def test_it_recovers_a_planted_caffeine_effect_despite_the_recovery_trend() -> None:
    finding = compare_nights(simulate_person(7, 20.0), "caffeine_after_noon", "sol_min")
    assert finding.status == "association"
    assert finding.ci_low is not None and finding.ci_high is not None
    assert finding.ci_low <= 20.0 <= finding.ci_high
    assert finding.ci_low > 0.0


def test_intervals_cover_the_planted_effect_about_95_percent_of_the_time() -> None:
    covered = excluded_zero = 0
    for seed in range(SIMULATIONS):
        f = compare_nights(simulate_person(10_000 + seed, 20.0), "caffeine_after_noon", "sol_min")
        assert f.ci_low is not None and f.ci_high is not None
        covered += f.ci_low <= 20.0 <= f.ci_high
        excluded_zero += f.ci_low > 0.0
    # Measured: coverage 381/400 = 95.25%, zero excluded (power) 400/400.
    assert covered / SIMULATIONS >= 0.93
    assert excluded_zero / SIMULATIONS >= 0.95


def test_a_null_exposure_is_called_an_effect_no_more_often_than_the_interval_allows() -> None:
    adjusted = naive = 0
    for seed in range(SIMULATIONS):
        nights = simulate_person(seed, 0.0)
        adjusted += compare_nights(nights, "caffeine_after_noon", "sol_min").status == "association"
        low, high = naive_interval(nights)
        naive += low > 0.0 or high < 0.0
    # Measured: adjusted 18/400 = 4.5%; unadjusted two-sample t interval 233/400 = 58.3%.
    assert adjusted / SIMULATIONS <= 0.07
    assert naive / SIMULATIONS >= 0.5, "the trend must fool the unadjusted comparison"


def test_the_false_positive_rate_holds_when_consecutive_nights_are_correlated() -> None:
    hits = 0
    for seed in range(SIMULATIONS):
        nights = simulate_person(50_000 + seed, 0.0, ar=0.3)
        hits += compare_nights(nights, "caffeine_after_noon", "sol_min").status == "association"
    # Measured: 10/400 = 2.5% with AR(1) noise, coefficient 0.3.
    assert hits / SIMULATIONS <= 0.07


def test_the_unadjusted_difference_is_biased_by_the_trend_and_the_adjusted_one_is_not() -> None:
    adjusted, unadjusted = [], []
    for seed in range(200):
        f = compare_nights(simulate_person(seed, 0.0), "caffeine_after_noon", "sol_min")
        assert f.effect is not None and f.unadjusted is not None
        adjusted.append(f.effect)
        unadjusted.append(f.unadjusted)
    assert abs(float(np.mean(adjusted))) < 1.0
    assert float(np.mean(unadjusted)) > 8.0  # early caffeine nights are worse nights anyway


def test_it_says_not_enough_data_below_five_nights_in_an_arm() -> None:
    nights = [
        NightObservation(START + dt.timedelta(days=i), {"sol_min": 20.0 + i}, {"melatonin": i < 4})
        for i in range(30)
    ]
    finding = compare_nights(nights, "melatonin", "sol_min")
    assert MIN_NIGHTS_PER_ARM == 5
    assert finding.status == "not_enough_data"
    assert (finding.n_exposed, finding.n_unexposed) == (4, 26)
    assert finding.effect is None
    assert "1 further night(s) after melatonin" in finding.sentence()


def test_nights_with_an_unknown_exposure_or_outcome_are_left_out_of_that_comparison() -> None:
    nights = simulate_person(3, 10.0)
    holes = [
        NightObservation(
            n.date,
            {"sol_min": None} if i % 7 == 0 else n.outcomes,
            {"caffeine_after_noon": None} if i % 5 == 0 else n.exposures,
        )
        for i, n in enumerate(nights)
    ]
    finding = compare_nights(holes, "caffeine_after_noon", "sol_min")
    kept = [i for i in range(42) if i % 7 and i % 5]
    assert finding.n_exposed + finding.n_unexposed == len(kept)


def habit_person(seed: int, effect: float) -> list[NightObservation]:
    """``simulate_person`` with the exposure as a habit (screens) instead of an intake."""
    return [
        NightObservation(
            n.date, n.outcomes, {"screens_last_hour": n.exposures["caffeine_after_noon"]}
        )
        for n in simulate_person(seed, effect)
    ]


def test_the_sentence_never_claims_cause() -> None:
    finding = compare_nights(habit_person(7, 20.0), "screens_last_hour", "sol_min")
    text = finding.sentence()
    assert text.startswith("Nights after screens in the last hour before bed had on average")
    assert "more time to fall asleep" in text
    assert "95% CI" in text
    assert "association in your own data, not proof of cause" in text
    assert "causes" not in text and "because" not in text


#: Words that would make an intake finding read as "more X goes with better Y".
DIRECTIONAL = re.compile(
    r"\b(more|less|better|worse|helps?|helped|improv\w*|higher|lower|increase\w*|take)\b", re.I
)


def test_an_intake_finding_is_worded_neutrally_and_never_as_helping() -> None:
    finding = compare_nights(simulate_person(7, -20.0), "caffeine_after_noon", "sol_min")
    assert finding.intake and finding.status == "association"
    text = finding.sentence()
    assert text.startswith("Time to fall asleep on nights after caffeine after noon, compared")
    assert "a difference of -" in text and "not advice" in text
    assert "never suggests an amount" in text
    assert DIRECTIONAL.findall(text) == []
    assert "caffeine_after_noon" not in text


def test_every_exposure_but_the_named_habits_counts_as_intake() -> None:
    assert {e for e in EXPOSURES if not is_intake(e)} == {"screens_last_hour", "exercise", "nap"}
    assert is_intake("kratom_high") and is_intake("opioid_any") and is_intake("alcohol_3h")
    assert exposure_label("opioid_any") == "opioid any"  # never the raw code


def test_a_null_person_with_a_whole_family_of_comparisons_rarely_sees_a_finding() -> None:
    rng = np.random.default_rng(11)
    hits = 0
    people = 40
    for _ in range(people):
        nights = [
            NightObservation(
                START + dt.timedelta(days=i),
                {o: float(rng.normal(30, 8)) for o in ("sol_min", "waso_min", "tst_min")},
                {e: bool(rng.random() < 0.4) for e in ("nap", "exercise", "melatonin")},
            )
            for i in range(42)
        ]
        findings = find_what_helps(nights, outcomes=["sol_min", "waso_min", "tst_min"])
        assert all(f.family == 9 for f in findings)
        hits += any(f.status == "association" for f in findings)
    assert hits <= 4  # 9 tests each; one by one at 5% about 37% of people would see one


def test_a_planted_effect_survives_the_family_with_a_widened_interval() -> None:
    nights = habit_person(7, 20.0)
    rng = np.random.default_rng(3)
    nights = [
        NightObservation(
            n.date,
            {**n.outcomes, "tst_min": float(rng.normal(400, 30))},
            {**n.exposures, "nap": bool(rng.random() < 0.5)},
        )
        for n in nights
    ]
    findings = find_what_helps(nights, outcomes=["sol_min", "tst_min"])
    top = findings[0]
    assert (top.exposure, top.outcome, top.status) == (
        "screens_last_hour",
        "sol_min",
        "association",
    )
    assert top.family == 4 and top.q_value is not None and top.q_value <= 0.05
    assert top.level == pytest.approx(1 - 1 * 0.05 / 4)
    assert top.ci_low is not None and 0.0 < top.ci_low < 20.0 < top.ci_high  # type: ignore[operator]
    assert "98.8% CI" in top.sentence() and "widened for the 4 comparisons made" in top.sentence()


def test_a_perfectly_linear_night_series_gives_the_exact_effect() -> None:
    days = [float(d) for d in range(12)]
    exposed = [d % 3 == 0 for d in range(12)]
    y = [30.0 - 0.5 * d + (7.0 if e else 0.0) for d, e in zip(days, exposed, strict=True)]
    fit = fit_trend(days, exposed, y)
    assert fit.effect == pytest.approx(7.0)
    assert fit.se == pytest.approx(0.0, abs=1e-9)


def test_find_what_helps_lists_only_logged_exposures_and_puts_associations_first() -> None:
    nights = simulate_person(7, 20.0)
    findings = find_what_helps(nights, outcomes=["sol_min", "tst_min"])
    assert {f.exposure for f in findings} == {"caffeine_after_noon"}
    assert findings[0].status == "association"
    assert findings[-1].outcome == "tst_min" and findings[-1].status == "not_enough_data"


def test_an_outcome_that_never_varies_shows_no_difference() -> None:
    nights = [
        NightObservation(START + dt.timedelta(days=i), {"quality": 3.0}, {"nap": i % 2 == 0})
        for i in range(20)
    ]
    finding = compare_nights(nights, "nap", "quality")
    assert finding.status == "no_clear_difference"
    assert finding.effect == pytest.approx(0.0, abs=1e-9)
