"""``nightbridge notify send --once`` (cron): sends what is due through the relay the
settings name, says how many; no relay set: exit 2 naming the variable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nightbridge.cli.app import main
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.storage.database import Database, resolve_url
from tests.services.notifications.conftest import DAY, open_clinic
from tests.smtp import ONCALL, SENDER, LocalSmtp


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_FROM"):
        monkeypatch.delenv(f"NIGHTBRIDGE_{name}", raising=False)
    return tmp_path


def test_send_once_emails_what_is_due(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: LocalSmtp,
) -> None:
    assert run(["--home", str(home), "init"], capsys)[0] == 0
    database = Database(resolve_url(home))
    clinic = open_clinic(database)
    record_checkin(database, clinic.person_ids[0], DAY, flags=["chest_pain"], today=DAY)
    for name, value in {
        "HOST": smtp_server.host,
        "PORT": str(smtp_server.port),
        "TLS": "none",
        "FROM": SENDER,
        "ONCALL": ONCALL,
    }.items():
        monkeypatch.setenv(f"NIGHTBRIDGE_SMTP_{name}", value)
    code, out, err = run(["--home", str(home), "notify", "send", "--once"], capsys)
    assert (code, err) == (0, "")
    assert out == "Sent 1 email (1 notice).\n"
    [mail] = smtp_server.messages
    assert mail.recipients == (ONCALL,)
    code, out, _ = run(["--home", str(home), "notify", "send", "--once"], capsys)
    assert (code, out) == (0, "Sent 0 emails (0 notices).\n")
    database.dispose()


def test_without_a_relay_it_names_the_setting(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["--home", str(home), "notify", "send", "--once"], capsys)
    assert code == 2
    assert "NIGHTBRIDGE_SMTP_HOST" in err and "no mail relay" in err


def test_status_counts_notices_by_state_and_names_the_last_failure(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: LocalSmtp,
) -> None:
    assert run(["--home", str(home), "init"], capsys)[0] == 0
    database = Database(resolve_url(home))
    clinic = open_clinic(database)
    record_checkin(database, clinic.person_ids[0], DAY, flags=["chest_pain"], today=DAY)
    code, out, _ = run(["--home", str(home), "notify", "status"], capsys)
    assert (code, out) == (0, "1 pending, 0 sent, 0 failed, 0 unrouted, 0 expired notices.\n")
    smtp_server.stop()
    monkeypatch.setenv("NIGHTBRIDGE_SMTP_MAX_ATTEMPTS", "1")
    for name, value in {"HOST": smtp_server.host, "PORT": str(smtp_server.port)}.items():
        monkeypatch.setenv(f"NIGHTBRIDGE_SMTP_{name}", value)
    monkeypatch.setenv("NIGHTBRIDGE_SMTP_TLS", "none")
    monkeypatch.setenv("NIGHTBRIDGE_SMTP_FROM", SENDER)
    monkeypatch.setenv("NIGHTBRIDGE_SMTP_ONCALL", ONCALL)
    code, out, _ = run(["--home", str(home), "notify", "send", "--once"], capsys)
    assert out == "Sent 0 emails (0 notices). 1 given up after the last attempt.\n"
    code, out, _ = run(["--home", str(home), "notify", "status", "--json"], capsys)
    found = json.loads(out)
    assert found["counts"] == {"failed": 1}
    assert found["last_failure"]["error"] == "ConnectionRefusedError"
    assert ONCALL not in out
    database.dispose()
