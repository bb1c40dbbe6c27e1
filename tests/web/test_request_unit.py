"""One transaction per write request: a person's own write commits its audit row with
the data; a write that stores nothing still leaves its row (web.unit, storage.deferred)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from nightbridge.storage.tables.accounts import AuditEventRow
from nightbridge.storage.tables.diary import DiaryEntryRow
from tests.web.conftest import Personas

ENTRY = {
    "bedtime": "23:10",
    "lights_off": "23:25",
    "sol_min": 20,
    "nwak": 2,
    "waso_min": 30,
    "final_wake": "06:40",
    "out_of_bed": "06:55",
    "quality": 3,
}


def writes(personas: Personas, person_id: int) -> list[AuditEventRow]:
    with personas.database.reader() as session:
        return list(
            session.scalars(
                select(AuditEventRow).where(
                    AuditEventRow.person_id == person_id, AuditEventRow.action == "write"
                )
            )
        )


def test_a_diary_post_commits_its_audit_row_in_its_own_single_transaction(
    personas: Personas,
) -> None:
    a = personas.patient_a
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    begins: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            begins.append(statement)

    event.listen(personas.database.engine, "before_cursor_execute", seen)
    try:
        response = a.send("POST", "/api/me/diary", json={"date": yesterday, **ENTRY})
    finally:
        event.remove(personas.database.engine, "before_cursor_execute", seen)
    assert response.status_code == 201, response.text
    assert len(begins) == 1  # the entry, its alerts, summary and audit row: one write
    (row,) = writes(personas, a.person_id or 0)
    assert (row.actor_account_id, row.outcome, row.object) == (
        a.account_id,
        "allowed",
        "POST /api/me/diary",
    )
    with personas.database.reader() as session:
        assert session.scalars(select(DiaryEntryRow.date)).all() == [
            dt.date.fromisoformat(yesterday)
        ]


def test_a_refused_write_stores_nothing_and_still_leaves_its_audit_row(
    personas: Personas,
) -> None:
    a = personas.patient_a
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = a.send("POST", "/api/me/diary", json={"date": future, **ENTRY})
    assert response.status_code == 422
    (row,) = writes(personas, a.person_id or 0)
    assert row.outcome == "allowed" and row.object == "POST /api/me/diary"
    with personas.database.reader() as session:
        assert session.scalars(select(DiaryEntryRow)).all() == []
