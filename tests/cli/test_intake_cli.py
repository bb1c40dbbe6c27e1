"""``nightbridge intake add`` through the real command, and the sleep window's deferral
fed from the stored intake (docs/definitions.md section 2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

D = dt.date.today() - dt.timedelta(days=20)


def test_it_logs_intake_with_its_class_and_local_date(run_cli) -> None:
    result = run_cli(
        "intake",
        "add",
        "Kratom",
        "4",
        "g",
        "--at",
        f"{D}T21:00",
        "--strain",
        "red",
        "--lab-tested",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["event"]["class"] == "kratom"
    assert doc["event"]["strain"] == "red" and doc["event"]["lab_tested"] is True
    assert doc["date"] == D.isoformat()


def test_an_unknown_substance_is_kept_as_other(run_cli) -> None:
    doc = json.loads(
        run_cli("intake", "add", "blue lotus", "1", "cups", "--at", f"{D}T20:00", "--json").stdout
    )
    assert (doc["event"]["substance"], doc["event"]["class"]) == ("blue lotus", "other")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kratom", "0", "g"], "error: amount: must be a number greater than 0"),
        (["kratom", "four", "g"], "error: amount: 'four' is not a number"),
        (["kratom", "4", "handfuls"], "error: unit: 'handfuls' is not a unit"),
        (["kratom", "4", "g", "--at", "yesterday"], "error: at: 'yesterday' is not a date"),
        (["kratom", "4", "g", "--at", "2999-01-01T09:00"], "error: at: is in the future"),
    ],
)
def test_it_refuses_bad_intake_with_exit_2_and_stores_nothing(run_cli, args, message) -> None:
    result = run_cli("intake", "add", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    listed = run_cli("alerts", "--date", D.isoformat(), "--json")
    assert json.loads(listed.stdout) == []


def test_it_shows_a_caution_for_kratom_with_a_cyp3a_drug(run_cli) -> None:
    run_cli("intake", "add", "kratom", "4", "g", "--at", f"{D}T09:00")
    result = run_cli("intake", "add", "quetiapine", "25", "mg", "--at", f"{D}T21:00")
    assert result.exit_code == 0
    assert "Caution:" in result.stdout and "Tanna" in result.stdout


def test_the_window_defers_3_days_after_the_last_kratom_dose(run_cli) -> None:
    last = D
    assert run_cli("profile", "set", "--clear-conditions").exit_code == 0
    run_cli("intake", "add", "kratom", "4", "g", "--at", f"{last}T21:00")
    three_days = (last + dt.timedelta(days=3)).isoformat()
    result = run_cli("window", "--rise", "07:00", "--date", three_days, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["action"] == "defer"
    assert any("3 days ago" in r for r in doc["reasons"])
    later = run_cli(
        "window", "--rise", "07:00", "--date", (last + dt.timedelta(days=7)).isoformat(), "--json"
    )
    assert json.loads(later.stdout)["action"] != "defer"


def test_the_window_defers_after_a_moderate_withdrawal_score(run_cli) -> None:
    symptoms = [
        f"--symptom={name}=3"
        for name in (
            "aches",
            "sweating",
            "anxiety",
            "insomnia",
            "craving",
            "restlessness",
            "nausea",
        )
    ]
    assert run_cli("checkin", "add", "--date", D.isoformat(), *symptoms).exit_code == 0
    assert run_cli("profile", "set", "--clear-conditions").exit_code == 0
    doc = json.loads(run_cli("window", "--rise", "07:00", "--date", D.isoformat(), "--json").stdout)
    assert doc["action"] == "defer"
