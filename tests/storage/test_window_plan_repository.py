"""The window plans table on both engines: the plan in force is the last stored, the
history keeps every change, each person sees only their own, and a deleted person
takes their plans along (ON DELETE CASCADE)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from nightbridge.core.profile import Profile
from nightbridge.core.window_plan import WindowPlan
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.window_plans import WindowPlanRepository
from nightbridge.storage.tables.persons import PersonRow
from nightbridge.storage.tables.window_plans import WindowPlanRow

FIRST = WindowPlan(dt.time(6, 0), 330, dt.date(2026, 11, 3), "person", "start")
SECOND = WindowPlan(dt.time(6, 0), 345, dt.date(2026, 11, 10), "clinician", "increase")


def test_the_plan_in_force_is_the_last_stored_and_history_keeps_all(database: Database) -> None:
    with database.transaction() as session:
        persons = PersonRepository(session)
        ana, ben = persons.create(Profile()), persons.create(Profile())
        plans = WindowPlanRepository(session)
        plans.add(ana, FIRST)
        plans.add(ana, SECOND)
        plans.add(ben, WindowPlan(dt.time(7, 15), None, dt.date(2026, 11, 4), "person", "collect"))
    with database.reader() as session:
        plans = WindowPlanRepository(session)
        assert plans.current(ana) == SECOND
        assert plans.history(ana) == [FIRST, SECOND]
        assert plans.current(ben) == WindowPlan(
            dt.time(7, 15), None, dt.date(2026, 11, 4), "person", "collect"
        )


def test_a_person_without_a_plan_has_none(database: Database) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile())
    with database.reader() as session:
        assert WindowPlanRepository(session).current(pid) is None
        assert WindowPlanRepository(session).history(pid) == []


def test_deleting_a_person_deletes_their_plans(database: Database) -> None:
    with database.transaction() as session:
        pid = PersonRepository(session).create(Profile())
        WindowPlanRepository(session).add(pid, FIRST)
    with database.transaction() as session:
        session.execute(delete(PersonRow).where(PersonRow.id == pid))
    with database.reader() as session:
        assert session.scalar(select(func.count()).select_from(WindowPlanRow)) == 0
