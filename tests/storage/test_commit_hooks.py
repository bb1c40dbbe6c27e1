"""``Database.on_commit``: a callback after a marked transaction has committed (its rows
visible to another connection), never after one rolled back. Both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from nightbridge.core.profile import Profile
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.tables.persons import PersonRow

KEY = "test_mark"


def test_the_callback_runs_after_the_commit_and_never_after_a_rollback(
    database: Database,
) -> None:
    seen: list[int] = []

    def count_from_another_connection() -> None:
        with database.reader() as session:
            seen.append(int(session.scalar(select(func.count()).select_from(PersonRow)) or 0))

    remove = database.on_commit(KEY, count_from_another_connection)
    with pytest.raises(RuntimeError), database.transaction() as session:
        PersonRepository(session).create(Profile())
        session.connection().info[KEY] = True
        raise RuntimeError("rolled back")
    assert seen == []
    with database.transaction() as session:  # unmarked: no call
        PersonRepository(session).create(Profile())
    assert seen == []
    with database.transaction() as session:
        PersonRepository(session).create(Profile())
        session.connection().info[KEY] = True
    assert seen == [2]  # both committed rows visible when it ran
    remove()
    with database.transaction() as session:
        session.connection().info[KEY] = True
    assert seen == [2]
