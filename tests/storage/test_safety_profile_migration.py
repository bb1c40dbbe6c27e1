"""Migration 0015 (the safety profile): "screen answered" is told apart from "no
conditions", and adding the columns keeps every row that refers to a person (a batch
copy of ``persons`` on SQLite would cascade-delete them)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from nightbridge.storage.database import Database
from nightbridge.storage.migrate import upgrade
from nightbridge.storage.repositories.persons import PersonRepository

PERSON = (
    "INSERT INTO persons (id, display_name, is_owner, tz, region, conditions, "
    "safety_critical_job, floor_min, raise_at_pct, lower_at_pct, step_min, created_at) "
    "VALUES (:id, 'p', 0, 'UTC', 'US', :c, 0, 300, 90, 85, 15, '2026-01-01 00:00:00')"
)


def test_the_migration_keeps_the_diary_and_marks_only_recorded_conditions_as_answered(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with db.engine.begin() as conn:
        upgrade(conn, "0014_person_summaries")
        conn.execute(text(PERSON), {"id": 1, "c": "[]"})
        conn.execute(text(PERSON), {"id": 2, "c": '["bipolar"]'})
        conn.execute(
            text(
                "INSERT INTO diary_entries (person_id, date, bedtime, lights_off, sol_min, "
                "nwak, waso_min, final_wake, out_of_bed, quality, note, created_at, "
                "updated_at) VALUES (1, '2026-03-01', '23:00', '23:10', 20, 1, 15, "
                "'06:40', '06:50', 3, '', '2026-03-01 07:00:00', '2026-03-01 07:00:00')"
            )
        )
    db.migrate()
    with db.reader() as session:
        assert session.execute(text("SELECT count(*) FROM diary_entries")).scalar() == 1
        repo = PersonRepository(session)
        first, second = repo.get_profile(1), repo.get_profile(2)
    assert (first.screened, first.located) == (False, False)  # asked at the next login
    assert (second.screened, second.conditions) == (True, {"bipolar"})
    db.dispose()
