"""The CLI reads its settings from the environment (docs/settings.md): ``--version``,
``--home`` over ``NIGHTBRIDGE_HOME``, a bad value refused naming its variable."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from nightbridge.cli.app import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert (code, out.strip()) == (0, f"nightbridge {version('nightbridge')}")


def test_a_bad_setting_stops_the_command_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NIGHTBRIDGE_AUTH_IDLE_TIMEOUT", "30")
    code, _, err = run(["--home", str(tmp_path), "init"], capsys)
    assert code == 2
    assert "NIGHTBRIDGE_AUTH_IDLE_TIMEOUT: '30' is not a duration" in err
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_the_home_flag_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NIGHTBRIDGE_DATABASE_URL", raising=False)
    monkeypatch.setenv("NIGHTBRIDGE_HOME", str(tmp_path / "from-env"))
    code, out, _ = run(["init", "--home", str(tmp_path / "from-flag")], capsys)
    assert code == 0 and str(tmp_path / "from-flag") in out
    assert (tmp_path / "from-flag" / "nightbridge.sqlite3").exists()
    assert not (tmp_path / "from-env").exists()
