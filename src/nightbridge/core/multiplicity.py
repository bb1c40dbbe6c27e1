"""Many comparisons at once: Benjamini-Hochberg and the intervals of what it selects.

"What helps me" compares up to 9 exposures x 7 outcomes for one person. Tested one by
one at 5 %, a person with no real effect at all would almost always see some
"association" by chance. Across the whole family shown together:

- **Benjamini-Hochberg** (Benjamini & Hochberg, J R Stat Soc B 1995;57:289-300) at
  ``FDR`` = 5 %: the expected share of false findings among the findings shown is at most
  5 %; when nothing is real (the complete null) this is also the chance of showing any
  finding at all. Valid for independent or positively dependent tests (Benjamini &
  Yekutieli, Ann Stat 2001;29:1165-88), as outcomes of the same nights are.
- **The intervals of the selected findings** are widened to level 1 - R q / m (R
  selected of m; Benjamini & Yekutieli, J Am Stat Assoc 2005;100:71-81, "false coverage
  rate"), so that picking the strongest findings does not also pick intervals that are
  too narrow. Such an interval excludes 0 exactly when Benjamini-Hochberg selects it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The false discovery rate controlled across the family of comparisons.
FDR = 0.05


def bh_adjusted(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    ``q_(i) = min over j >= i of p_(j) m / j`` (sorted ascending), capped at 1; a
    comparison is selected at rate ``q`` when its adjusted value is at most ``q``.
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    return [float(v) for v in out]


def bh_adjusted_batch(p_values: np.ndarray) -> np.ndarray:
    """``bh_adjusted`` for each row of a (people, comparisons) array (the benchmark).

    A NaN is a comparison left out of that person's family (not enough data): it stays
    NaN and does not count in m.
    """
    p = np.asarray(p_values, dtype=float)
    missing = np.isnan(p)
    m = (~missing).sum(axis=1, keepdims=True)
    filled = np.where(missing, np.inf, p)
    order = np.argsort(filled, axis=1, kind="stable")
    ranks = np.arange(1, p.shape[1] + 1)[None, :]
    with np.errstate(invalid="ignore"):  # inf * 0 in a row with no comparison at all
        ranked = np.take_along_axis(filled, order, axis=1) * m / ranks
    ranked = np.minimum.accumulate(ranked[:, ::-1], axis=1)[:, ::-1]
    out = np.empty_like(p)
    np.put_along_axis(out, order, np.minimum(ranked, 1.0), axis=1)
    return np.where(missing, np.nan, out)


def selected_level(selected: int, family: int, fdr: float = FDR) -> float:
    """The coverage level of each selected finding's interval: 1 - R q / m."""
    if family <= 0 or selected <= 0:
        return 1.0 - fdr
    return 1.0 - selected * fdr / family
