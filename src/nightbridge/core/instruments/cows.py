"""COWS: the Clinical Opiate Withdrawal Scale, rated by a clinician (definitions.md section 3).

Wesson & Ling, "The Clinical Opiate Withdrawal Scale (COWS)", J Psychoactive Drugs
2003;35:253-9. Eleven items, each with its own allowed scores; total 0..48; bands
<5 none, 5-12 mild, 13-24 moderate, 25-36 moderately severe, >36 severe. Nightbridge
ships the item names, the allowed scores and one short anchor per published level, made
only of that level's words (content/instruments/cows.json, pinned to the published form
by tests/core/test_instrument_texts.py).
"""

from __future__ import annotations

from nightbridge.core.instruments.base import Band, Instrument, Item

WESSON_LING_2003 = "Wesson DR, Ling W. J Psychoactive Drugs 2003;35:253-9"

ITEMS = (
    Item("resting_pulse", (0, 1, 2, 4)),
    Item("sweating", (0, 1, 2, 3, 4)),
    Item("restlessness", (0, 1, 3, 5)),
    Item("pupil_size", (0, 1, 2, 5)),
    Item("bone_joint_aches", (0, 1, 2, 4)),
    Item("runny_nose_tearing", (0, 1, 2, 4)),
    Item("gi_upset", (0, 1, 2, 3, 5)),
    Item("tremor", (0, 1, 2, 4)),
    Item("yawning", (0, 1, 2, 4)),
    Item("anxiety_irritability", (0, 1, 2, 4)),
    Item("gooseflesh", (0, 3, 5)),
)

INSTRUMENT = Instrument(
    name="cows",
    title="Clinical Opiate Withdrawal Scale (clinician-rated)",
    items=ITEMS,
    bands=(
        Band("none", 0, 4),
        Band("mild", 5, 12),
        Band("moderate", 13, 24),
        Band("moderately_severe", 25, 36),
        Band("severe", 37, 48),
    ),
    source=WESSON_LING_2003,
)
