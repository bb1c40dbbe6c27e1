"""Every trigger of the alert table (docs/definitions.md section 4) through the real
``nightbridge`` command on a real store: it fires at the threshold and stays quiet just
below. Dates are a month back so nothing is "in the future" for the check-in."""

from __future__ import annotations

import datetime as dt
import json

import pytest

D = dt.date.today() - dt.timedelta(days=30)


def day(offset: int = 0) -> str:
    return (D + dt.timedelta(days=offset)).isoformat()


def at(offset: int, clock: str) -> str:
    return f"{day(offset)}T{clock}"


def codes(run_cli, on: str = "") -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = run_cli("alerts", "--date", on or day(), "--json")
    assert result.exit_code == 0, result.stderr
    return {a["code"]: a["level"] for a in json.loads(result.stdout)}


def checkin(run_cli, *args: str, offset: int = 0) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = run_cli("checkin", "add", "--date", day(offset), *args, "--json")
    assert result.exit_code == 0, result.stderr
    return {a["code"]: a["level"] for a in json.loads(result.stdout)["alerts"]}


def intake(run_cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run_cli("intake", "add", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "flag", ["chest_pain", "breathing", "seizure", "fainting", "confusion", "blue_lips"]
)
def test_each_emergency_sign_is_an_emergency_on_its_day_only(run_cli, flag: str) -> None:
    assert checkin(run_cli, "--flag", flag) == {f"red_flag_{flag}": "emergency"}
    assert codes(run_cli, day(1)) == {}


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("vomiting_24h", "fluid_loss"),
        ("no_fluids", "fluid_loss"),
        ("jaundice", "liver_signs"),
        ("dark_urine", "liver_signs"),
    ],
)
def test_fluid_loss_and_liver_signs_are_urgent(run_cli, flag: str, code: str) -> None:
    assert checkin(run_cli, "--flag", flag, "--function", "3") == {code: "urgent"}
    assert checkin(run_cli, "--function", "3", offset=1) == {}


def test_a_yes_to_thoughts_of_ending_ones_life_is_a_crisis_and_a_no_is_quiet(run_cli) -> None:
    assert checkin(run_cli, "--self-harm-thoughts", "yes") == {"self_harm_thoughts": "crisis"}
    assert checkin(run_cli, "--self-harm-thoughts", "no", offset=1) == {}


@pytest.mark.parametrize(
    ("option", "answers", "expected"),
    [
        ("--phq9", "0,0,0,0,0,0,0,0,1", {"phq9_item9": "crisis"}),
        ("--phq9", "1,1,1,1,1,1,1,1,0", {}),
        ("--phq9", "3,3,3,3,3,3,2,0,0", {"phq9_severe": "urgent"}),
        ("--phq9", "3,3,3,3,3,3,1,0,0", {"phq9_moderate": "advise"}),
        ("--phq9", "3,3,3,1,0,0,0,0,0", {"phq9_moderate": "advise"}),
        ("--phq9", "3,3,3,0,0,0,0,0,0", {}),
        ("--gad7", "3,3,3,1,0,0,0", {"gad7_moderate": "advise"}),
        ("--gad7", "3,3,3,0,0,0,0", {}),
    ],
)
def test_questionnaires_in_the_checkin_raise_their_alerts(
    run_cli, option: str, answers: str, expected: dict
) -> None:
    assert checkin(run_cli, option, answers) == expected


@pytest.mark.parametrize(
    ("other", "amount", "unit"),
    [
        ("alprazolam", "1", "mg"),
        ("beer", "2", "drinks"),
        ("gabapentin", "300", "mg"),
        ("oxycodone", "5", "mg"),
        ("zolpidem", "5", "mg"),
        ("diphenhydramine", "25", "mg"),
    ],
)
def test_kratom_at_21_with_a_depressant_the_same_evening_is_urgent(
    run_cli, other: str, amount: str, unit: str
) -> None:
    first = intake(run_cli, "kratom", "4", "g", "--at", at(0, "21:00"))
    assert first["alerts"] == []
    second = intake(run_cli, other, amount, unit, "--at", at(0, "22:30"))
    alert = second["alerts"][0]
    assert (alert["level"], alert["code"]) == ("urgent", "depressant_combination")
    assert any("naloxone" in step for step in alert["actions"])
    assert codes(run_cli)["depressant_combination"] == "urgent"


def test_kratom_and_alcohol_on_different_days_are_quiet(run_cli) -> None:
    intake(run_cli, "kratom", "4", "g", "--at", at(0, "21:00"))
    assert intake(run_cli, "beer", "2", "drinks", "--at", at(1, "19:00"))["alerts"] == []


def test_withdrawal_while_pregnant_is_urgent_from_a_score_of_9(run_cli) -> None:
    assert run_cli("profile", "set", "--condition", "pregnancy").exit_code == 0
    below = checkin(run_cli, "--symptom", "aches=4", "--symptom", "sweating=4")
    assert below == {}
    at_nine = checkin(
        run_cli,
        "--symptom",
        "aches=4",
        "--symptom",
        "sweating=4",
        "--symptom",
        "craving=1",
        offset=1,
    )
    assert at_nine == {"withdrawal_pregnancy": "urgent"}


@pytest.mark.parametrize(("gap", "fires"), [(9, True), (7, True), (6, False)])
def test_kratom_again_after_7_or_more_days_without_is_urgent(
    run_cli, gap: int, fires: bool
) -> None:
    intake(run_cli, "kratom", "4", "g", "--at", at(-gap, "09:00"))
    again = intake(run_cli, "kratom", "4", "g", "--at", at(0, "09:00"))
    found = {a["code"]: a["level"] for a in again["alerts"]}
    assert found == ({"lost_tolerance": "urgent"} if fires else {})


def diary_csv(poor: int) -> str:
    """7 mornings ending on D: ``poor`` of them with 5 h of sleep in 7.5 h in bed
    (SE 66.7 %), the rest 7 h in 7.5 h (SE 93.3 %)."""
    rows = ["date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"]
    for i in range(7):
        morning = D - dt.timedelta(days=6 - i)
        bad = i >= 7 - poor
        rows.append(
            f"{morning.isoformat()},23:00,23:00,{60 if bad else 10},{2 if bad else 1},"
            f"{90 if bad else 20},06:30,06:30,{2 if bad else 4}"
        )
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(("poor", "fires"), [(5, True), (4, False)])
def test_poor_sleep_on_5_of_7_nights_10_days_after_the_last_dose_is_advise(
    run_cli, tmp_path, poor: int, fires: bool
) -> None:
    path = tmp_path / "diary.csv"
    path.write_text(diary_csv(poor), encoding="utf-8")
    imported = run_cli("diary", "import", str(path))
    assert imported.exit_code == 0, imported.stderr
    intake(run_cli, "kratom", "4", "g", "--at", at(-10, "09:00"))
    assert codes(run_cli) == ({"poor_sleep_after_last_dose": "advise"} if fires else {})


def test_function_1_on_3_days_running_is_advise_and_2_days_is_quiet(run_cli) -> None:
    assert checkin(run_cli, "--function", "1", offset=-2) == {}
    assert checkin(run_cli, "--function", "1", offset=-1) == {}
    assert checkin(run_cli, "--function", "1") == {"low_function": "advise"}


def test_melatonin_with_liver_disease_is_advise_and_without_it_quiet(run_cli) -> None:
    assert intake(run_cli, "melatonin", "1", "pills", "--at", at(-1, "22:00"))["alerts"] == []
    assert run_cli("profile", "set", "--condition", "liver_disease").exit_code == 0
    found = intake(run_cli, "melatonin", "1", "pills", "--at", at(0, "22:00"))["alerts"]
    assert [(a["code"], a["level"]) for a in found] == [("melatonin_liver_disease", "advise")]


def test_melatonin_with_fluvoxamine_is_advise(run_cli) -> None:
    intake(run_cli, "fluvoxamine", "50", "mg", "--at", at(0, "09:00"))
    found = intake(run_cli, "melatonin", "1", "pills", "--at", at(0, "22:00"))["alerts"]
    assert [(a["code"], a["level"]) for a in found] == [("melatonin_fluvoxamine", "advise")]


@pytest.mark.parametrize(
    ("pct", "extra", "fires"), [("30", ["--clinician-override"], True), ("25", [], False)]
)
def test_a_taper_step_over_25_percent_is_advise_on_its_date(
    run_cli, pct: str, extra: list[str], fires: bool
) -> None:
    saved = run_cli(
        "taper",
        "--start",
        "10",
        "--unit",
        "g",
        "--step-pct",
        pct,
        "--every-days",
        "7",
        "--from",
        day(-7),
        "--save",
        *extra,
    )
    assert saved.exit_code == 0, saved.stderr
    assert codes(run_cli) == ({"taper_large_step": "advise"} if fires else {})


def test_alerts_are_most_urgent_first_with_us_resources_by_default(run_cli) -> None:
    intake(run_cli, "kratom", "4", "g", "--at", at(0, "21:00"))
    intake(run_cli, "beer", "3", "drinks", "--at", at(0, "21:30"))
    checkin(
        run_cli, "--flag", "chest_pain", "--self-harm-thoughts", "yes", "--gad7", "3,3,3,3,0,0,0"
    )
    result = run_cli("alerts", "--date", day(), "--json")
    alerts = json.loads(result.stdout)
    assert [a["level"] for a in alerts] == ["emergency", "crisis", "urgent", "advise"]
    assert alerts[0]["resources"][0]["contact"] == "911"
    assert alerts[1]["resources"][0]["contact"] == "988"
    assert {r["contact"] for r in alerts[2]["resources"]} >= {"911", "988", "1-800-662-4357"}
    text = run_cli("alerts", "--date", day())
    assert (
        text.stdout.index("EMERGENCY") < text.stdout.index("CRISIS") < text.stdout.index("URGENT")
    )


def test_the_region_decides_the_resources(run_cli) -> None:
    assert run_cli("profile", "set", "--region", "AU").exit_code == 0
    checkin(run_cli, "--self-harm-thoughts", "yes")
    alerts = json.loads(run_cli("alerts", "--date", day(), "--json").stdout)
    assert [r["contact"] for r in alerts[0]["resources"]] == ["13 11 14", "000", "13 11 26"]
