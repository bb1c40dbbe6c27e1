"""The withdrawal symptom diary: Nightbridge's own daily self-report (NOT validated).

definitions.md section 3. Seventeen symptoms, each 0 none, 1 mild, 2 moderate,
3 severe, 4 extreme; score = sum, 0..68; bands 0-8 minimal, 9-20 mild, 21-36 moderate,
37-68 severe. The symptom list draws on the kratom withdrawal symptoms reported by
Singh, Müller & Vicknasingam, Drug Alcohol Depend 2014;139:132-7, and on the opioid
withdrawal signs of the COWS (Wesson & Ling 2003); the bands are Nightbridge's own and
are shown as such. A score of 9 or more counts as "withdrawal" for the safety rules
(definitions.md section 4); 21 or more (moderate) defers the sleep window (section 2).
"""

from __future__ import annotations

from nightbridge.core.instruments.base import Band, Instrument, same_scale

#: The check-in symptom names of docs/cli.md, in the order the score takes them.
SYMPTOMS: tuple[str, ...] = (
    "aches",
    "runny_nose",
    "sweating",
    "flashes",
    "gooseflesh",
    "yawning",
    "restlessness",
    "restless_legs",
    "anxiety",
    "irritability",
    "low_mood",
    "nausea",
    "vomiting",
    "diarrhoea",
    "headache",
    "insomnia",
    "craving",
)

#: Score at or above which a day counts as "withdrawal" (definitions.md section 4).
WITHDRAWAL_THRESHOLD = 9
#: Score at or above which the day is in the moderate band or worse (section 2 deferral).
MODERATE_THRESHOLD = 21

SOURCE = (
    "Nightbridge's own symptom diary (not validated); symptoms after Singh D, Müller CP, "
    "Vicknasingam BK. Drug Alcohol Depend 2014;139:132-7"
)

INSTRUMENT = Instrument(
    name="withdrawal",
    title="Withdrawal symptom diary (Nightbridge's own, not validated)",
    items=same_scale(SYMPTOMS, 0, 4),
    bands=(
        Band("minimal", 0, 8),
        Band("mild", 9, 20),
        Band("moderate", 21, 36),
        Band("severe", 37, 68),
    ),
    validated=False,
    source=SOURCE,
)
