"""The CLI frame: exit codes, global options anywhere, no tracebacks (docs/cli.md)."""

from __future__ import annotations

from nightbridge.cli.app import hoist_global_options


def test_global_options_after_the_command_move_to_the_front() -> None:
    argv = ["metrics", "d.csv", "--tz", "Europe/Berlin", "--json", "--home=/tmp/h"]
    assert hoist_global_options(argv) == [
        "--tz",
        "Europe/Berlin",
        "--home=/tmp/h",
        "metrics",
        "d.csv",
        "--json",
    ]


def test_arguments_after_a_double_dash_are_left_alone() -> None:
    assert hoist_global_options(["diary", "--", "--tz", "x"]) == ["diary", "--", "--tz", "x"]


def test_a_missing_option_is_refused_with_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("taper", "--unit", "g")
    assert result.exit_code == 2
    assert "--start" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_command_is_refused_with_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("sleepwell")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_an_unknown_zone_is_named_in_the_refusal(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "d.csv"
    csv.write_text(
        "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality\n"
        "2026-11-02,23:00,23:10,20,1,10,06:30,06:45,3\n",
        encoding="utf-8",
    )
    result = run_cli("metrics", str(csv), "--tz", "Mars/Olympus")
    assert result.exit_code == 2
    assert "tz" in result.stderr and "Mars/Olympus" in result.stderr


def test_an_unexpected_failure_exits_1_without_a_traceback(run_cli, cli_home) -> None:  # type: ignore[no-untyped-def]
    (cli_home / "nightbridge.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run_cli("diary", "list")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error:")
