"""Errors in plain words (issue 13 item 6): a refused diary names each question as the
person saw it, and its reason names the other questions in words, never a field name
("nwak: is 0 but waso_min is 30" before)."""

from __future__ import annotations

import re

import time_machine

from tests.web.conftest import Personas

NIGHT = {
    "date": "2026-03-02",
    "bedtime": "23:00",
    "lights_off": "23:10",
    "sol_min": "20",
    "nwak": "0",
    "waso_min": "30",
    "final_wake": "06:40",
    "out_of_bed": "06:50",
    "quality": "3",
}
FIELD_NAMES = re.compile(r"\b(nwak|waso_min|sol_min|lights_off|final_wake|out_of_bed|bedtime)\b")


@time_machine.travel("2026-03-03 12:00Z", tick=False)
def test_a_refused_diary_says_what_is_wrong_in_the_words_of_the_questions(
    personas: Personas,
) -> None:
    a = personas.patient_a
    for changes, expected in (
        (
            {},
            "Times you woke</a>: is 0, but you were awake 30 min in the night: count the "
            "times you woke",
        ),
        (
            {"nwak": "1", "sol_min": "300", "waso_min": "200"},
            "Minutes awake in the night, in total</a>: minutes to fall asleep and awake in the "
            "night add up to 500 min, longer than the 450 min from starting to try to sleep to "
            "waking for the last time",
        ),
        (
            {"nwak": "1", "out_of_bed": "06:30"},
            "Got out of bed</a>: is more than 24 h after getting into bed (31 h 30 min)",
        ),
    ):
        page = a.post_form("/diary", {**NIGHT, **changes})
        assert page.status_code == 422
        box = page.text[page.text.index('class="form-errors"') :]
        box = box[: box.index("</div>")]
        assert expected in box
        shown = re.sub(r"<[^>]+>", "", box)
        assert not FIELD_NAMES.search(shown), shown
