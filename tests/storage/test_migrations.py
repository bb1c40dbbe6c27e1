"""The migrations build exactly the tables the models describe, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from nightbridge.core.profile import Profile, WindowSettings
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables import Base


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrating_twice_is_safe(database: Database) -> None:
    database.migrate()
    database.migrate()


def test_it_keeps_the_profile_it_was_given(database: Database) -> None:
    profile = Profile(
        tz="America/New_York",
        region="CA",
        conditions=frozenset({"pregnancy", "liver_disease"}),
        safety_critical_job=True,
        window=WindowSettings(floor_min=330, raise_at_pct=88.0, lower_at_pct=80.0, step_min=30),
    )
    with database.transaction() as session:
        person_id = PersonRepository(session).create(profile, display_name="Ana")
    with database.reader() as session:
        assert PersonRepository(session).get_profile(person_id) == profile


def test_a_failed_transaction_stores_nothing(database: Database) -> None:
    try:
        with database.transaction() as session:
            PersonRepository(session).create(Profile(), display_name="half")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with database.reader() as session:
        assert PersonRepository(session).ids() == []


def test_the_owner_is_created_once(database: Database) -> None:
    with database.transaction() as session:
        first = PersonRepository(session).ensure_owner(Profile(tz="Europe/Berlin"))
    with database.transaction() as session:
        second = PersonRepository(session).ensure_owner(Profile(tz="UTC"))
    assert first == second
    with database.reader() as session:
        assert PersonRepository(session).get_profile(first).tz == "Europe/Berlin"
