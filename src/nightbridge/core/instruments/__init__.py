"""Questionnaires, looked up by name (definitions.md section 3).

Adding an instrument is one module here (an ``INSTRUMENT`` value) and one data file,
``content/instruments/<name>.json``, with our own short wording, the allowed scores,
the bands, the licence note and the source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from nightbridge.core.alerts import Resource
from nightbridge.core.errors import InvalidInput
from nightbridge.core.instruments import cows, gad7, isi, phq9, withdrawal
from nightbridge.core.instruments.base import Band, Instrument, Item, Score

#: Every instrument, by the name the CLI and the web app use.
INSTRUMENTS: dict[str, Instrument] = {
    module.INSTRUMENT.name: module.INSTRUMENT for module in (phq9, gad7, cows, withdrawal, isi)
}


def get_instrument(name: str) -> Instrument:
    """The instrument called ``name``; InvalidInput (field ``instrument``) if none is."""
    try:
        return INSTRUMENTS[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(INSTRUMENTS))
        raise InvalidInput.one(
            "instrument", f"unknown instrument {name!r} (known: {known})"
        ) from None


def score(
    name: str,
    answers: Sequence[int],
    *,
    on: dt.date | None = None,
    resources: Sequence[Resource] = (),
) -> Score:
    """Score ``answers`` on the instrument ``name``; alerts carry ``resources``.

    Raises InvalidInput on an unknown instrument, a wrong item count (field ``answers``)
    or a value an item does not allow (field ``item N``).
    """
    return get_instrument(name).score(answers, on=on, resources=resources)


__all__ = ["INSTRUMENTS", "Band", "Instrument", "Item", "Score", "get_instrument", "score"]
