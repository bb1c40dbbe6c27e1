"""services.accounts.accounts: creating accounts (a person account makes the person), rules for
usernames and passwords, atomic writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import (
    change_password,
    create_account,
    get_account,
    list_accounts,
    update_account,
)
from nightbridge.services.accounts.auth import AuthPolicy, verify_password
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.persons import PersonRow

POLICY = AuthPolicy(argon2_memory_kib=1024, argon2_time_cost=1)
PASSWORD = "correct horse battery staple"


def count(database: Database, table: type) -> int:
    with database.reader() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_person_account_creates_the_person_with_its_profile(database: Database) -> None:
    account_id = create_account(
        database,
        POLICY,
        username="Ana",
        password=PASSWORD,
        role="person",
        display_name="Ana M.",
        profile=Profile(tz="America/Chicago", region="US"),
    )
    account = get_account(database, account_id)
    assert account.username == "ana" and account.role == "person"
    assert account.person_id is not None
    with database.reader() as session:
        persons = PersonRepository(session)
        assert persons.display_name(account.person_id) == "Ana M."
        assert persons.get_profile(account.person_id).tz == "America/Chicago"


def test_clinician_and_admin_accounts_have_no_person(database: Database) -> None:
    for role in ("clinician", "admin"):
        account_id = create_account(
            database, POLICY, username=f"{role}1", password=PASSWORD, role=role
        )
        assert get_account(database, account_id).person_id is None
    assert count(database, PersonRow) == 0


def test_the_password_is_stored_as_an_argon2id_hash(database: Database) -> None:
    account_id = create_account(database, POLICY, username="ana", password=PASSWORD, role="person")
    with database.reader() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        stored = row.password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(POLICY, stored, PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "role", "fields"),
    [
        ("ab", PASSWORD, "person", {"username"}),
        ("has space", PASSWORD, "person", {"username"}),
        ("-dash-first", PASSWORD, "person", {"username"}),
        ("ana", "elevenchars", "person", {"password"}),
        ("ana", "x" * 1025, "person", {"password"}),
        ("ana", PASSWORD, "nurse", {"role"}),
        ("a", "short", "wizard", {"username", "password", "role"}),
    ],
)
def test_it_names_every_bad_field_and_stores_nothing(
    sqlite_database: Database, username: str, password: str, role: str, fields: set[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_account(sqlite_database, POLICY, username=username, password=password, role=role)
    assert {p.field for p in caught.value.problems} == fields
    assert count(sqlite_database, AccountRow) == 0
    assert count(sqlite_database, PersonRow) == 0


def test_a_taken_username_leaves_no_orphan_person(database: Database) -> None:
    create_account(database, POLICY, username="ana", password=PASSWORD, role="person")
    with pytest.raises(InvalidInput, match="username: is already taken"):
        create_account(database, POLICY, username="ANA", password=PASSWORD, role="person")
    assert count(database, AccountRow) == 1
    assert count(database, PersonRow) == 1


def test_a_password_of_any_characters_up_to_1024_is_accepted(sqlite_database: Database) -> None:
    long_one = "Zürich 夜 🌙 " * 80
    assert 64 < len(long_one) <= 1024
    account_id = create_account(
        sqlite_database, POLICY, username="ana", password=long_one, role="person"
    )
    with sqlite_database.reader() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None and verify_password(POLICY, row.password_hash, long_one)


def test_changing_the_password_needs_the_current_one(sqlite_database: Database) -> None:
    account_id = create_account(
        sqlite_database, POLICY, username="ana", password=PASSWORD, role="person"
    )
    actor = Actor(account_id, "person", get_account(sqlite_database, account_id).person_id)
    with pytest.raises(InvalidInput, match="current_password"):
        change_password(
            sqlite_database,
            POLICY,
            actor,
            current="guess guess guess",
            new="a brand new passphrase",
        )
    change_password(sqlite_database, POLICY, actor, current=PASSWORD, new="a brand new passphrase")
    with sqlite_database.reader() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        assert verify_password(POLICY, row.password_hash, "a brand new passphrase")


def test_only_an_admin_updates_accounts_and_not_to_disable_themselves(
    sqlite_database: Database,
) -> None:
    from nightbridge.core.errors import NotFound

    admin_id = create_account(
        sqlite_database, POLICY, username="root", password=PASSWORD, role="admin"
    )
    ana_id = create_account(
        sqlite_database, POLICY, username="ana", password=PASSWORD, role="person"
    )
    admin = Actor(admin_id, "admin")
    with pytest.raises(NotFound):
        update_account(sqlite_database, Actor(ana_id, "person", 1), admin_id, disabled=True)
    with pytest.raises(InvalidInput, match="cannot disable your own"):
        update_account(sqlite_database, admin, admin_id, disabled=True)
    assert update_account(sqlite_database, admin, ana_id, disabled=True).disabled
    assert [a.username for a in list_accounts(sqlite_database)] == ["root", "ana"]


def test_an_account_keeps_the_language_it_chose(database: Database) -> None:
    from nightbridge.services.accounts.accounts import set_account_locale
    from nightbridge.services.accounts.auth import actor_of

    account_id = create_account(database, POLICY, username="ana", password=PASSWORD, role="person")
    with database.reader() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        actor = actor_of(row)
    assert get_account(database, account_id).locale is None
    assert set_account_locale(database, actor, " ES ") == "es"
    assert get_account(database, account_id).locale == "es"
    with pytest.raises(InvalidInput) as refused:
        set_account_locale(database, actor, "fr")
    assert refused.value.problems[0].field == "locale"
    assert get_account(database, account_id).locale == "es"  # nothing written
    assert set_account_locale(database, actor, "") is None
    assert get_account(database, account_id).locale is None
