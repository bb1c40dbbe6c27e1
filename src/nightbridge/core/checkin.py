"""The daily check-in: symptoms, red flags, function, self-harm question, questionnaires.

Symptom names are those of the withdrawal symptom diary (definitions.md section 3,
docs/cli.md); red-flag names are docs/cli.md's and map to the alert table of
definitions.md section 4. The question about thoughts of ending one's life is asked in
Nightbridge's own words because PHQ-9 item 9 alone misses many people at risk
(Simon GE et al., Psychiatr Serv 2013;64:1195-1202).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.instruments import get_instrument
from nightbridge.core.instruments.withdrawal import SYMPTOMS

#: Red flags that mean "call the emergency number now" (definitions.md section 4).
EMERGENCY_FLAGS: tuple[str, ...] = (
    "chest_pain",
    "breathing",
    "seizure",
    "fainting",
    "confusion",
    "blue_lips",
)
#: Red flags that mean "contact a clinician today".
URGENT_FLAGS: tuple[str, ...] = ("vomiting_24h", "no_fluids", "jaundice", "dark_urine")
RED_FLAGS: tuple[str, ...] = EMERGENCY_FLAGS + URGENT_FLAGS


@dataclass(frozen=True, slots=True)
class CheckinDay:
    """One day's check-in. Symptoms not rated are absent (not 0)."""

    date: dt.date
    symptoms: Mapping[str, int] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    function: int | None = None
    self_harm_thoughts: bool | None = None
    phq9: tuple[int, ...] | None = None
    gad7: tuple[int, ...] | None = None

    @property
    def withdrawal_score(self) -> int | None:
        """Sum of the rated symptoms (0..68), or None when no symptom was rated.

        Symptoms left out count as not rated, so the score is a floor of the full sum.
        """
        if not self.symptoms:
            return None
        return sum(self.symptoms.values())

    @property
    def withdrawal_band(self) -> str | None:
        score = self.withdrawal_score
        return None if score is None else get_instrument("withdrawal").band_for(score)

    def to_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "symptoms": dict(self.symptoms),
            "flags": sorted(self.flags),
            "function": self.function,
            "self_harm_thoughts": self.self_harm_thoughts,
            "phq9": list(self.phq9) if self.phq9 is not None else None,
            "gad7": list(self.gad7) if self.gad7 is not None else None,
            "withdrawal_score": self.withdrawal_score,
            "withdrawal_band": self.withdrawal_band,
        }


def make_checkin(
    day: dt.date,
    *,
    symptoms: Mapping[str, int] | None = None,
    flags: Iterable[str] = (),
    function: int | None = None,
    self_harm_thoughts: bool | None = None,
    phq9: Sequence[int] | None = None,
    gad7: Sequence[int] | None = None,
) -> CheckinDay:
    """Check every part of a check-in; every problem is reported at once."""
    problems: list[Problem] = []
    clean: dict[str, int] = {}
    for name, value in (symptoms or {}).items():
        key = name.strip().lower()
        if key not in SYMPTOMS:
            problems.append(Problem("symptom", f"unknown symptom {name!r}"))
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            problems.append(Problem(f"symptom {key}", f"{value!r} is not 0..4"))
        else:
            clean[key] = value
    clean_flags: set[str] = set()
    for flag in flags:
        key = flag.strip().lower()
        if key not in RED_FLAGS:
            problems.append(Problem("flag", f"unknown red flag {flag!r}"))
        else:
            clean_flags.add(key)
    if function is not None and (
        isinstance(function, bool) or not isinstance(function, int) or not 1 <= function <= 5
    ):
        problems.append(Problem("function", f"{function!r} is not 1..5"))
    for name, answers in (("phq9", phq9), ("gad7", gad7)):
        if answers is not None:
            try:
                get_instrument(name).score(answers, on=day)
            except InvalidInput as exc:
                problems.extend(Problem(f"{name} {p.field}", p.reason) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return CheckinDay(
        date=day,
        symptoms=dict(sorted(clean.items(), key=lambda kv: SYMPTOMS.index(kv[0]))),
        flags=frozenset(clean_flags),
        function=function,
        self_harm_thoughts=self_harm_thoughts,
        phq9=tuple(phq9) if phq9 is not None else None,
        gad7=tuple(gad7) if gad7 is not None else None,
    )


def merge_checkins(old: CheckinDay, new: CheckinDay) -> CheckinDay:
    """A second check-in on the same day adds to the first: symptoms and answers given
    again replace the earlier ones; red flags and a yes to thoughts of ending one's life
    are kept (they are never unsaid)."""
    return CheckinDay(
        date=new.date,
        symptoms={**old.symptoms, **new.symptoms},
        flags=old.flags | new.flags,
        function=new.function if new.function is not None else old.function,
        self_harm_thoughts=(
            True
            if True in (old.self_harm_thoughts, new.self_harm_thoughts)
            else new.self_harm_thoughts
            if new.self_harm_thoughts is not None
            else old.self_harm_thoughts
        ),
        phq9=new.phq9 if new.phq9 is not None else old.phq9,
        gad7=new.gad7 if new.gad7 is not None else old.gad7,
    )
