"""Which kind of insomnia a span of diary nights shows: falling asleep, staying asleep,
waking too early, any combination, or none.

Thresholds (minutes, per night) and frequency:

* ``onset`` trouble falling asleep: ``sol_min`` > 30;
* ``maintenance`` trouble staying asleep: ``waso_min`` > 30.
  Both from the quantitative research criteria for insomnia, "SOL or WASO of 31 minutes
  or more, on 3 or more nights a week" (Lichstein, Durrence, Taylor, Bush & Riedel,
  "Quantitative criteria for insomnia", Behav Res Ther 2003;41:427-45).
* ``early_waking`` waking too early: ``terminal_wake_min`` (final awakening to out of
  bed) > 30. Early-morning awakening is one of the three insomnia complaints of DSM-5
  (American Psychiatric Association 2013) and ICSD-3 (AASM 2014), but neither gives a
  number; using the same 30-minute threshold for it is Nightbridge's own choice, by
  analogy with Lichstein et al. 2003, and weaker evidence than the other two. Lying in bed
  awake after the final awakening by choice also counts, so this label is a prompt to ask,
  not a finding.

A kind is present when its threshold is passed on at least 3 nights in 7, i.e. on at
least 3/7 of the valid nights of the span. Fewer than 7 valid nights: ``insufficient``
(no label is claimed from less than a week). These are diary patterns, not a diagnosis:
an insomnia diagnosis also needs daytime impairment and a duration of 3 months or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nightbridge.core.metrics import NightMetrics

#: Minutes above which a night counts, per kind.
THRESHOLD_MIN = 30
#: Nights per 7 on which a kind must appear.
NIGHTS_PER_WEEK = 3
#: Fewest valid nights for a label.
MIN_NIGHTS = 7

KINDS: tuple[str, ...] = ("onset", "maintenance", "early_waking")
#: Each kind in words, as a person reads it (never the code).
KIND_WORDS: dict[str, str] = {
    "onset": "trouble falling asleep",
    "maintenance": "trouble staying asleep",
    "early_waking": "waking too early",
}
_METRIC = {"onset": "sol_min", "maintenance": "waso_min", "early_waking": "terminal_wake_min"}


@dataclass(frozen=True, slots=True)
class InsomniaPattern:
    """The kinds present over ``nights`` valid nights, and on how many nights each passed.

    ``label``: the kinds joined with ``+`` (``onset+maintenance``), ``none``, or
    ``insufficient`` with fewer than ``MIN_NIGHTS`` nights.
    """

    kinds: tuple[str, ...]
    nights: int
    counts: dict[str, int]

    @property
    def label(self) -> str:
        if self.nights < MIN_NIGHTS:
            return "insufficient"
        return "+".join(self.kinds) if self.kinds else "none"

    @property
    def words(self) -> str:
        """The kinds in words ("trouble falling asleep and waking too early"), or ""."""
        words = [KIND_WORDS[k] for k in self.kinds]
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + " and " + words[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "words": self.words,
            "kinds": list(self.kinds),
            "nights": self.nights,
            "counts": dict(self.counts),
        }


def classify_pattern(nights: Sequence[NightMetrics]) -> InsomniaPattern:
    """The insomnia pattern of a span of valid diary nights (module docstring)."""
    counts = {
        kind: sum(1 for n in nights if getattr(n, _METRIC[kind]) > THRESHOLD_MIN) for kind in KINDS
    }
    total = len(nights)
    kinds: tuple[str, ...] = ()
    if total >= MIN_NIGHTS:
        kinds = tuple(k for k in KINDS if counts[k] * 7 >= NIGHTS_PER_WEEK * total)
    return InsomniaPattern(kinds=kinds, nights=total, counts=counts)
