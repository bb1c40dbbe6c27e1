"""``nightbridge export fhir|csv|ics`` and ``nightbridge restore``: the real commands."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from nightbridge.exporters.csv_export import COLUMNS
from tests.cli.test_report import filled_home


def test_export_fhir_writes_a_valid_bundle(run_cli, cli_home: Path, tmp_path: Path) -> None:
    filled_home(cli_home)
    out = tmp_path / "bundle.json"
    result = run_cli("export", "fhir", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    Bundle.model_validate(json.loads(out.read_text(encoding="utf-8")))


def test_export_csv_then_restore_then_export_gives_the_same_files(
    run_cli, cli_home: Path, tmp_path: Path
) -> None:
    filled_home(cli_home)
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli("export", "csv", "--out", str(first)).exit_code == 0
    fresh = tmp_path / "fresh-home"
    restored = run_cli("restore", str(first), home=fresh)
    assert restored.exit_code == 0, restored.stderr
    assert "Restored 19 diary" in restored.stdout
    assert run_cli("export", "csv", "--out", str(second), home=fresh).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert "diary.csv" in names and "intake.csv" in names and "kinds.csv" in names
    assert "Not read back from a CSV export" in restored.stdout and "cravings" in restored.stdout
    for name in (f"{kind}.csv" for kind in COLUMNS):  # the files a restore reads back
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    listed = run_cli("diary", "list", "--json", home=fresh)
    assert len(json.loads(listed.stdout)) == 19


def test_restoring_twice_is_refused_with_exit_2(run_cli, cli_home: Path, tmp_path: Path) -> None:
    filled_home(cli_home)
    out = tmp_path / "x.zip"
    assert run_cli("export", "csv", "--out", str(out)).exit_code == 0
    again = run_cli("restore", str(out))
    assert again.exit_code == 2
    assert "error: store: already holds" in again.stderr


def test_an_unknown_format_exits_2(run_cli, tmp_path: Path) -> None:
    result = run_cli("export", "xml", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "error: format: 'xml' is not one of fhir, csv, ics" in result.stderr


def test_export_ics_writes_a_calendar(run_cli, cli_home: Path, tmp_path: Path) -> None:
    filled_home(cli_home)
    out = tmp_path / "sleep.ics"
    assert run_cli("export", "ics", "--out", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
