"""``nightbridge checkin add`` through the real command."""

from __future__ import annotations

import datetime as dt
import json

import pytest

D = dt.date.today() - dt.timedelta(days=10)


def test_it_stores_the_symptoms_and_scores_the_withdrawal_diary(run_cli) -> None:
    result = run_cli(
        "checkin",
        "add",
        "--date",
        D.isoformat(),
        "--symptom",
        "aches=3",
        "--symptom",
        "insomnia=4",
        "--symptom",
        "craving=2",
        "--function",
        "3",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["checkin"]
    assert doc["withdrawal_score"] == 9 and doc["withdrawal_band"] == "mild"
    assert doc["symptoms"] == {"aches": 3, "insomnia": 4, "craving": 2}


def test_a_second_checkin_the_same_day_adds_to_the_first(run_cli) -> None:
    run_cli("checkin", "add", "--date", D.isoformat(), "--flag", "chest_pain")
    doc = json.loads(
        run_cli("checkin", "add", "--date", D.isoformat(), "--function", "4", "--json").stdout
    )
    assert doc["checkin"]["flags"] == ["chest_pain"]
    assert doc["checkin"]["function"] == 4
    assert doc["alerts"][0]["code"] == "red_flag_chest_pain"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--symptom", "aches=5"], "error: symptom aches: 5 is not 0..4"),
        (["--symptom", "hiccups=1"], "error: symptom: unknown symptom 'hiccups'"),
        (["--symptom", "aches"], "error: symptom: 'aches' is not NAME=SCORE"),
        (["--flag", "sneezing"], "error: flag: unknown red flag 'sneezing'"),
        (["--function", "0"], "error: function: 0 is not 1..5"),
        (["--self-harm-thoughts", "maybe"], "error: self-harm-thoughts: 'maybe' is not yes or no"),
        (["--phq9", "1,1"], "error: phq9 answers: phq9 needs 9 item scores, got 2"),
        (["--gad7", "0,0,0,0,0,0,9"], "error: gad7 item 7: 9 is not allowed"),
    ],
)
def test_it_refuses_a_bad_checkin_with_exit_2_and_stores_nothing(run_cli, args, message) -> None:
    result = run_cli("checkin", "add", "--date", D.isoformat(), "--flag", "chest_pain", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    alerts = json.loads(run_cli("alerts", "--date", D.isoformat(), "--json").stdout)
    assert alerts == []


def test_it_refuses_a_checkin_for_a_future_date(run_cli) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    result = run_cli("checkin", "add", "--date", tomorrow, "--function", "3")
    assert result.exit_code == 2
    assert "error: date:" in result.stderr and "in the future" in result.stderr
