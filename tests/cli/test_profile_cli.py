"""``nightbridge profile set | show``: the person's settings (docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path


def test_profile_set_stores_every_setting(run_cli) -> None:
    result = run_cli(
        "profile",
        "set",
        "--tz",
        "Europe/Berlin",
        "--region",
        "DE",
        "--condition",
        "fall_risk",
        "--condition",
        "liver_disease",
        "--safety-critical-job",
        "--floor-min",
        "330",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run_cli("profile", "show", "--json").stdout)
    assert (
        shown
        == json.loads(result.stdout)
        == {
            "tz": "Europe/Berlin",
            "region": "DE",
            "located": True,
            "screened": True,
            "conditions": ["fall_risk", "liver_disease"],
            "safety_critical_job": True,
            "restriction_contraindicated": True,
            "floor_min": 330,
            "raise_at_pct": 90.0,
            "lower_at_pct": 85.0,
            "step_min": 15,
        }
    )


def test_profile_set_changes_only_what_is_given(run_cli) -> None:
    run_cli("profile", "set", "--tz", "Europe/Berlin", "--condition", "pregnancy")
    run_cli("profile", "set", "--region", "UK")
    shown = json.loads(run_cli("profile", "show", "--json").stdout)
    assert (shown["tz"], shown["region"], shown["conditions"]) == (
        "Europe/Berlin",
        "UK",
        ["pregnancy"],
    )
    run_cli("profile", "set", "--clear-conditions", "--no-safety-critical-job")
    shown = json.loads(run_cli("profile", "show", "--json").stdout)
    assert shown["conditions"] == [] and shown["restriction_contraindicated"] is False


def test_profile_set_refuses_unknown_values_and_changes_nothing(run_cli) -> None:
    run_cli("profile", "set", "--region", "CA")
    result = run_cli("profile", "set", "--region", "ZZ", "--condition", "insomnia")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: region: 'ZZ' is not one of US, CA, UK, IE, AU, NZ, DE, FR, ES, IT, NL",
        "error: condition: 'insomnia' is not one of bipolar, psychosis, seizures, "
        "sleep_apnea_untreated, parasomnia, fall_risk, pregnancy, unstable_illness, "
        "liver_disease",
    ]
    assert json.loads(run_cli("profile", "show", "--json").stdout)["region"] == "CA"


def test_an_unknown_time_zone_is_refused(run_cli) -> None:
    result = run_cli("profile", "set", "--tz", "Europe/Atlantis")
    assert (result.exit_code, result.stderr.split(":")[1].strip()) == (2, "tz")


def test_the_region_help_lists_exactly_the_regions_of_the_crisis_lines_file(run_cli) -> None:
    from nightbridge.services.recovery.safety import offered_regions

    codes = [r.code for r in offered_regions()]
    helped = " ".join(run_cli("profile", "set", "--help").stdout.split())
    listed = helped.split("Where you are, for crisis lines:")[1].split("(")[0]
    assert listed.replace(" or ", ", ").strip().split(", ") == codes
    contract = (Path(__file__).parents[2] / "docs" / "cli.md").read_text("utf-8")
    assert "[--region " + "\\|".join(codes) + "]" in contract
