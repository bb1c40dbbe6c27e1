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
        # issue 10 item 9: kratom with any CNS depressant, quetiapine included (FDA 2016)
        (("kratom", "quetiapine"), "opioid_sedating_antipsychotic", "urgent"),
        (("oxycodone", "Seroquel XR"), "opioid_sedating_antipsychotic", "urgent"),
        (("kratom", "olanzapine"), "opioid_sedating_antipsychotic", "urgent"),
        (("kratom", "carisoprodol"), "opioid_muscle_relaxant_barbiturate", "urgent"),
        (("methadone", "baclofen"), "opioid_muscle_relaxant_barbiturate", "urgent"),
        (("kratom", "butalbital"), "opioid_muscle_relaxant_barbiturate", "urgent"),
        # added drowsiness (weak evidence, as the supplements page says)
        (("kratom", "melatonin"), "kratom_melatonin", "caution"),
        (("kratom", "melatonin gummies"), "kratom_melatonin", "caution"),
        (("kratom", "valerian"), "kratom_valerian", "caution"),
        (("kratom extract", "valerian root"), "kratom_valerian", "caution"),
        # Circadin SmPC 4.5
        (("melatonin", "lorazepam"), "melatonin_benzodiazepine", "caution"),
        (("circadin", "temazepam"), "melatonin_benzodiazepine", "caution"),
        (("melatonin", "zolpidem"), "melatonin_z_drug", "caution"),
        (("melatonin", "zopiclone"), "melatonin_z_drug", "caution"),
        (("melatonin", "wine"), "melatonin_alcohol", "caution"),
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
    assert (
        find_interactions(events("coffee", "chamomile tea", "melatonin", "magnesium"), (), RULES)
        == []
    )
    assert find_interactions(events("kratom", "coffee", "magnesium", "l-theanine"), (), RULES) == []


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


def test_every_rule_has_a_severity_a_why_and_a_source_and_weak_evidence_says_so() -> None:
    for rule in RULES:
        assert rule.why.strip() and rule.source.strip()
    weak = {r.id for r in RULES if "Weak evidence" in r.why}
    assert weak == {"kratom_melatonin", "kratom_valerian"}
