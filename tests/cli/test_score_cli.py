"""``nightbridge score`` through the real command: every band edge (both sides), the
refusals (exit 2), and the crisis alert of PHQ-9 item 9.

Cases: tests/data/instrument_band_edges.json, typed from docs/definitions.md section 3
(sources listed in the file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EDGES = json.loads(
    (Path(__file__).parents[1] / "data" / "instrument_band_edges.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", EDGES, ids=[f"{c['instrument']}-{c['total']}" for c in EDGES])
def test_score_gives_the_total_and_band_on_both_sides_of_every_edge(run_cli, case: dict) -> None:
    answers = ",".join(str(v) for v in case["answers"])
    result = run_cli("score", case["instrument"], answers, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["instrument"], doc["total"], doc["band"]) == (
        case["instrument"],
        case["total"],
        case["band"],
    )


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("phq9", "0,0,0,0,0,0,0,0", "answers: phq9 needs 9 item scores, got 8"),
        ("gad7", "0,0,0,0,0,0,0,0", "answers: gad7 needs 7 item scores, got 8"),
        ("phq9", "0,0,4,0,0,0,0,0,0", "item 3: 4 is not allowed"),
        ("cows", "0,0,2,0,0,0,0,0,0,0,0", "item 3: 2 is not allowed for restlessness"),
        ("cows", "0,0,0,0,0,0,0,0,0,0,1", "item 11: 1 is not allowed for gooseflesh"),
        ("withdrawal", ",".join(["0"] * 16 + ["5"]), "item 17: 5 is not allowed for craving"),
        ("isi", "29", "total: 29 is not allowed"),
        ("phq9", "0,0,x,0,0,0,0,0,0", "answers: answer 3 ('x') is not a whole number"),
        ("psqi", "1,2,3", "instrument: unknown instrument 'psqi'"),
    ],
)
def test_score_refuses_bad_answers_with_exit_2_and_a_plain_reason(
    run_cli, instrument: str, answers: str, message: str
) -> None:
    result = run_cli("score", instrument, answers)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("answers", ["0,0,0,0,0,0,0,0,1", "3,3,3,3,3,3,3,3,3", "1,0,0,0,0,0,0,0,2"])
def test_phq9_item_9_above_0_always_carries_a_crisis_alert(run_cli, answers: str) -> None:
    doc = json.loads(run_cli("score", "phq9", answers, "--json").stdout)
    crisis = [a for a in doc["alerts"] if a["level"] == "crisis"]
    assert crisis and crisis[0]["code"] == "phq9_item9"
    # no store, so no region: the international directory, never another country's line
    assert [r["contact"] for r in crisis[0]["resources"]] == ["https://findahelpline.com/"]
    text = run_cli("score", "phq9", answers)
    assert "CRISIS" in text.stdout and "findahelpline.com" in text.stdout
    assert "988" not in text.stdout and "911" not in text.stdout


def test_score_stores_nothing_and_creates_no_store(run_cli, cli_home: Path) -> None:
    assert run_cli("score", "gad7", "1,1,1,1,1,1,1").exit_code == 0
    assert list(cli_home.iterdir()) == []
