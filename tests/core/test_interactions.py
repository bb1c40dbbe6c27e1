"""Interaction rules of content/interactions.json (docs/definitions.md section 5).

Sources: FDA Drug Safety Communications 2016 and 2019; Tanna et al., Clin Pharmacol
Ther 2023;113:1315-25; Circadin SmPC; LiverTox.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.content import load_json
from nightbridge.core.errors import InvalidInput
from nightbridge.core.intake import Vocabulary, make_intake_event
from nightbridge.core.interactions import find_interactions, parse_rules

RULES = parse_rules(load_json("interactions.json"))
VOCAB = Vocabulary.from_content(load_json("substances.json"))
AT = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)


def events(*names: str):  # type: ignore[no-untyped-def]
    return [make_intake_event(n, 1, "pills", AT, VOCAB) for n in names]


@pytest.mark.parametrize(
    ("names", "rule", "severity"),
    [
        (("kratom", "alprazolam"), "opioid_benzodiazepine", "urgent"),
        (("oxycodone", "diazepam"), "opioid_benzodiazepine", "urgent"),
        (("kratom", "beer"), "opioid_alcohol", "urgent"),
        (("methadone", "wine"), "opioid_alcohol", "urgent"),
        (("kratom", "gabapentin"), "opioid_gabapentinoid", "urgent"),
        (("buprenorphine", "pregabalin"), "opioid_gabapentinoid", "urgent"),
        (("kratom", "oxycodone"), "opioid_opioid", "urgent"),
        (("methadone", "fentanyl"), "opioid_opioid", "urgent"),
        (("kratom", "zolpidem"), "opioid_z_drug", "urgent"),
        (("kratom", "diphenhydramine"), "opioid_sedating_antihistamine", "urgent"),
        (("kratom", "midazolam"), "kratom_cyp3a_substrate", "caution"),
        (("kratom", "quetiapine"), "kratom_cyp3a_substrate", "caution"),
        (("melatonin", "fluvoxamine"), "melatonin_fluvoxamine", "advise"),
    ],
)
def test_each_required_combination_is_found(
    names: tuple[str, ...], rule: str, severity: str
) -> None:
    found = {i.rule_id: i for i in find_interactions(events(*names), (), RULES)}
    assert rule in found
    assert found[rule].severity == severity
    assert found[rule].source


@pytest.mark.parametrize(
    ("name", "rule", "severity"),
    [
        ("melatonin", "melatonin_liver_disease", "advise"),
        ("kratom", "kratom_liver_disease", "caution"),
    ],
)
def test_liver_disease_meets_melatonin_and_kratom(name: str, rule: str, severity: str) -> None:
    with_liver = find_interactions(events(name), {"liver_disease"}, RULES)
    assert [(i.rule_id, i.severity) for i in with_liver] == [(rule, severity)]
    assert find_interactions(events(name), set(), RULES) == []


def test_two_logs_of_one_substance_are_not_a_combination() -> None:
    assert find_interactions(events("kratom", "kratom", "methadone"), (), RULES) != []
    assert find_interactions(events("kratom", "kratom"), (), RULES) == []
    assert find_interactions(events("methadone", "Methadone"), (), RULES) == []


def test_things_that_do_not_interact_find_nothing() -> None:
    assert find_interactions(events("coffee", "beer", "melatonin", "magnesium"), (), RULES) == []


def test_it_refuses_a_rule_without_a_source() -> None:
    with pytest.raises(InvalidInput):
        parse_rules(
            {
                "rules": [
                    {
                        "id": "x",
                        "severity": "urgent",
                        "first": ["kratom"],
                        "second": ["alcohol"],
                        "why": "because",
                    }
                ]
            }
        )


def test_it_refuses_a_rule_with_an_unknown_class() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rules(
            {
                "rules": [
                    {
                        "id": "x",
                        "severity": "urgent",
                        "first": ["kratom"],
                        "second": ["booze"],
                        "why": "w",
                        "source": "s",
                    }
                ]
            }
        )
    assert "booze" in caught.value.problems[0].reason
