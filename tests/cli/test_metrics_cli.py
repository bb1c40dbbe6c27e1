"""``nightbridge metrics FILE.csv``: the real command, no store needed (docs/cli.md)."""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data" / "diary"
DIARY_COLUMNS = [
    "date",
    "bedtime",
    "lights_off",
    "sol_min",
    "nwak",
    "waso_min",
    "final_wake",
    "out_of_bed",
    "quality",
]


def worked_cases() -> list[dict[str, str]]:
    """tests/data/diary/worked_cases.csv, computed by hand (definitions.md section 1)."""
    with (DATA / "worked_cases.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def write_diary(path: Path, cases: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(DIARY_COLUMNS)
        for case in cases:
            writer.writerow([case[c] for c in DIARY_COLUMNS])
    return path


def file_groups() -> list[tuple[str, list[dict[str, str]]]]:
    """The worked cases in files of one zone each, no date twice in a file."""
    groups: list[tuple[str, list[dict[str, str]]]] = []
    for case in worked_cases():
        for zone, cases in groups:
            if zone == case["tz"] and case["date"] not in {c["date"] for c in cases}:
                cases.append(case)
                break
        else:
            groups.append((case["tz"], [case]))
    return groups


@pytest.mark.parametrize(
    ("zone", "cases"), file_groups(), ids=[f"{z}-{len(c)}" for z, c in file_groups()]
)
def test_it_prints_exactly_the_hand_computed_numbers(
    run_cli, tmp_path: Path, zone: str, cases: list[dict[str, str]]
) -> None:
    path = write_diary(tmp_path / "diary.csv", cases)
    result = run_cli("metrics", str(path), "--tz", zone, "--json")
    assert result.exit_code == 0, result.stderr
    expected = sorted(
        (
            {
                "date": c["date"],
                "tib_min": int(c["expect_tib_min"]),
                "tst_min": int(c["expect_tst_min"]),
                "sol_min": int(c["sol_min"]),
                "waso_min": int(c["waso_min"]),
                "nwak": int(c["nwak"]),
                "terminal_wake_min": int(c["expect_terminal_wake_min"]),
                "twt_min": int(c["expect_twt_min"]),
                "se_pct": float(c["expect_se_pct"]),
                "quality": int(c["quality"]),
            }
            for c in cases
        ),
        key=lambda d: d["date"],
    )
    assert json.loads(result.stdout) == expected


def test_new_york_dst_nights_are_an_hour_shorter_and_longer(run_cli, tmp_path: Path) -> None:
    row = "22:30,23:00,20,2,30,06:10,06:40,3"
    path = tmp_path / "d.csv"
    path.write_text(
        ",".join(DIARY_COLUMNS)
        + "\n"
        + "".join(f"{d},{row}\n" for d in ("2026-03-07", "2026-03-08", "2026-10-31", "2026-11-01"))
    )
    result = run_cli("metrics", str(path), "--json", "--tz", "America/New_York")
    tib = {n["date"]: n["tib_min"] for n in json.loads(result.stdout)}
    assert tib == {"2026-03-07": 490, "2026-03-08": 430, "2026-10-31": 490, "2026-11-01": 550}


def test_without_tz_it_uses_the_machines_zone(run_cli, tmp_path: Path) -> None:
    path = write_diary(
        tmp_path / "d.csv", [c for c in worked_cases() if c["case"] == "spring_forward_new_york"]
    )
    result = run_cli("metrics", str(path), "--json", env={"TZ": "America/New_York"})
    assert json.loads(result.stdout)[0]["tib_min"] == 430


def test_bad_rows_exit_2_with_one_line_per_bad_row(run_cli, cli_home: Path) -> None:
    result = run_cli("metrics", str(DATA / "bad_rows.csv"), "--json", "--tz", "UTC")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["error"] * 9
    assert [(line.split(": ")[1], line.split(": ")[2]) for line in lines] == [
        ("row 2", "bedtime"),
        ("row 3", "waso_min"),
        ("row 4", "nwak"),
        ("row 5", "quality"),
        ("row 6", "out_of_bed"),
        ("row 7", "date"),
        ("row 8", "sol_min"),
        ("row 9", "out_of_bed"),
        ("row 10", "sol_min"),
    ]
    assert "'25:70' is not a clock time" in lines[0]
    assert "is in the future" in lines[5]
    assert "Traceback" not in result.stderr


def test_a_spreadsheet_export_gives_the_same_output_as_a_clean_file(run_cli) -> None:
    for flags in (["--json"], []):
        clean = run_cli("metrics", str(DATA / "clean.csv"), "--tz", "UTC", *flags)
        sheet = run_cli("metrics", str(DATA / "spreadsheet.csv"), "--tz", "UTC", *flags)
        assert clean.exit_code == sheet.exit_code == 0
        assert sheet.stdout == clean.stdout
    assert [
        n["date"]
        for n in json.loads(
            run_cli("metrics", str(DATA / "spreadsheet.csv"), "--tz", "UTC", "--json").stdout
        )
    ] == ["2026-03-01", "2026-03-02", "2026-03-03"]


def test_the_human_output_is_a_table_with_a_summary(run_cli) -> None:
    result = run_cli("metrics", str(DATA / "clean.csv"), "--tz", "UTC")
    assert result.exit_code == 0
    assert "2026-03-01" in result.stdout and "2026-03-03" in result.stdout
    assert "3 nights: mean asleep" in result.stdout


def test_it_stores_nothing(run_cli, cli_home: Path) -> None:
    assert run_cli("metrics", str(DATA / "clean.csv"), "--tz", "UTC").exit_code == 0
    assert list(cli_home.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "field"),
    [(["metrics", "missing.csv"], "file"), (["metrics", "d.csv", "--tz", "Mars/Base"], "tz")],
)
def test_it_refuses_a_missing_file_or_unknown_zone(
    run_cli, tmp_path: Path, args: list[str], field: str
) -> None:
    (tmp_path / "d.csv").write_text(",".join(DIARY_COLUMNS) + "\n")
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {field}: ")


def test_help_starts_fast_without_loading_the_heavy_libraries() -> None:
    code = (
        "import sys, time; t = time.perf_counter(); import nightbridge.cli.app; "
        "heavy = [m for m in ('sqlalchemy', 'rich', 'fastapi', 'numpy', 'alembic') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    # CPU time of the child, not wall time: the shared test machine is often loaded.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "nightbridge", "--help"], capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 0.8  # measured about 0.23 s


def test_the_insomnia_pattern_prints_in_words_never_as_codes(run_cli, tmp_path: Path) -> None:
    # SOL 45 min (> 30) on every night and 45 min awake after the final wake on 3 of 7.
    rows = [
        f"2026-03-0{d},22:30,23:00,45,1,10,{'05:15' if d < 5 else '06:00'},06:00,3"
        for d in range(2, 9)
    ]
    path = tmp_path / "d.csv"
    path.write_text(",".join(DIARY_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    result = run_cli("metrics", str(path), "--tz", "UTC")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Pattern: trouble falling asleep and waking too early" in text
    assert "early_waking" not in text and "onset" not in text
