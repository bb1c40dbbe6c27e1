"""GAD-7: the seven-item anxiety questionnaire (definitions.md section 3).

Spitzer, Kroenke, Williams & Löwe, "A brief measure for assessing generalized anxiety
disorder: the GAD-7", Arch Intern Med 2006;166:1092-7. Seven items scored 0..3, total
0..21; bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe. Free to reproduce
(Pfizer). A total of 10 or more (the cut-point of Spitzer et al. 2006) raises an
``advise`` alert (definitions.md section 4).
"""

from __future__ import annotations

import datetime as dt

from nightbridge.core.alerts import Alert, Resource
from nightbridge.core.instruments.base import Band, Instrument, same_scale
from nightbridge.core.wording import N_

SPITZER_2006 = "Spitzer RL, Kroenke K, Williams JB, Löwe B. Arch Intern Med 2006;166:1092-7"

ITEM_KEYS = (
    "nervous",
    "cannot_stop_worrying",
    "worrying_too_much",
    "trouble_relaxing",
    "restless",
    "irritable",
    "afraid",
)

MODERATE_MESSAGE = N_(
    "Your answers show anxiety symptoms worth raising with your clinician at your next contact."
)


def gad7_alerts(
    instrument: Instrument,
    items: tuple[int, ...],
    total: int,
    on: dt.date,
    resources: tuple[Resource, ...],
) -> list[Alert]:
    """Total >= 10 -> advise."""
    if total < 10:
        return []
    return [
        Alert(
            "advise",
            "gad7_moderate",
            MODERATE_MESSAGE,
            on,
            resources=resources,
            evidence={"gad7_total": total},
            source=SPITZER_2006,
        )
    ]


INSTRUMENT = Instrument(
    name="gad7",
    title="GAD-7",
    items=same_scale(ITEM_KEYS, 0, 3),
    bands=(
        Band("minimal", 0, 4),
        Band("mild", 5, 9),
        Band("moderate", 10, 14),
        Band("severe", 15, 21),
    ),
    source=SPITZER_2006,
    alert_rule=gad7_alerts,
)
