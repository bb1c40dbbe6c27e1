"""Benjamini-Hochberg and the widened intervals of what it selects (core.multiplicity)."""

from __future__ import annotations

import numpy as np
import pytest

from nightbridge.core.multiplicity import bh_adjusted, bh_adjusted_batch, selected_level


def test_bh_adjusted_values_match_a_hand_computed_example() -> None:
    # Sorted 0.005, 0.01, 0.03, 0.04 -> x m / rank: 0.02, 0.02, 0.04, 0.04 (already monotone).
    assert bh_adjusted([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # A larger p earlier in the order is pulled down by the running minimum from the end.
    assert bh_adjusted([0.02, 0.03, 0.9]) == pytest.approx([0.045, 0.045, 0.9])
    assert bh_adjusted([]) == []
    assert bh_adjusted([0.6, 0.9]) == pytest.approx([0.9, 0.9])


def test_the_batch_version_agrees_with_the_single_one() -> None:
    p = np.random.default_rng(5).random((20, 9)) ** 3
    batch = bh_adjusted_batch(p)
    for row, adjusted in zip(p, batch, strict=True):
        assert adjusted == pytest.approx(bh_adjusted(list(row)))


def test_selected_intervals_are_widened_to_one_minus_r_q_over_m() -> None:
    assert selected_level(2, 40) == pytest.approx(1 - 2 * 0.05 / 40)
    assert selected_level(0, 40) == pytest.approx(0.95)


def test_the_batch_version_leaves_out_comparisons_without_enough_data() -> None:
    out = bh_adjusted_batch(np.array([[0.01, np.nan, 0.04, 0.03]]))
    assert np.isnan(out[0, 1])
    assert out[0, [0, 2, 3]] == pytest.approx(bh_adjusted([0.01, 0.04, 0.03]))
