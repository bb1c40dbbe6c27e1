"""The toolkit's content files: every one names its sources, parses, and uses the
check-in vocabulary. (No dosing advice anywhere: tests/test_no_dosing_advice.py.)"""

from __future__ import annotations

import re

import pytest

from nightbridge.content import list_files, load_json, read_text
from nightbridge.core.instruments.withdrawal import SYMPTOMS
from nightbridge.core.program import WEEKS, order_lessons, parse_lesson

TOOLKIT_JSON = ["symptom_plans.json", "supplements.json", "hygiene.json", "relapse_prevention.json"]
LESSONS = list_files("lessons")
RELAXATION = list_files("relaxation")
ALL_TOOLKIT_FILES = TOOLKIT_JSON + LESSONS + RELAXATION

# docs/cli.md: check-in symptom names (the withdrawal symptom diary's).
CHECKIN_SYMPTOMS = set(SYMPTOMS)
CITATION = re.compile(r"(19|20)\d\d")  # a source names its year


def _sources_of(doc: object) -> list[list[str]]:
    """Every ``sources`` list anywhere in a JSON document."""
    found: list[list[str]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "sources":
                found.append(value)
            else:
                found.extend(_sources_of(value))
    elif isinstance(doc, list):
        for value in doc:
            found.extend(_sources_of(value))
    return found


def test_the_toolkit_ships_six_lessons_and_four_exercises() -> None:
    assert len(LESSONS) == WEEKS
    assert {name.rsplit("/", 1)[1] for name in RELAXATION} == {
        "box_breathing.json",
        "muscle_relaxation.json",
        "body_scan.json",
        "mindful_walking.json",
    }


@pytest.mark.parametrize("name", [n for n in ALL_TOOLKIT_FILES if n.endswith(".json")])
def test_every_json_content_file_names_its_sources_at_the_top(name: str) -> None:
    doc = load_json(name)
    assert doc.get("sources"), f"{name} has no top-level sources"
    for sources in _sources_of(doc):
        assert sources, f"{name} has an empty sources list"
        for source in sources:
            assert (
                CITATION.search(source)
                or "LiverTox" in source
                or "product characteristics" in source
            ), source


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_names_its_sources_in_its_front_matter(name: str) -> None:
    lesson = parse_lesson(name, read_text(name))
    assert lesson.sources
    assert all(CITATION.search(s) for s in lesson.sources)


def test_the_lessons_cover_each_week_once_and_each_unlocks_a_tool() -> None:
    lessons = order_lessons(parse_lesson(n, read_text(n)) for n in LESSONS)
    assert [lesson.week for lesson in lessons] == [1, 2, 3, 4, 5, 6]
    assert all(lesson.unlocks for lesson in lessons)


def test_every_relaxation_exercise_is_unlocked_by_a_lesson() -> None:
    unlocks = {tool for n in LESSONS for tool in parse_lesson(n, read_text(n)).unlocks}
    for name in RELAXATION:
        exercise = load_json(name)
        assert exercise["id"] in unlocks


def test_symptom_plans_use_the_check_in_symptom_names() -> None:
    plans = load_json("symptom_plans.json")["plans"]
    assert {p["symptom"] for p in plans} <= CHECKIN_SYMPTOMS
    assert {"anxiety", "restless_legs", "sweating", "aches", "headache"} <= {
        p["symptom"] for p in plans
    }


def test_every_supplement_has_a_defined_grade_and_what_is_not_known() -> None:
    doc = load_json("supplements.json")
    ids = {item["id"] for item in doc["items"]}
    assert ids == {"melatonin", "valerian", "chamomile", "l-theanine", "magnesium", "kratom"}
    for item in doc["items"]:
        assert item["grade"] in doc["grades"]
        assert item["known"] and item["unknown"] and item["cautions"]


def test_melatonin_cites_the_guideline_and_the_label_studies() -> None:
    melatonin = next(i for i in load_json("supplements.json")["items"] if i["id"] == "melatonin")
    cited = " ".join(melatonin["sources"])
    for needle in ("Sateia", "2017;13:307", "Erland", "Cohen", "JAMA 2023"):
        assert needle in cited
    cautions = " ".join(melatonin["cautions"]).lower()
    assert "liver" in cautions and "fluvoxamine" in cautions


def test_every_hygiene_nudge_has_a_text_and_a_source() -> None:
    from nightbridge.core.nudges import NUDGE_CODES

    nudges = load_json("hygiene.json")["nudges"]
    assert set(nudges) == set(NUDGE_CODES)
    assert all(n["sources"] and n["title"] and n["message"] for n in nudges.values())


def test_the_weekly_check_in_is_labelled_as_not_validated() -> None:
    checkin = load_json("relapse_prevention.json")["weekly_checkin"]
    assert checkin["validated"] is False
    assert "not a validated" in checkin["label"]
    assert [i["key"] for i in checkin["items"]] == ["confidence", "support", "cravings", "stress"]
