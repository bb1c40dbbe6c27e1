"""Intake events and the substance vocabulary (docs/definitions.md section 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import CLASSES, Vocabulary, last_dose_date, make_intake_event

VOCAB = Vocabulary.from_content(load_json("substances.json"))
AT = dt.datetime(2026, 3, 1, 21, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.mark.parametrize(
    ("name", "klass"),
    [
        ("oxycodone", "opioid"),
        ("Methadone", "opioid"),
        ("buprenorphine", "opioid"),
        ("kratom", "kratom"),
        ("alprazolam", "benzodiazepine"),
        ("diazepam", "benzodiazepine"),
        ("gabapentin", "gabapentinoid"),
        ("pregabalin", "gabapentinoid"),
        ("zolpidem", "z_drug"),
        ("diphenhydramine", "sedating_antihistamine"),
        ("Beer", "alcohol"),
        ("wine", "alcohol"),
        ("coffee", "caffeine"),
        ("melatonin", "melatonin"),
        ("L-Theanine", "l_theanine"),
        ("chamomile tea", "chamomile"),
        # Spanish names, with or without accents (issue 16): a combination warning must
        # not depend on the language the person types in
        ("cerveza", "alcohol"),
        ("Tequila", "alcohol"),
        ("heroína", "opioid"),
        ("heroina", "opioid"),
        ("Fentanilo", "opioid"),
        ("té de kratom", "kratom"),
        ("te de kratom", "kratom"),
        ("clonazepam", "benzodiazepine"),
        ("Rivotril", "benzodiazepine"),
        ("gabapentina", "gabapentinoid"),
        ("café", "caffeine"),
        ("difenhidramina", "sedating_antihistamine"),
        ("zopiclona", "z_drug"),
    ],
)
def test_common_names_map_to_their_class(name: str, klass: str) -> None:
    assert VOCAB.classify(name) == klass


def test_every_class_of_the_definitions_is_in_the_vocabulary_file() -> None:
    assert set(load_json("substances.json")["classes"]) == set(CLASSES) - {"other"}


def test_an_unknown_name_is_kept_with_class_other() -> None:
    event = make_intake_event("Blue Lotus Tea", 1, "cups", AT, VOCAB)
    assert (event.substance, event.substance_class) == ("Blue Lotus Tea", "other")


@pytest.mark.parametrize(
    ("amount", "unit", "fields"),
    [
        (0, "g", ["amount"]),
        (-2, "g", ["amount"]),
        ("lots", "g", ["amount"]),
        (float("nan"), "g", ["amount"]),
        (4, "handfuls", ["unit"]),
        (-1, "spoons", ["amount", "unit"]),
    ],
)
def test_it_refuses_a_bad_amount_or_unit(amount: object, unit: str, fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_intake_event("kratom", amount, unit, AT, VOCAB)
    assert [p.field for p in caught.value.problems] == fields


def test_it_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_intake_event("kratom", 4, "g", dt.datetime(2026, 3, 1, 21, 0), VOCAB)
    assert caught.value.problems[0].field == "at"


def test_units_accept_common_spellings() -> None:
    assert make_intake_event("beer", 2, "Drink", AT, VOCAB).unit == "drinks"
    assert make_intake_event("gabapentin", 300, "MG", AT, VOCAB).unit == "mg"


def test_the_local_date_is_the_persons_date_not_utc() -> None:
    late = make_intake_event("kratom", 2, "g", AT.replace(hour=23, minute=30), VOCAB)
    assert late.at.astimezone(dt.UTC).date() == dt.date(2026, 3, 2)
    assert late.local_date("America/Chicago") == dt.date(2026, 3, 1)


def test_the_last_dose_is_the_latest_kratom_or_opioid() -> None:
    events = [
        make_intake_event("kratom", 2, "g", AT, VOCAB),
        make_intake_event("methadone", 30, "mg", AT + dt.timedelta(days=2), VOCAB),
        make_intake_event("beer", 1, "drinks", AT + dt.timedelta(days=5), VOCAB),
    ]
    assert last_dose_date(events, "America/Chicago", on_or_before=dt.date(2026, 3, 9)) == dt.date(
        2026, 3, 3
    )
    assert last_dose_date(events, "America/Chicago", on_or_before=dt.date(2026, 3, 2)) == dt.date(
        2026, 3, 1
    )
