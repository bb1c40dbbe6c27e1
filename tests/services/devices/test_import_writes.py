"""An import reads and stages first, then writes in short transactions (issue 12 item 8).

On SQLite the store has one writer: a diary saved while an export is being read must
not wait for the import (it waited 30 s when the import held the lock for its whole
parse), and the stored nights are the same whatever the batch size.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from nightbridge.core.profile import Profile
from nightbridge.core.samples import SleepSample
from nightbridge.importers import READERS, DeviceFormat
from nightbridge.services.devices import devices as device_service
from nightbridge.services.devices.devices import device_nights, device_row_counts, import_device
from nightbridge.services.sleep.diary import list_entries, record_entry
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.devices import DeviceRepository
from nightbridge.storage.repositories.persons import PersonRepository

DATA = Path(__file__).parents[2] / "data"
NY = "America/New_York"
UTC = dt.UTC
DIARY = {
    "date": "2026-03-09",
    "bedtime": "23:00",
    "lights_off": "23:15",
    "sol_min": "20",
    "nwak": "1",
    "waso_min": "15",
    "final_wake": "06:30",
    "out_of_bed": "06:45",
    "quality": "3",
}

#: The paused reader below: it yields a night, then waits until the test has saved.
READING = threading.Event()
SAVED = threading.Event()


def accepts_anything(name: str) -> bool:
    return True


def read_slowly(files: Any, *, tz: str) -> Iterator[SleepSample]:
    start = dt.datetime(2026, 3, 8, 4, 0, tzinfo=UTC)
    yield SleepSample("Slow ring", start, start + dt.timedelta(hours=7), "in_bed")
    READING.set()
    SAVED.wait(timeout=20)
    yield SleepSample("Slow ring", start, start + dt.timedelta(hours=6), "asleep", "light")


def person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz=NY))


def test_a_diary_save_does_not_wait_while_an_export_is_read(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        READERS,
        "slow",
        DeviceFormat("slow", "Slow ring", __name__, "read_slowly", "accepts_anything"),
    )
    READING.clear()
    SAVED.clear()
    pid = person(sqlite_database)
    export = tmp_path / "ring.json"
    export.write_text("{}")
    failures: list[BaseException] = []

    def run() -> None:
        try:
            import_device(sqlite_database, pid, "slow", export, tz=NY)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    importer = threading.Thread(target=run)
    importer.start()
    try:
        assert READING.wait(timeout=20), "the reader never started"
        started = time.monotonic()
        record_entry(sqlite_database, pid, DIARY, today=dt.date(2026, 3, 9))
        waited = time.monotonic() - started
    finally:
        SAVED.set()
        importer.join(timeout=30)
    assert not failures, failures
    assert waited < 1.0, f"the diary save waited {waited:.2f} s behind the import"
    assert [e.date for e in list_entries(sqlite_database, pid)] == [dt.date(2026, 3, 9)]
    assert [(n.source, n.tst_min, n.tib_min) for n in device_nights(sqlite_database, pid)] == [
        ("Slow ring", 360, 420)
    ]


def apple_zip(tmp_path: Path) -> Path:
    out = tmp_path / "export.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(
            DATA / "apple_health" / "export_three_sources.xml", "apple_health_export/export.xml"
        )
    return out


def test_small_batches_store_the_same_nights_one_short_transaction_each(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = apple_zip(tmp_path)
    whole = person(database)
    import_device(database, whole, "apple-health", export, tz=NY)
    expected = [n.to_dict() for n in device_nights(database, whole, include_naps=True)]

    sizes: list[int] = []
    original = DeviceRepository.add_samples

    def spy(self: DeviceRepository, person_id: int, samples: Any, keys: Any = None) -> Any:
        sizes.append(len(samples))
        return original(self, person_id, samples, keys)

    monkeypatch.setattr(DeviceRepository, "add_samples", spy)
    monkeypatch.setattr(device_service, "BATCH", 3)
    monkeypatch.setattr(device_service, "WRITE_PAUSE_S", 0.0)
    batched = person(database)
    summary = import_device(database, batched, "apple-health", export, tz=NY)
    assert len(sizes) >= 3 and max(sizes) <= 4 * 3
    assert sum(sizes) == summary.added
    assert [n.to_dict() for n in device_nights(database, batched, include_naps=True)] == expected


@time_machine.travel(dt.datetime(2026, 3, 9, 12, 0, tzinfo=UTC), tick=False)
def test_records_dated_after_the_import_are_skipped_and_reported(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    takeout = DATA / "fitbit" / "Takeout"
    summary = import_device(database, pid, "fitbit", takeout, tz=NY)
    # The sample export runs to the morning of 2026-03-10: that night and the activity of
    # the 10th are after the import's moment (12:00 UTC on the 9th).
    future = [s for s in summary.skipped if "after the moment of the import" in s.reason]
    assert future and sum(s.count for s in future) == summary.skipped_count
    assert {n.date for n in device_nights(database, pid)} == {
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 8),
        dt.date(2026, 3, 9),
    }
    doc = summary.to_dict()
    assert doc["skipped"][0]["count"] >= 1 and doc["skipped"][0]["examples"][0] == "2026-03-10"
    assert device_row_counts(database, pid)["device_samples"] == summary.added
