"""The instruments as published: content/instruments/*.json against the reference table
tests/data/instrument_texts.json.

The table holds the published text with its source (PHQ-9: Kroenke, Spitzer & Williams
2001 and the Pfizer form; GAD-7: Spitzer et al. 2006 and the Pfizer form; COWS: Wesson &
Ling 2003, appendix). PHQ-9 and GAD-7 are shown word for word; COWS ships short anchors,
each of which must be the anchor of the same published level and use only that level's
words (so "streaming" can never again be scored 3 instead of 4).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from nightbridge.content import load_json
from nightbridge.core.instruments import get_instrument

TABLE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "instrument_texts.json").read_text("utf-8")
)["instruments"]
#: Joining words a short anchor may add; everything else must come from the level.
JOINERS = frozenset({"a", "or", "and", "the"})
#: British spellings in our anchors for the published American ones.
SPELLINGS = {"diarrhoea": "diarrhea"}


def words(text: str) -> list[str]:
    found = re.findall(r"[a-z]+|\d+", text.lower())
    return [SPELLINGS.get(w, w) for w in found]


@pytest.mark.parametrize("name", ["phq9", "gad7"])
def test_the_questionnaire_is_shown_word_for_word(name: str) -> None:
    published = TABLE[name]
    content = load_json(f"instruments/{name}.json")
    assert published["source"]
    assert content["period"] == published["stem"]
    assert [(i["key"], i["text"]) for i in content["items"]] == [
        (i["key"], i["text"]) for i in published["items"]
    ]
    for item in content["items"]:
        assert item["anchors"] == published["answers"]
    assert [i.key for i in get_instrument(name).items] == [i["key"] for i in published["items"]]


def test_phq9_item_9_asks_about_death_and_self_harm_as_published() -> None:
    item9 = load_json("instruments/phq9.json")["items"][8]
    assert item9["key"] == "self_harm"
    assert (
        item9["text"]
        == "Thoughts that you would be better off dead or of hurting yourself in some way"
    )


COWS_ITEMS = TABLE["cows"]["items"]


@pytest.mark.parametrize("published", COWS_ITEMS, ids=[i["key"] for i in COWS_ITEMS])
def test_each_cows_item_has_the_published_levels_and_scores(published: dict[str, Any]) -> None:
    content = {i["key"]: i for i in load_json("instruments/cows.json")["items"]}[published["key"]]
    module = {i.key: i for i in get_instrument("cows").items}[published["key"]]
    scores = [level["score"] for level in published["levels"]]
    assert list(module.allowed) == scores
    assert content["allowed"] == scores
    assert content["anchors"] == {
        str(level["score"]): level["ours"] for level in published["levels"]
    }


COWS_LEVELS = [(item["key"], level) for item in COWS_ITEMS for level in item["levels"]]


@pytest.mark.parametrize(
    ("key", "level"), COWS_LEVELS, ids=[f"{k}-{lv['score']}" for k, lv in COWS_LEVELS]
)
def test_each_cows_anchor_says_only_what_its_published_level_says(
    key: str, level: dict[str, Any]
) -> None:
    extra = [
        w for w in words(level["ours"]) if w not in JOINERS and w not in words(level["published"])
    ]
    assert extra == [], f"{key} {level['score']}: {extra} not in {level['published']!r}"


def test_cows_sweating_and_bone_aches_score_as_published() -> None:
    anchors = {i["key"]: i["anchors"] for i in load_json("instruments/cows.json")["items"]}
    assert anchors["sweating"]["3"] == "beads of sweat on brow or face"
    assert anchors["sweating"]["4"] == "sweat streaming off face"
    assert "rubbing" in anchors["bone_joint_aches"]["4"]
    assert "rubbing" not in anchors["bone_joint_aches"]["2"]
