"""``nightbridge account reset-password``: a self-hosting person who forgot their password
gets back in from the machine that holds the store; the old password and every session
stop working; the reset is on the person's own activity page; bad input changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from nightbridge.cli.app import main
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import LoginRefused, authenticate, open_session
from nightbridge.services.audit import person_events_page
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database, resolve_url
from nightbridge.storage.tables.accounts import AccountRow, WebSessionRow

OLD = "an old forgotten passphrase"
NEW = "a brand new long passphrase"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("NIGHTBRIDGE_DATABASE_URL", raising=False)
    return tmp_path


def _store(home: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Database, int]:
    assert run(["--home", str(home), "init"], capsys)[0] == 0
    database = Database(resolve_url(home))
    account = create_account(database, AuthPolicy(), username="dana", password=OLD, role="person")
    open_session(database, account_id=account, stage="full")
    return database, account


def test_a_reset_lets_the_owner_in_and_ends_every_session(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, account = _store(home, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    code, out, err = run(
        ["--home", str(home), "account", "reset-password", "Dana", "--password-stdin"], capsys
    )
    assert (code, err) == (0, "")
    assert "The password of dana is changed" in out
    assert NEW not in out
    assert authenticate(database, AuthPolicy(), "dana", NEW)[0] == account
    with pytest.raises(LoginRefused):
        authenticate(database, AuthPolicy(), "dana", OLD)
    with database.reader() as session:
        assert (
            session.scalars(select(WebSessionRow).where(WebSessionRow.account_id == account)).all()
            == []
        )
        person_id = session.get(AccountRow, account).person_id
    actions = [(e.action, e.actor_role) for e in person_events_page(database, person_id).events]
    assert ("account.password.reset", "host") in actions
    database.dispose()


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("nobody", NEW, "no account is called 'nobody'"),
        ("dana", "short", "needs at least 12 characters"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    username: str,
    password: str,
    message: str,
) -> None:
    database, account = _store(home, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code, _, err = run(
        ["--home", str(home), "account", "reset-password", username, "--password-stdin"], capsys
    )
    assert code == 2 and message in err and "Traceback" not in err
    assert authenticate(database, AuthPolicy(), "dana", OLD)[0] == account
    database.dispose()
