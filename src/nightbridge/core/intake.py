"""Intake: what was taken, how much, when (definitions.md section 5).

Nightbridge logs intake; it never suggests an amount. Substance names are mapped to a
class through a vocabulary (``content/substances.json``, passed in by services); a name
the vocabulary does not know is kept as written, with class ``other``, never refused.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import number_problem

#: Substance classes (definitions.md section 5).
CLASSES: tuple[str, ...] = (
    "opioid",
    "kratom",
    "benzodiazepine",
    "gabapentinoid",
    "alcohol",
    "caffeine",
    "nicotine",
    "cannabis",
    "stimulant",
    "sedating_antihistamine",
    "z_drug",
    "melatonin",
    "valerian",
    "magnesium",
    "l_theanine",
    "chamomile",
    "other",
)

#: Units an amount may be given in (definitions.md section 5).
UNITS: tuple[str, ...] = ("g", "mg", "ml", "drinks", "cups", "capsules", "pills")

#: Classes whose last dose starts the withdrawal clock (definitions.md sections 2 and 4).
DOSE_CLASSES: frozenset[str] = frozenset({"kratom", "opioid"})

_UNIT_ALIASES = {
    "gram": "g",
    "grams": "g",
    "milligram": "mg",
    "milligrams": "mg",
    "millilitre": "ml",
    "milliliter": "ml",
    "drink": "drinks",
    "cup": "cups",
    "capsule": "capsules",
    "caps": "capsules",
    "pill": "pills",
    "tablet": "pills",
    "tablets": "pills",
}


def normalise_name(name: str) -> str:
    """Lower case, single spaces, ``-``/``_`` as spaces, accents dropped:
    ``Diphen-hydramine`` -> ``diphen hydramine``, ``Heroína`` -> ``heroina`` (a person on
    a phone may type a Spanish name with or without its accents)."""
    folded = unicodedata.normalize("NFKD", name.replace("_", " ").replace("-", " ").lower())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Common substance names and the class each belongs to."""

    names: Mapping[str, str]

    @classmethod
    def from_content(cls, data: Mapping[str, object]) -> Vocabulary:
        """From ``content/substances.json``: ``{"classes": {class: [names...]}}``."""
        names: dict[str, str] = {}
        raw = data.get("classes", {})
        if not isinstance(raw, Mapping):
            raise InvalidInput.one("classes", "must map each class to its names")
        for klass, members in raw.items():
            if klass not in CLASSES:
                raise InvalidInput.one("classes", f"unknown substance class {klass!r}")
            names[normalise_name(str(klass))] = str(klass)
            for member in members:
                names[normalise_name(str(member))] = str(klass)
        return cls(names)

    def classify(self, name: str) -> str:
        """The class of ``name``; ``other`` when the vocabulary does not know it."""
        key = normalise_name(name)
        if key in self.names:
            return self.names[key]
        if key.replace(" ", "_") in CLASSES:
            return key.replace(" ", "_")
        return "other"


@dataclass(frozen=True, slots=True)
class IntakeEvent:
    """One logged intake. ``at`` is an aware instant; ``amount`` is in ``unit``."""

    substance: str
    substance_class: str
    amount: float
    unit: str
    at: dt.datetime
    product: str | None = None
    strain: str | None = None
    batch: str | None = None
    lab_tested: bool | None = None
    note: str | None = None

    def local_date(self, tz: str) -> dt.date:
        """The calendar date of the intake in the person's zone."""
        return self.at.astimezone(ZoneInfo(tz)).date()

    def to_dict(self) -> dict[str, object]:
        return {
            "substance": self.substance,
            "class": self.substance_class,
            "amount": self.amount,
            "unit": self.unit,
            "at": self.at.isoformat(),
            "product": self.product,
            "strain": self.strain,
            "batch": self.batch,
            "lab_tested": self.lab_tested,
            "note": self.note,
        }


def parse_unit(unit: str) -> str:
    """A unit of ``UNITS`` (a few spellings accepted); InvalidInput field ``unit``."""
    key = unit.strip().lower()
    key = _UNIT_ALIASES.get(key, key)
    if key not in UNITS:
        raise InvalidInput.one("unit", f"{unit!r} is not a unit (use one of {', '.join(UNITS)})")
    return key


def parse_amount(amount: object) -> float:
    """A finite amount greater than 0; InvalidInput field ``amount``."""
    if isinstance(amount, bool):
        raise InvalidInput.one("amount", "must be a number")
    try:
        value = float(str(amount).strip()) if isinstance(amount, str) else float(amount)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput.one("amount", f"{amount!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput.one("amount", "must be a number greater than 0")
    too_large = number_problem(value)
    if too_large:
        raise InvalidInput.one("amount", too_large)
    return value


def make_intake_event(
    substance: str,
    amount: object,
    unit: str,
    at: dt.datetime,
    vocabulary: Vocabulary,
    *,
    product: str | None = None,
    strain: str | None = None,
    batch: str | None = None,
    lab_tested: bool | None = None,
    note: str | None = None,
) -> IntakeEvent:
    """Check and build an intake event; every bad field is reported at once."""
    problems: list[Problem] = []
    name = " ".join(substance.split())
    if not name:
        problems.append(Problem("substance", "is empty"))
    elif len(name) > 120:
        problems.append(Problem("substance", "is longer than 120 characters"))
    value = 0.0
    clean_unit = ""
    for check in ("amount", "unit"):
        try:
            if check == "amount":
                value = parse_amount(amount)
            else:
                clean_unit = parse_unit(unit)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if at.tzinfo is None or at.utcoffset() is None:
        problems.append(Problem("at", "needs a time zone (an instant, not a wall-clock time)"))
    for field_name, text in (("product", product), ("strain", strain), ("batch", batch)):
        if text is not None and len(text) > 200:
            problems.append(Problem(field_name, "is longer than 200 characters"))
    if problems:
        raise InvalidInput(problems)
    return IntakeEvent(
        substance=name,
        substance_class=vocabulary.classify(name),
        amount=value,
        unit=clean_unit,
        at=at,
        product=product or None,
        strain=strain or None,
        batch=batch or None,
        lab_tested=lab_tested,
        note=note or None,
    )


def last_dose_date(
    events: Iterable[IntakeEvent], tz: str, *, on_or_before: dt.date
) -> dt.date | None:
    """The local date of the latest kratom or opioid intake on or before a date."""
    dates = [
        e.local_date(tz)
        for e in events
        if e.substance_class in DOSE_CLASSES and e.local_date(tz) <= on_or_before
    ]
    return max(dates) if dates else None
