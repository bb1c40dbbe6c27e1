"""PHQ-9: the nine-item depression questionnaire (definitions.md section 3).

Kroenke, Spitzer & Williams, "The PHQ-9: validity of a brief depression severity
measure", J Gen Intern Med 2001;16:606-13. Nine items scored 0..3, total 0..27; bands
0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe. Free to
reproduce (Pfizer).

Alerts (definitions.md section 4):
- item 9 (thoughts of being better off dead or of self-harm) above 0 -> ``crisis``,
  whatever the total: one-year suicide-attempt risk rises from 0.4 % to 4 % across its
  answers (Simon et al., Psychiatr Serv 2013;64:1195-1202);
- total >= 20 -> ``urgent``; total 10-19 -> ``advise``.
"""

from __future__ import annotations

import datetime as dt

from nightbridge.core.alerts import Alert, Resource
from nightbridge.core.instruments.base import Band, Instrument, same_scale
from nightbridge.core.wording import N_

KROENKE_2001 = "Kroenke K, Spitzer RL, Williams JB. J Gen Intern Med 2001;16:606-13"
SIMON_2013 = "Simon GE et al. Psychiatr Serv 2013;64:1195-1202"

ITEM_KEYS = (
    "interest",
    "mood",
    "sleep",
    "energy",
    "appetite",
    "self_worth",
    "concentration",
    "psychomotor",
    "self_harm",
)

#: Level and plain message of each PHQ-9 alert, by code.
CRISIS_MESSAGE = N_(
    "You said you have had thoughts that you would be better off dead or of hurting "
    "yourself. Please contact a crisis line now, or call the emergency number if you "
    "might act on these thoughts. You do not have to wait for things to get worse."
)
SEVERE_MESSAGE = N_(
    "Your answers show severe depression symptoms. Please contact your clinician today."
)
MODERATE_MESSAGE = N_(
    "Your answers show depression symptoms worth raising with your clinician at your next contact."
)


def phq9_alerts(
    instrument: Instrument,
    items: tuple[int, ...],
    total: int,
    on: dt.date,
    resources: tuple[Resource, ...],
) -> list[Alert]:
    """Item 9 > 0 -> crisis; total >= 20 -> urgent; 10..19 -> advise."""
    alerts: list[Alert] = []
    if items[8] > 0:
        alerts.append(
            Alert(
                "crisis",
                "phq9_item9",
                CRISIS_MESSAGE,
                on,
                resources=resources,
                evidence={"phq9_item9": items[8], "phq9_total": total},
                source=SIMON_2013,
            )
        )
    if total >= 20:
        alerts.append(
            Alert(
                "urgent",
                "phq9_severe",
                SEVERE_MESSAGE,
                on,
                resources=resources,
                evidence={"phq9_total": total},
                source=KROENKE_2001,
            )
        )
    elif total >= 10:
        alerts.append(
            Alert(
                "advise",
                "phq9_moderate",
                MODERATE_MESSAGE,
                on,
                resources=resources,
                evidence={"phq9_total": total},
                source=KROENKE_2001,
            )
        )
    return alerts


INSTRUMENT = Instrument(
    name="phq9",
    title="PHQ-9",
    items=same_scale(ITEM_KEYS, 0, 3),
    bands=(
        Band("minimal", 0, 4),
        Band("mild", 5, 9),
        Band("moderate", 10, 14),
        Band("moderately_severe", 15, 19),
        Band("severe", 20, 27),
    ),
    source=KROENKE_2001,
    alert_rule=phq9_alerts,
)
