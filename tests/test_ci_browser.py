"""CI cannot skip the browser (issue 12, item 12): where the browser is required a
missing Chromium fails the browser tests, and scripts/ensure-chromium waits for the
package lock and fails loudly instead of ``|| true``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import tests.browser as browser

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-chromium"


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, False),
        ({"NIGHTBRIDGE_TEST_POSTGRES_REQUIRED": "1"}, True),
        ({"NIGHTBRIDGE_TEST_BROWSER_REQUIRED": "1"}, True),
        (
            {"NIGHTBRIDGE_TEST_POSTGRES_REQUIRED": "1", "NIGHTBRIDGE_TEST_BROWSER_REQUIRED": "0"},
            False,
        ),
    ],
)
def test_the_browser_is_required_in_ci(env: dict[str, str], required: bool) -> None:
    assert browser.browser_required(env) is required


def test_a_missing_chromium_fails_where_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", None)
    monkeypatch.setenv("NIGHTBRIDGE_TEST_BROWSER_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        browser.require_playwright()
    monkeypatch.setenv("NIGHTBRIDGE_TEST_BROWSER_REQUIRED", "0")
    with pytest.raises(pytest.skip.Exception):
        browser.require_playwright()


def _fake_bin(tmp_path: Path, uid: int, apt_exit: int) -> Path:
    """A PATH with no chromium, a fake ``id`` and a fake ``apt-get`` that logs its
    arguments (no package is ever installed by this test)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(
        f'#!/bin/sh\necho "$@" >> "{tmp_path}/apt.log"\nexit {apt_exit}\n'
    )
    for tool in ("id", "apt-get"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir


def _run(bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(bin_dir), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_ensure_chromium_fails_loudly_in_ci_without_root(tmp_path: Path) -> None:
    bin_dir = _fake_bin(tmp_path, uid=1000, apt_exit=0)
    required = _run(bin_dir, NIGHTBRIDGE_TEST_BROWSER_REQUIRED="1")
    assert required.returncode == 1
    assert "ERROR" in required.stderr and "required" in required.stderr
    local = _run(bin_dir)
    assert local.returncode == 0 and "SKIPPED" in local.stdout


def test_ensure_chromium_waits_for_the_lock_and_fails_when_apt_fails(tmp_path: Path) -> None:
    bin_dir = _fake_bin(tmp_path, uid=0, apt_exit=100)
    result = _run(bin_dir, NIGHTBRIDGE_APT_LOCK_WAIT="42")
    assert result.returncode == 1
    assert "ERROR: apt-get update failed" in result.stderr
    assert "DPkg::Lock::Timeout=42" in (tmp_path / "apt.log").read_text()


def test_no_install_failure_is_hidden() -> None:
    assert "|| true" not in SCRIPT.read_text()
