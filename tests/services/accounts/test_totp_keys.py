"""TOTP secrets sealed at rest with a key kept outside the database (issue 12 item 9), on
SQLite and PostgreSQL: what the column holds, the key file's shape and mode, the
migration that seals secrets stored in the clear, key rotation, and the CLI's words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.auth import LoginRefused, verify_totp
from nightbridge.services.accounts.totp_keys import (
    TotpKeys,
    TotpKeyUnavailable,
    is_sealed,
    rotate_key,
)
from nightbridge.storage.database import Database
from nightbridge.storage.migrate import upgrade
from nightbridge.storage.schema import StoreRefused, head, state_of
from nightbridge.storage.tables.accounts import AccountRow, AuditEventRow
from tests.conftest import PG_URL, postgres_problem
from tests.web.conftest import FAST_AUTH

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _clinician(database: Database, name: str = "dr-lee") -> int:
    return create_account(
        database, FAST_AUTH, username=name, password="correct horse battery", role="clinician"
    )


def _enrol(database: Database, keys: TotpKeys, account_id: int) -> str:
    secret = pyotp.random_base32()
    earlier = T0 - dt.timedelta(minutes=5)
    code = pyotp.TOTP(secret).at(earlier)
    verify_totp(
        database, FAST_AUTH, account_id, code, keys=keys, confirm=True, pending=secret, now=earlier
    )
    return secret


def _stored(database: Database, account_id: int) -> str:
    with database.reader() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        return row.totp_secret or ""


def _code_works(database: Database, keys: TotpKeys, account_id: int, secret: str, at: int) -> None:
    when = T0 + dt.timedelta(minutes=at)
    verify_totp(database, FAST_AUTH, account_id, pyotp.TOTP(secret).at(when), keys=keys, now=when)


def test_the_column_holds_a_sealed_secret_and_the_code_still_works(
    database: Database, tmp_path: Path
) -> None:
    keys = TotpKeys(tmp_path / "keys" / "totp.key")
    account = _clinician(database)
    secret = _enrol(database, keys, account)
    stored = _stored(database, account)
    assert is_sealed(stored) and stored.startswith("v1:")
    assert secret not in stored and secret.lower() not in stored.lower()
    key_id = keys.load()[0][0]
    assert stored.split(":")[1] == key_id
    assert stat.S_IMODE(os.stat(keys.path).st_mode) == 0o600  # made on first need, private
    _code_works(database, keys, account, secret, at=1)
    # a second enrolment seals with the same key, a new nonce
    other = _clinician(database, "dr-kim")
    other_secret = _enrol(database, keys, other)
    assert keys.open(other, _stored(database, other)) == other_secret
    # a sealed secret copied onto another account's row does not open there
    with pytest.raises(TotpKeyUnavailable, match="does not open"):
        keys.open(other, stored)


def test_a_lost_key_file_is_reported_and_never_silently_replaced(
    database: Database, tmp_path: Path
) -> None:
    keys = TotpKeys(tmp_path / "totp.key")
    account = _clinician(database)
    secret = _enrol(database, keys, account)
    saved = keys.path.read_bytes()
    keys.path.unlink()
    with pytest.raises(TotpKeyUnavailable, match="is missing") as missing:
        _code_works(database, keys, account, secret, at=1)
    assert secret not in str(missing.value)
    second = _clinician(database, "dr-kim")
    with pytest.raises(TotpKeyUnavailable, match="is missing"):  # not a fresh key
        _enrol(database, keys, second)
    assert not keys.path.exists() and _stored(database, second) == ""
    # another store's key: named as the wrong file
    TotpKeys(keys.path).load(create=True)
    with pytest.raises(TotpKeyUnavailable, match="wrong file for this store"):
        _code_works(database, keys, account, secret, at=2)
    keys.path.write_bytes(saved)  # the backed-up file puts everything right
    _code_works(database, keys, account, secret, at=3)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "holds no key"),
        ("# only a comment\n", "holds no key"),
        ("not a key file at all\n", "line 1 is not"),
        ("0123abcd c2hvcnQ\n", "line 1 is not"),  # a key of 5 bytes
        ("0123abcd " + "A" * 43 + "\n0123abcd " + "B" * 43 + "\n", "twice"),
    ],
)
def test_a_key_file_of_the_wrong_shape_is_refused_in_a_sentence(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "totp.key"
    path.write_text(content, encoding="ascii")
    with pytest.raises(TotpKeyUnavailable, match=reason) as refused:
        TotpKeys(path).seal(1, "JBSWY3DPEHPK3PXP")
    assert str(path) in str(refused.value)


def test_an_unreadable_key_file_is_refused_in_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "totp.key"
    path.mkdir()  # a folder where the file should be: cannot be read, even by root
    with pytest.raises(TotpKeyUnavailable, match="cannot be read"):
        TotpKeys(path).load()
    binary = tmp_path / "binary.key"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TotpKeyUnavailable, match=r"cannot be read \(not text\)"):
        TotpKeys(binary).load()


def test_rotating_the_key_reseals_every_secret_and_is_audited(
    database: Database, tmp_path: Path
) -> None:
    keys = TotpKeys(tmp_path / "totp.key")
    accounts = [_clinician(database, f"dr-{n}") for n in ("lee", "kim")]
    secrets_ = [_enrol(database, keys, a) for a in accounts]
    old_file = keys.path.read_bytes()
    old_id = keys.load()[0][0]
    before = [_stored(database, a) for a in accounts]
    new_id, count = rotate_key(database, keys)
    assert count == 2 and new_id != old_id
    assert [k for k, _ in keys.load()] == [new_id]  # the old key is gone from the file
    after = [_stored(database, a) for a in accounts]
    assert all(s.split(":")[1] == new_id for s in after) and after != before
    for n, (account, secret) in enumerate(zip(accounts, secrets_, strict=True)):
        _code_works(database, keys, account, secret, at=n + 1)
    stale = tmp_path / "old.key"
    stale.write_bytes(old_file)
    with pytest.raises(TotpKeyUnavailable, match="wrong file"):
        TotpKeys(stale).open(accounts[0], after[0])
    with database.reader() as session:
        rows = session.scalars(
            select(AuditEventRow.detail).where(AuditEventRow.action == "totp.key.rotate")
        ).all()
    assert rows == [f"new key {new_id}; 2 secrets re-sealed"]


# -- the migration that seals secrets stored in the clear --------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A store at schema 0016 (before sealing), on each engine."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield db
        db.dispose()
        return
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = f"nbtotp_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, engine_options={"connect_args": {"options": f"-csearch_path={schema}"}})
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


ACCOUNT = (
    "INSERT INTO accounts (id, username, password_hash, role, totp_secret, totp_confirmed, "
    "failed_logins, disabled, created_at) VALUES (:id, :name, 'x', 'clinician', :secret, "
    ":confirmed, 0, false, '2026-01-01 00:00:00')"
)


def test_the_migration_seals_secrets_stored_in_the_clear(
    old_store: Database, tmp_path: Path
) -> None:
    clear = {1: pyotp.random_base32(), 2: pyotp.random_base32()}
    with old_store.engine.begin() as conn:
        upgrade(conn, "0019_account_locale")
        for account_id, secret in clear.items():
            conn.execute(
                text(ACCOUNT),
                {"id": account_id, "name": f"dr-{account_id}", "secret": secret, "confirmed": True},
            )
        conn.execute(text(ACCOUNT), {"id": 3, "name": "ana", "secret": None, "confirmed": False})
    with pytest.raises(StoreRefused, match="2 accounts have two-step login secrets"):
        old_store.migrate()  # no key file given: refused, nothing changed
    assert state_of(old_store).revision == "0019_account_locale"
    assert _stored(old_store, 1) == clear[1]
    keys = TotpKeys(tmp_path / "totp.key")
    old_store.migrate(totp_sealer=keys.sealer())
    assert state_of(old_store).revision == head()
    for account_id, secret in clear.items():
        stored = _stored(old_store, account_id)
        assert is_sealed(stored) and secret not in stored
        assert keys.open(account_id, stored) == secret
    assert _stored(old_store, 3) == ""
    with old_store.transaction() as session:  # the code checks as before
        session.execute(text("UPDATE accounts SET totp_last_step = NULL"))
    _code_works(old_store, keys, 1, clear[1], at=0)
    with pytest.raises(LoginRefused):
        _code_works(old_store, keys, 2, clear[1], at=0)  # another account's code


def test_migrating_a_store_with_nothing_to_seal_needs_no_key(old_store: Database) -> None:
    with old_store.engine.begin() as conn:
        upgrade(conn, "0019_account_locale")
        conn.execute(text(ACCOUNT), {"id": 1, "name": "ana", "secret": None, "confirmed": False})
    old_store.migrate()
    assert state_of(old_store).revision == head()


# -- the CLI -----------------------------------------------------------------------------


def _cli_store(home: Path) -> tuple[Database, TotpKeys, int, str]:
    database = Database(f"sqlite:///{home / 'nightbridge.sqlite3'}")
    database.migrate()
    keys = TotpKeys(home / "totp.key")
    account = _clinician(database)
    return database, keys, account, _enrol(database, keys, account)


def test_the_cli_rotates_the_key_and_backup_and_restore_name_the_key_file(
    run_cli, cli_home: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    database, keys, account, secret = _cli_store(cli_home)
    old_id = keys.load()[0][0]
    rotated = run_cli("account", "rotate-totp-key")
    assert rotated.exit_code == 0, rotated.stderr
    new_id = keys.load()[0][0]
    assert new_id != old_id and f"new key {new_id}; 1 two-step secrets" in rotated.stdout
    assert keys.open(account, _stored(database, account)) == secret
    database.dispose()
    backup = tmp_path / "nb.sqlite3"
    made = run_cli("backup", "--out", str(backup))
    assert made.exit_code == 0, made.stderr
    assert f"sealed with the key file {keys.path}, which is not in the backup" in made.stdout
    new_home = tmp_path / "restored"
    restored = run_cli("restore", str(backup), home=new_home)
    assert restored.exit_code == 0, restored.stderr
    assert f"Copy the key file backed up with it to {new_home / 'totp.key'}" in restored.stdout
    # without the key file, a command that needs it says so in a sentence, exit 1
    restored_db = Database(f"sqlite:///{new_home / 'nightbridge.sqlite3'}")
    try:
        with pytest.raises(TotpKeyUnavailable, match="is missing"):
            TotpKeys(new_home / "totp.key").open(account, _stored(restored_db, account))
    finally:
        restored_db.dispose()
    refused = run_cli("account", "rotate-totp-key", home=new_home)
    assert refused.exit_code == 1
    assert "is missing" in refused.stderr and "Traceback" not in refused.stderr
    assert secret not in refused.stdout + refused.stderr


def test_the_key_file_setting_and_its_default(tmp_path: Path) -> None:
    from nightbridge.settings import Settings

    assert Settings(home=tmp_path).totp_key_path == tmp_path / "totp.key"
    chosen = Settings.from_env({"NIGHTBRIDGE_TOTP_KEY_FILE": str(tmp_path / "k" / "nb.key")})
    assert chosen.totp_key_path == tmp_path / "k" / "nb.key"
    again = Settings.from_env(chosen.to_env())
    assert again == chosen and dataclasses.replace(again, home=tmp_path) != again
