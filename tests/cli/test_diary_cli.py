"""``nightbridge diary add | import | list``: the real command on a real store."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parents[1] / "data" / "diary"
ADD = [
    "diary",
    "add",
    "--date",
    "2026-03-08",
    "--bedtime",
    "22:30",
    "--lights-off",
    "23:00",
    "--sol",
    "20",
    "--nwak",
    "2",
    "--waso",
    "30",
    "--final-wake",
    "06:10",
    "--out-of-bed",
    "06:40",
    "--quality",
    "3",
]


def listed(run_cli, *args: str) -> list[dict]:
    result = run_cli("diary", "list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_add_stores_an_entry_and_list_shows_its_metrics(run_cli) -> None:
    result = run_cli(
        *ADD,
        "--tz",
        "America/New_York",
        "--rested",
        "3",
        "--caffeine",
        "2",
        "--last-caffeine",
        "15:00",
        "--note",
        "late coffee",
    )
    assert result.exit_code == 0, result.stderr
    assert "Saved 2026-03-08: slept 320 min of 430 min in bed" in result.stdout
    assert listed(run_cli, "--tz", "America/New_York") == [
        {
            "date": "2026-03-08",
            "tib_min": 430,
            "tst_min": 320,
            "sol_min": 20,
            "waso_min": 30,
            "nwak": 2,
            "terminal_wake_min": 30,
            "twt_min": 110,
            "se_pct": 74.4,
            "quality": 3,
        }
    ]


def test_add_replaces_the_same_morning(run_cli) -> None:
    run_cli(*ADD, "--tz", "UTC")
    assert run_cli(*ADD[:-1], "5", "--tz", "UTC").exit_code == 0
    assert [n["quality"] for n in listed(run_cli)] == [5]


def test_add_refuses_bad_values_naming_each_field_and_stores_nothing(run_cli) -> None:
    bad = [a if a != "3" else "7" for a in ADD]
    bad[bad.index("--nwak") + 1] = "0"
    result = run_cli(*bad, "--json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --quality: must be between 1 and 5 (got 7)",
        "error: --nwak: is 0, but you were awake 30 min in the night: count the times you woke",
    ]
    assert listed(run_cli) == []


def test_add_names_a_missing_option(run_cli) -> None:
    result = run_cli(*ADD[:-2])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --quality: is required"


def test_import_of_a_file_with_bad_rows_stores_nothing(run_cli) -> None:
    result = run_cli("diary", "import", str(DATA / "bad_rows.csv"), "--tz", "UTC")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 9
    assert result.stderr.startswith("error: row 2: bedtime: ")
    assert listed(run_cli) == []


def test_import_can_skip_bad_rows(run_cli) -> None:
    result = run_cli("diary", "import", str(DATA / "bad_rows.csv"), "--skip-bad", "--tz", "UTC")
    assert result.exit_code == 0
    assert "Imported 1 entries" in result.stdout and "9 bad rows skipped" in result.stdout
    assert result.stderr.count("skipped: row") == 9
    assert [n["date"] for n in listed(run_cli)] == ["2026-03-10"]


def test_import_of_a_spreadsheet_export_stores_every_row(run_cli) -> None:
    result = run_cli("diary", "import", str(DATA / "spreadsheet.csv"), "--tz", "UTC")
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 entries from spreadsheet.csv (3 new, 0 replaced)." in result.stdout
    clean = run_cli("metrics", str(DATA / "clean.csv"), "--json", "--tz", "UTC")
    assert listed(run_cli, "--tz", "UTC") == json.loads(clean.stdout)


def test_list_is_bounded_by_from_and_to(run_cli) -> None:
    run_cli("diary", "import", str(DATA / "clean.csv"), "--tz", "UTC")
    assert [n["date"] for n in listed(run_cli, "--from", "2026-03-02")] == [
        "2026-03-02",
        "2026-03-03",
    ]
    assert [n["date"] for n in listed(run_cli, "--to", "2026-03-01")] == ["2026-03-01"]
    bad = run_cli("diary", "list", "--from", "March")
    assert (bad.exit_code, bad.stderr.strip()) == (
        2,
        "error: from: 'March' is not a date (YYYY-MM-DD)",
    )


def test_list_shows_a_table_to_people(run_cli) -> None:
    run_cli("diary", "import", str(DATA / "clean.csv"), "--tz", "UTC")
    result = run_cli("diary", "list")
    assert result.exit_code == 0
    assert "2026-03-03" in result.stdout and "3 nights: mean asleep" in result.stdout


def test_list_says_when_an_entry_is_not_valid_in_the_zone_asked_for(run_cli) -> None:
    # 23 h 30 on the clock, so valid in UTC; 24 h 30 between instants in New York.
    night = [
        "diary",
        "add",
        "--date",
        "2026-11-01",
        "--bedtime",
        "2026-10-31T07:00",
        "--lights-off",
        "2026-10-31T07:10",
        "--sol",
        "10",
        "--nwak",
        "0",
        "--waso",
        "0",
        "--final-wake",
        "2026-11-01T06:00",
        "--out-of-bed",
        "2026-11-01T06:30",
        "--quality",
        "3",
        "--tz",
        "UTC",
        "--confirm",  # 23 h 30 in bed
    ]
    assert run_cli(*night).exit_code == 0
    result = run_cli("diary", "list", "--json", "--tz", "America/New_York")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "1 stored entries are not valid in America/New_York" in result.stderr


def test_add_refuses_values_no_store_can_take_with_exit_2(run_cli) -> None:
    """Year 1, a count beyond 32 bits and an escape sequence in the note: each refused
    in a sentence naming the field (exit 2), never 'something went wrong'."""
    cases = {
        "--date": ("0001-01-01", "error: --date: 0001-01-01 is not a date we can use"),
        "--caffeine": ("99999999999", "error: --caffeine: is too large"),
        "--note": ("slept \x1b[2J badly", "error: --note: contains a control character (U+001B)"),
    }
    for option, (value, expected) in cases.items():
        args = [*ADD, option, value] if option != "--date" else [*ADD[:2], option, value, *ADD[4:]]
        result = run_cli(*args, "--tz", "UTC")
        assert result.exit_code == 2, (option, result.stderr)
        assert result.stderr.startswith(expected), (option, result.stderr)
    assert listed(run_cli) == []


def test_add_with_no_options_asks_each_question_with_the_last_answers(run_cli) -> None:
    import datetime as dt

    today = dt.datetime.now(dt.UTC).date()
    first, second = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    stored = [*ADD]
    stored[stored.index("--date") + 1] = first.isoformat()
    assert run_cli(*stored).exit_code == 0
    # The date typed, Enter for every other answer but the quality.
    answers = f"{second.isoformat()}\n" + "\n" * 7 + "4\n"
    result = run_cli("diary", "add", input=answers)
    assert result.exit_code == 0, result.stderr
    assert f"The morning this is for (YYYY-MM-DD) [{today.isoformat()}]:" in result.stdout
    assert "Got into bed (HH:MM) [22:30]:" in result.stdout
    assert "Minutes awake in the night, in total [30]:" in result.stdout
    assert "How well did you sleep? 1 very poor .. 5 very good [3]:" in result.stdout
    rows = listed(run_cli)
    assert [(r["date"], r["waso_min"], r["quality"]) for r in rows] == [
        (first.isoformat(), 30, 3),
        (second.isoformat(), 30, 4),
    ]


def test_help_names_each_value_not_its_type(run_cli) -> None:
    result = run_cli("diary", "add", "--help")
    assert result.exit_code == 0
    assert "<str>" not in result.stdout and "<bool>" not in result.stdout
    assert "--date" in result.stdout and "DATE" in result.stdout
    assert "LIGHTS_OFF" in result.stdout
