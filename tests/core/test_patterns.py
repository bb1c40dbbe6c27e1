"""Insomnia pattern labels (thresholds: Lichstein et al., Behav Res Ther 2003;41:427-45)."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.core.metrics import NightMetrics
from nightbridge.core.patterns import classify_pattern


def week(
    sol: list[int], waso: list[int] | None = None, terminal: list[int] | None = None
) -> list[NightMetrics]:
    waso = waso or [10] * len(sol)
    terminal = terminal or [10] * len(sol)
    out = []
    for i, (s, w, t) in enumerate(zip(sol, waso, terminal, strict=True)):
        tst = 400
        tib = tst + s + w + t
        out.append(
            NightMetrics(
                dt.date(2026, 3, 1) + dt.timedelta(days=i),
                tib,
                tst,
                s,
                w,
                1 if w else 0,
                t,
                tib - tst,
                round(100 * tst / tib, 1),
                3,
            )
        )
    return out


# (sol per night, waso per night, terminal wake per night, label). A kind counts on a night
# when its minutes are > 30; it is present on >= 3 nights in 7.
CASES = [
    ([10] * 7, None, None, "none"),
    ([45, 50, 35, 10, 10, 10, 10], None, None, "onset"),
    ([45, 50, 10, 10, 10, 10, 10], None, None, "none"),  # 2 of 7: not enough
    ([30, 30, 30, 30, 30, 30, 30], None, None, "none"),  # exactly 30 is not > 30
    ([31, 31, 31, 10, 10, 10, 10], None, None, "onset"),  # Lichstein: 31 min or more
    ([10] * 7, [60, 40, 45, 0, 0, 0, 0], None, "maintenance"),
    ([10] * 7, None, [90, 60, 45, 0, 0, 0, 0], "early_waking"),
    ([40] * 7, [40] * 7, None, "onset+maintenance"),
    ([40] * 7, [40] * 7, [40] * 7, "onset+maintenance+early_waking"),
    ([40] * 6, None, None, "insufficient"),
    ([40, 40, 40, 40, 40, 40] + [10] * 8, None, None, "onset"),  # 6 of 14 = 3 per 7
    ([40, 40, 40, 40, 40] + [10] * 9, None, None, "none"),  # 5 of 14 < 3 per 7
]


@pytest.mark.parametrize(("sol", "waso", "terminal", "label"), CASES)
def test_it_labels_the_pattern_of_a_span(
    sol: list[int], waso: list[int] | None, terminal: list[int] | None, label: str
) -> None:
    assert classify_pattern(week(sol, waso, terminal)).label == label


def test_it_reports_how_many_nights_passed_each_threshold() -> None:
    pattern = classify_pattern(week([45, 50, 35, 10, 10, 10, 10], [40, 0, 0, 0, 0, 0, 0]))
    assert pattern.to_dict() == {
        "label": "onset",
        "words": "trouble falling asleep",
        "kinds": ["onset"],
        "nights": 7,
        "counts": {"onset": 3, "maintenance": 1, "early_waking": 0},
    }


def test_the_pattern_reads_in_words_never_as_codes() -> None:
    pattern = classify_pattern(
        week([45, 50, 35, 40, 10, 10, 10], [0] * 7, [40, 45, 50, 0, 0, 0, 0])
    )
    assert pattern.kinds == ("onset", "early_waking")
    assert pattern.words == "trouble falling asleep and waking too early"
    assert pattern.to_dict()["words"] == pattern.words
    assert classify_pattern(week([10] * 7, [0] * 7)).words == ""
