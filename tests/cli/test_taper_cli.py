"""``nightbridge taper`` through the real command (docs/cli.md ``taper --json``)."""

from __future__ import annotations

import json

import pytest


def test_the_schedule_starts_on_from_steps_every_n_days_and_ends_at_0(run_cli) -> None:
    result = run_cli(
        "taper",
        "--start",
        "8",
        "--unit",
        "g",
        "--step-pct",
        "10",
        "--every-days",
        "7",
        "--from",
        "2026-01-01",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    steps = json.loads(result.stdout)["steps"]
    assert steps[0] == {"date": "2026-01-01", "amount": 8.0, "unit": "g"}
    assert steps[1] == {"date": "2026-01-08", "amount": 7.2, "unit": "g"}
    assert steps[2] == {"date": "2026-01-15", "amount": 6.5, "unit": "g"}
    assert steps[-1]["amount"] == 0
    amounts = [s["amount"] for s in steps]
    assert amounts == sorted(amounts, reverse=True) and len(set(amounts)) == len(amounts)


@pytest.mark.parametrize("pct", ["25.5", "30", "50"])
def test_a_step_over_25_percent_is_refused_with_exit_2(run_cli, pct: str) -> None:
    result = run_cli("taper", "--start", "8", "--unit", "g", "--step-pct", pct, "--every-days", "7")
    assert result.exit_code == 2
    assert "error: --step-pct:" in result.stderr and "clinician" in result.stderr


def test_a_clinician_override_allows_a_larger_step(run_cli) -> None:
    result = run_cli(
        "taper",
        "--start",
        "8",
        "--unit",
        "g",
        "--step-pct",
        "50",
        "--every-days",
        "7",
        "--from",
        "2026-01-01",
        "--clinician-override",
        "--json",
    )
    assert result.exit_code == 0
    assert [s["amount"] for s in json.loads(result.stdout)["steps"]][:3] == [8.0, 4.0, 2.0]


def test_the_printed_schedule_warns_about_lost_tolerance_and_never_suggests_a_start(
    run_cli,
) -> None:
    result = run_cli(
        "taper",
        "--start",
        "12",
        "--unit",
        "g",
        "--step-pct",
        "10",
        "--every-days",
        "14",
        "--from",
        "2026-01-01",
        "--min-step",
        "0.5",
        "--hold",
        "2:7",
    )
    assert result.exit_code == 0, result.stderr
    assert "tolerance" in result.stdout and "overdose" in result.stdout
    assert "held 7 more days" in result.stdout
    missing = run_cli("taper", "--unit", "g", "--step-pct", "10", "--every-days", "7")
    # The start amount is always an input: without it there is no schedule.
    assert missing.exit_code == 2
    assert "error: --start: is missing" in missing.stderr and missing.stdout == ""


def test_there_is_no_default_pace_the_step_and_interval_must_be_given(run_cli) -> None:
    result = run_cli("taper", "--start", "12", "--unit", "g", "--save")
    assert result.exit_code == 2 and result.stdout == ""
    assert "error: --step-pct: is missing" in result.stderr
    assert "error: --every-days: is missing" in result.stderr
    assert "never sets a pace" in result.stderr
    history = run_cli("taper", "--history", "--json")
    assert history.exit_code == 0 and json.loads(history.stdout) == []  # nothing stored


def test_a_saved_taper_is_not_restarted_by_saving_it_again_and_keeps_a_history(
    run_cli,
) -> None:
    pace = ("--unit", "g", "--step-pct", "10", "--every-days", "7")
    first = run_cli("taper", "--start", "12", *pace, "--from", "2026-01-01", "--save", "--json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["saved"] is True
    # Saving the schedule in force again stores nothing.
    again = run_cli("taper", "--start", "12", *pace, "--from", "2026-01-01", "--save")
    assert again.exit_code == 0 and "Nothing changed" in again.stdout
    # Today (after 2026-01-01) the target is well below 12 g: starting over at 12 g from
    # today is a raise, refused without --confirm, and nothing is stored.
    restart = run_cli("taper", "--start", "12", *pace, "--save")
    assert restart.exit_code == 2
    assert "error: --confirm: this raises the target from" in restart.stderr
    assert "to 12 g a day" in restart.stderr
    history = json.loads(run_cli("taper", "--history", "--json").stdout)
    assert [c["kind"] for c in history] == ["set"]
    confirmed = run_cli("taper", "--start", "12", *pace, "--save", "--confirm")
    assert confirmed.exit_code == 0, confirmed.stderr
    history = json.loads(run_cli("taper", "--history", "--json").stdout)
    assert [(c["kind"], c["set_by"], c["raise_confirmed"]) for c in history] == [
        ("set", "person", True),
        ("set", "person", False),
    ]
    assert history[0]["from"].startswith("kratom, 12 g a day from 2026-01-01, down 10 % every 7")
    assert history[0]["to"].startswith("kratom, 12 g a day from")
    shown = run_cli("taper", "--history")
    assert "schedule changed by you (a raise of today's target, confirmed)" in shown.stdout
