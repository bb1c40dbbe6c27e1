"""The person's CSV export covers every kind of their data and says which kinds each
file holds (issue 11 item 7): every table with a person is typed, a record file, or left
out with its reason; ``kinds.csv`` lists every file, its rows and whether a restore
reads it back; no credential leaves."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from nightbridge.exporters.csv_export import COLUMNS, read_table
from nightbridge.services.demo.demo import load_demo
from nightbridge.services.handover.exports import export_csv
from nightbridge.services.handover.records import NOT_EXPORTED, RECORDS, TYPED
from nightbridge.storage.database import Database
from nightbridge.storage.tables import Base
from tests.storage.test_backup_restore import FAST, TODAY, _fill_empty_tables
from tests.web.conftest import test_keys


def test_every_table_of_a_person_is_exported_or_left_out_with_a_reason() -> None:
    with_person = {t.name for t in Base.metadata.sorted_tables if "person_id" in t.c} | {"persons"}
    named = [*TYPED, *(table for table, _ in RECORDS.values()), *NOT_EXPORTED]
    assert sorted(named) == sorted(set(named)), "a table is named twice"
    assert set(named) == with_person
    assert set(TYPED.values()) == set(COLUMNS)
    assert all(reason for reason in NOT_EXPORTED.values())


def test_the_export_holds_every_kind_and_says_what_each_file_holds(
    sqlite_database: Database, tmp_path: Path
) -> None:
    load_demo(sqlite_database, keys=test_keys(), days=14, today=TODAY, policy=FAST)
    with sqlite_database.reader() as session:
        person = session.execute(text("SELECT min(id) FROM persons")).scalar()
    _fill_empty_tables(sqlite_database, person)
    with sqlite_database.reader() as session:
        held = {
            table: session.execute(
                text(f"SELECT count(*) FROM {table} WHERE person_id = :p"), {"p": person}
            ).scalar()
            for table, _ in RECORDS.values()
        }
    out = tmp_path / "export"
    export_csv(sqlite_database, person, out)
    manifest = {row["file"]: row for row in read_table((out / "kinds.csv").read_text())}
    on_disk = {p.name for p in out.iterdir()} - {"kinds.csv"}
    assert set(manifest) == on_disk
    for name, row in manifest.items():
        assert int(row["rows"]) == len(read_table((out / name).read_text())), name
        assert row["holds"] and row["restored"]
    for kind, (table, _) in RECORDS.items():
        assert held[table] > 0, f"the test must fill {table}"
        assert int(manifest[f"{kind}.csv"]["rows"]) == held[table], kind
        assert manifest[f"{kind}.csv"]["restored"].startswith("no")
    assert manifest["diary.csv"]["restored"] == "yes"
    assert manifest["alerts.csv"]["restored"].startswith("derived")
    everything = "".join(p.read_text() for p in out.iterdir()).lower()
    for secret in ("password_hash", "totp", "code_hash", "token"):
        assert secret not in everything
