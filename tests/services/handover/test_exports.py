"""Exports: CSV (formula-safe, restorable), FHIR R4 (validated), iCalendar (RFC 5545)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given
from hypothesis import strategies as st

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.exporters.csv_export import neutralise, read_table, restore, write_table
from nightbridge.exporters.fhir import CODE_SYSTEM, LOINC
from nightbridge.exporters.ics import DailyEvent, build_calendar, fold_line, sleep_events
from nightbridge.services.devices.devices import import_device
from nightbridge.services.handover.exports import export_csv, export_fhir, export_ics, read_files
from nightbridge.services.handover.nightbridge_csv import restore_export
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository
from tests.services.store_sample import TZ, fill_store

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = dt.datetime(2026, 3, 23, 2, 0, tzinfo=dt.UTC)


# --- formula injection -------------------------------------------------------------------

CASES = [  # (cell, written): OWASP CSV Injection starters get a quote, numbers do not
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
    ("+1 555 0100", "'+1 555 0100"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("-5", "-5"),
    ("-0.25", "-0.25"),
    ("+3", "+3"),
    ("'quoted", "''quoted"),
    ("plain", "plain"),
    ("", ""),
]


@pytest.mark.parametrize(("cell", "written"), CASES)
def test_dangerous_cells_get_a_quote_and_numbers_do_not(cell: str, written: str) -> None:
    assert neutralise(cell) == written
    assert restore(written) == cell


@given(st.text())
def test_every_cell_reads_back_exactly_and_never_starts_a_formula(cell: str) -> None:
    written = neutralise(cell)
    assert restore(written) == cell
    if written.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(written)  # only a plain number may start like a formula


def test_a_table_round_trips_through_csv_text() -> None:
    rows = [
        {
            "date": "2026-03-01",
            "screens_last_hour": "yes",
            "bedroom_temp_c": "-5",
            "nap_start": "=1+1",
        }
    ]
    text = write_table("evenings", rows)
    assert text.startswith("date,screens_last_hour,bedroom_temp_c,nap_start\r\n")
    assert "'=1+1" in text and ",-5," in text
    assert read_table(text) == rows


# --- CSV export and restore ----------------------------------------------------------------


def new_person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).ensure_owner(Profile())


def fresh_store(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    db.migrate()
    return db


def test_export_then_restore_into_a_fresh_store_gives_identical_files(
    database: Database, tmp_path: Path
) -> None:
    person = fill_store(database, days=21)
    import_device(
        database, person, "apple-health", DATA / "apple_health" / "export_three_sources.xml", tz=TZ
    )
    first = tmp_path / "first.zip"
    export_csv(database, person, first)
    target = fresh_store(tmp_path)
    fresh = new_person(target)
    result = restore_export(target, fresh, first)
    assert result.counts["diary"] == 19 and result.counts["device_samples"] > 0
    again = tmp_path / "again.zip"
    export_csv(target, fresh, again)
    one, two = read_files(first), read_files(again)
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], name
    # The same data gives byte-identical zips (the record files, not read back by a CSV
    # restore, are compared on the first store exported twice).
    twice = tmp_path / "twice.zip"
    export_csv(database, person, twice)
    assert first.read_bytes() == twice.read_bytes()
    assert len(read_table(one["device_nights.csv"])) > 0
    assert len(read_table(one["alerts.csv"])) > 0


def test_the_diary_file_is_the_diary_csv_of_the_cli_contract(
    sqlite_database: Database, tmp_path: Path
) -> None:
    person = fill_store(sqlite_database, days=14)
    export_csv(sqlite_database, person, tmp_path / "out")
    header = (tmp_path / "out" / "diary.csv").read_bytes().decode("utf-8").split("\r\n")[0]
    assert header.startswith(
        "date,bedtime,lights_off,sol_min,nwak,waso_min,final_wake,out_of_bed,quality"
    )


def test_a_bad_row_in_any_file_stores_nothing_and_names_file_row_and_field(
    sqlite_database: Database, tmp_path: Path
) -> None:
    source = sqlite_database
    person = fill_store(source, days=14)
    folder = tmp_path / "out"
    export_csv(source, person, folder)
    intake = (folder / "intake.csv").read_bytes().decode("utf-8").split("\r\n")
    cells = intake[3].split(",")
    cells[3] = "-2"  # a negative amount on data row 3 (file row 4)
    intake[3] = ",".join(cells)
    (folder / "intake.csv").write_bytes("\r\n".join(intake).encode("utf-8"))
    target = fresh_store(tmp_path)
    fresh = new_person(target)
    with pytest.raises(InvalidInput) as err:
        restore_export(target, fresh, folder)
    problem = err.value.problems[0]
    assert problem.row == 4 and problem.field.startswith("intake.csv")
    with target.reader() as session:
        count = session.connection().exec_driver_sql("select count(*) from diary_entries").scalar()
    assert count == 0


def test_restore_refuses_a_store_that_already_has_data(
    sqlite_database: Database, tmp_path: Path
) -> None:
    person = fill_store(sqlite_database, days=14)
    export_csv(sqlite_database, person, tmp_path / "out")
    with pytest.raises(InvalidInput) as err:
        restore_export(sqlite_database, person, tmp_path / "out")
    assert err.value.problems[0].field == "store"


def test_a_folder_without_export_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InvalidInput, match="no Nightbridge CSV files"):
        read_files(tmp_path)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("diary.csv", b"\xff\xfe not utf-8")
    with pytest.raises(InvalidInput, match="UTF-8"):
        read_files(bad)


# --- FHIR ---------------------------------------------------------------------------------


def test_the_fhir_bundle_validates_and_uses_loinc_where_a_code_exists(
    sqlite_database: Database, tmp_path: Path
) -> None:
    person = fill_store(sqlite_database, days=15)
    import_device(
        sqlite_database,
        person,
        "apple-health",
        DATA / "apple_health" / "export_three_sources.xml",
        tz=TZ,
    )
    out = export_fhir(sqlite_database, person, tmp_path / "b.json", now=NOW)
    doc = json.loads(out.read_text(encoding="utf-8"))
    bundle = Bundle.model_validate(doc)  # raises on any invalid element
    assert bundle.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in doc["entry"]]
    assert kinds[0] == "Patient" and "QuestionnaireResponse" in kinds
    codes = {
        (c["system"], c["code"])
        for e in doc["entry"]
        if e["resource"]["resourceType"] == "Observation"
        for c in e["resource"]["code"]["coding"]
    }
    assert {(LOINC, "93832-4"), (LOINC, "44261-6"), (LOINC, "70274-6")} <= codes
    assert (CODE_SYSTEM, "sleep-efficiency") in codes
    units = {
        e["resource"]["valueQuantity"]["code"]
        for e in doc["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert {"min", "%", "{score}"} <= units
    urls = [e["fullUrl"] for e in doc["entry"]]
    assert len(urls) == len(set(urls))


def test_phq9_answers_and_total_agree(sqlite_database: Database, tmp_path: Path) -> None:
    person = fill_store(sqlite_database, days=15)
    doc = json.loads(
        export_fhir(sqlite_database, person, tmp_path / "b.json", now=NOW).read_text(
            encoding="utf-8"
        )
    )
    by_url = {e["fullUrl"]: e["resource"] for e in doc["entry"]}
    totals = [
        r
        for r in by_url.values()
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "44261-6"
    ]
    assert totals
    for total in totals:
        qr = by_url[total["derivedFrom"][0]["reference"]]
        answers = [i["answer"][0]["valueInteger"] for i in qr["item"]]
        assert len(answers) == 9
        assert sum(answers) == total["valueQuantity"]["value"]


# --- iCalendar -----------------------------------------------------------------------------


def test_the_calendar_has_crlf_lines_of_at_most_75_octets_and_daily_floating_events() -> None:
    events = sleep_events(bedtime=dt.time(23, 45), rise=dt.time(6, 15), diary_at=dt.time(7, 0))
    text = build_calendar(events, start=dt.date(2026, 3, 23), now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART:20260323T234500" in text and "DTSTART:20260323T061500" in text
    assert text.count("RRULE:FREQ=DAILY") == 3
    assert "UID:sleep-window-bedtime@nightbridge.invalid" in text
    unfolded = text.replace("\r\n ", "")
    assert "do not drive or operate machinery when sleepy." in unfolded


@given(st.text(min_size=0, max_size=300))
def test_folding_keeps_every_character_and_splits_no_utf8_sequence(value: str) -> None:
    folded = fold_line("DESCRIPTION:" + value.replace("\r", "").replace("\n", ""))
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == "DESCRIPTION:" + value.replace(
        "\r", ""
    ).replace("\n", "")


def test_text_is_escaped() -> None:
    text = build_calendar(
        [DailyEvent("x", dt.time(7), 5, "a;b,c\\d", "line1\nline2")],
        start=dt.date(2026, 3, 23),
        now=NOW,
    )
    assert "SUMMARY:a\\;b\\,c\\\\d" in text and "DESCRIPTION:line1\\nline2" in text


def test_the_exported_calendar_holds_the_diary_reminder(
    sqlite_database: Database, tmp_path: Path
) -> None:
    person = fill_store(sqlite_database, days=14)
    text = export_ics(sqlite_database, person, tmp_path / "c.ics", now=NOW).read_text()
    assert "SUMMARY:Fill in the sleep diary" in text
    # The demo person is in early withdrawal (last kratom dose today): the window is
    # deferred (definitions.md section 2), so the calendar has no bedtime event.
    assert "sleep-window-bedtime" not in text
