"""ISI: the Insomnia Severity Index, as the total of the licensed form (definitions.md section 3).

Bastien, Vallières & Morin, "Validation of the Insomnia Severity Index as an outcome
measure for insomnia research", Sleep Med 2001;2:297-307. Seven items 0..4, total
0..28; bands 0-7 none (no clinically significant insomnia), 8-14 subthreshold, 15-21
moderate, 22-28 severe. The ISI is licensed (Mapi Research Trust): Nightbridge ships no
item text and accepts only the total, entered by the person
(their check-in pages) or their clinician.
"""

from __future__ import annotations

from nightbridge.core.instruments.base import Band, Instrument, Item

BASTIEN_2001 = "Bastien CH, Vallières A, Morin CM. Sleep Med 2001;2:297-307"

INSTRUMENT = Instrument(
    name="isi",
    title="Insomnia Severity Index (the total of the licensed form)",
    items=(Item("total", tuple(range(29))),),
    bands=(
        Band("none", 0, 7),
        Band("subthreshold", 8, 14),
        Band("moderate", 15, 21),
        Band("severe", 22, 28),
    ),
    total_only=True,
    source=BASTIEN_2001,
)
