"""Migration 0013 fills the summaries of the persons already stored, and ``nightbridge
summaries rebuild`` recomputes them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from sqlalchemy import delete, text

from nightbridge.core.profile import Profile
from nightbridge.services.sleep.diary import import_diary
from nightbridge.storage.database import Database, url_for_home
from nightbridge.storage.migrate import upgrade
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.summaries import SummaryRepository
from nightbridge.storage.tables.summaries import PersonSummaryRow

DIARY = "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality\n" + "".join(
    f"{(dt.date.today() - dt.timedelta(days=ago)).isoformat()},22:30,23:00,15,1,20,06:30,06:45,3\n"
    for ago in range(5, 0, -1)
)


def test_the_migration_backfills_every_person(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with db.engine.begin() as conn:
        upgrade(conn, "0013_taper_history")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO persons (id, display_name, is_owner, tz, region, "
                "conditions, safety_critical_job, floor_min, raise_at_pct, "
                "lower_at_pct, step_min, created_at) VALUES (1, 'Ana', 1, 'UTC', "
                "'US', '[]', 0, 300, 90, 85, 15, '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO checkins (person_id, date, symptoms, flags, "
                "withdrawal_score, phq9_total, created_at, updated_at) VALUES "
                "(1, :d, '{}', '[]', 6, 12, :t, :t)"
            ),
            {"d": dt.date.today().isoformat(), "t": "2026-01-01 00:00:00"},
        )
    db.migrate()
    with db.reader() as session:
        repo = SummaryRepository(session)
        stored = repo.get(1)
        assert stored is not None and stored == repo.compute(1)
    assert stored.name == "Ana" and stored.phq9_total == 12
    assert stored.last_entry == dt.date.today()
    db.dispose()


def test_the_rebuild_command_recomputes_every_summary(run_cli, cli_home: Path) -> None:  # type: ignore[no-untyped-def]
    db = Database(url_for_home(cli_home))
    db.migrate()
    with db.transaction() as session:
        pid = PersonRepository(session).create(Profile(tz="UTC"), display_name="Ana")
    import_diary(db, pid, io.StringIO(DIARY))
    with db.transaction() as session:
        session.execute(delete(PersonSummaryRow))
    result = run_cli("summaries", "rebuild")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "Rebuilt the summaries of 1 person."
    with db.reader() as session:
        repo = SummaryRepository(session)
        stored = repo.get(pid)
        assert stored is not None and stored == repo.compute(pid)
    assert stored.nights_7d == 5
    db.dispose()
