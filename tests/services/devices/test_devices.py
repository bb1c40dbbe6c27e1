"""Device imports through the service, on SQLite and PostgreSQL (one transaction each)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from nightbridge.core.errors import InvalidInput
from nightbridge.core.profile import Profile
from nightbridge.services.devices.devices import (
    device_activity,
    device_nights,
    device_row_counts,
    import_device,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.persons import PersonRepository

DATA = Path(__file__).parents[2] / "data"
FITBIT = DATA / "fitbit" / "Takeout" / "Fitbit" / "Global Export Data"
NY, BERLIN = "America/New_York", "Europe/Berlin"


def person(db: Database, tz: str = NY) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz=tz))


def takeout_zip(tmp_path: Path, logs: list[dict] | None = None) -> Path:
    out = tmp_path / "takeout.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(FITBIT.iterdir()):
            data = path.read_bytes()
            if logs is not None and path.name.startswith("sleep-"):
                data = json.dumps(logs).encode()
            zf.writestr(f"Takeout/Fitbit/Global Export Data/{path.name}", data)
    return out


def fitbit_logs() -> list[dict]:
    return json.loads((FITBIT / "sleep-2026-03-06.json").read_text())


def summary_of(nights: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(n.date.isoformat(), n.source, n.chosen, n.tst_min, n.tib_min) for n in nights]


def test_an_export_is_stored_and_its_nights_built(database: Database, tmp_path: Path) -> None:
    pid = person(database)
    calls: list[tuple[int, int]] = []
    summary = import_device(
        database,
        pid,
        "fitbit",
        takeout_zip(tmp_path),
        tz=NY,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert (summary.added, summary.duplicates, summary.nights, summary.activity_days) == (
        46,
        0,
        4,
        5,
    )
    assert summary_of(device_nights(database, pid)) == [
        ("2026-03-07", "Fitbit", True, 425, 470),
        ("2026-03-08", "Fitbit", True, 370, 420),
        ("2026-03-09", "Fitbit", True, 385, 450),
        ("2026-03-10", "Fitbit", True, 430, 450),
    ]
    naps = [n for n in device_nights(database, pid, include_naps=True) if n.is_nap]
    assert [(n.date.isoformat(), n.tst_min) for n in naps] == [("2026-03-08", 50)]
    assert [a.exercise_min for a in device_activity(database, pid)] == [30, 30, 30, 7, 14]
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and calls[-1][0] == calls[-1][1] > 0


def test_importing_again_adds_nothing_and_keeps_the_nights(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    export = takeout_zip(tmp_path)
    import_device(database, pid, "fitbit", export, tz=NY)
    before = device_row_counts(database, pid)
    again = import_device(database, pid, "fitbit", export, tz=NY)
    assert (again.added, again.duplicates, again.nights) == (0, 46, 4)
    after = device_row_counts(database, pid)
    assert after == before | {"device_imports": before["device_imports"] + 1}


def test_a_newer_export_adds_only_what_is_new_and_rebuilds_that_night(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    logs = fitbit_logs()
    older = [log for log in logs if log["logId"] != 41006]  # without the overlapping log
    import_device(database, pid, "fitbit", takeout_zip(tmp_path, older), tz=NY)
    assert summary_of(device_nights(database, pid))[-1] == ("2026-03-10", "Fitbit", True, 350, 360)
    newer = import_device(database, pid, "fitbit", takeout_zip(tmp_path, logs), tz=NY)
    assert newer.added == 3  # the extra log's in-bed, asleep and awake samples
    assert summary_of(device_nights(database, pid))[-1] == ("2026-03-10", "Fitbit", True, 430, 450)


def test_the_chosen_source_does_not_depend_on_import_order(database: Database) -> None:
    results = []
    for order in (("oura", "samsung"), ("samsung", "oura")):
        pid = person(database, BERLIN)
        for kind in order:
            import_device(database, pid, kind, DATA / kind, tz=BERLIN)
        results.append(summary_of(device_nights(database, pid)))
    assert results[0] == results[1]
    chosen = {date: source for date, source, is_chosen, *_ in results[0] if is_chosen}
    # 03-29: Oura has stages, Samsung not (more minutes do not beat stages);
    # 03-30: both staged, Samsung asleep longer (465 > 410)
    assert chosen == {
        "2026-03-27": "Samsung Health",
        "2026-03-28": "Oura",
        "2026-03-29": "Oura",
        "2026-03-30": "Samsung Health",
        "2026-03-31": "Samsung Health",
    }


def test_a_bad_file_changes_nothing(database: Database, tmp_path: Path) -> None:
    pid = person(database)
    import_device(database, pid, "fitbit", takeout_zip(tmp_path), tz=NY)
    before = device_row_counts(database, pid)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as zf:  # the Takeout's only sleep file, cut short
        zf.writestr("Takeout/Fitbit/sleep-2026-04-05.json", json.dumps(fitbit_logs())[:900])
        zf.writestr(
            "Takeout/Fitbit/very_active_minutes-2026-04-05.json",
            '[{"dateTime": "04/05/26 00:00:00", "value": "40"}]',
        )
    with pytest.raises(InvalidInput) as refused:
        import_device(database, pid, "fitbit", broken, tz=NY)
    assert "sleep-2026-04-05.json" in str(refused.value)
    assert "is not valid JSON" in str(refused.value)
    assert device_row_counts(database, pid) == before


def test_a_bad_night_is_skipped_and_reported_and_the_others_stored(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    logs = fitbit_logs()
    logs[0]["levels"]["data"][0]["level"] = "unknown"  # present in real logs
    logs[1]["startTime"] = "not a time"
    summary = import_device(database, pid, "fitbit", takeout_zip(tmp_path, logs), tz=NY)
    reasons = [s.reason for s in summary.skipped]
    assert len(reasons) == 2 and any("'unknown'" in r for r in reasons)
    assert summary.nights >= 3
    assert import_device(database, pid, "fitbit", takeout_zip(tmp_path, logs), tz=NY).added == 0


def test_an_uploaded_stream_reads_like_a_path(database: Database, tmp_path: Path) -> None:
    pid = person(database)
    upload = io.BytesIO(takeout_zip(tmp_path).read_bytes())
    summary = import_device(database, pid, "fitbit", upload, tz=NY)  # type: ignore[arg-type]
    assert (summary.added, summary.nights) == (46, 4)
    single = io.BytesIO((DATA / "oura" / "sleepmodel.csv").read_bytes())
    single.name = "sleepmodel.csv"  # type: ignore[attr-defined]
    assert import_device(database, pid, "oura", single, tz=BERLIN).nights == 3  # type: ignore[arg-type]


def test_an_export_without_the_kinds_files_is_refused(database: Database, tmp_path: Path) -> None:
    pid = person(database)
    with pytest.raises(InvalidInput, match="has no Oura sleep data"):
        import_device(database, pid, "oura", takeout_zip(tmp_path).parent / "takeout.zip", tz=NY)
    with pytest.raises(InvalidInput, match="is not a file or folder"):
        import_device(database, pid, "oura", tmp_path / "missing.zip", tz=NY)
    assert set(device_row_counts(database, pid).values()) == {0}
