"""Import jobs (services.devices.import_jobs) on SQLite and PostgreSQL: a real export uploaded
and imported by a job, a hostile one refused with nothing stored, the uploaded file
deleted in every case, progress that only goes forward, and jobs that belong to their
person. Expected nights per source are those computed by hand for the sample export in
tests/cli/test_import_nights.py (definitions.md section 7)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine

from nightbridge.core.errors import NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.devices.devices import device_nights, device_row_counts
from nightbridge.services.devices.import_jobs import (
    STALLED_AFTER,
    UNEXPECTED,
    InlineRunner,
    ProgressBoard,
    read_job,
    recent_jobs,
    start_import,
)
from nightbridge.services.devices.uploads import ReceivedUpload
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.import_jobs import ImportJobRepository
from nightbridge.storage.repositories.persons import PersonRepository

DATA = Path(__file__).parents[2] / "data"
APPLE = DATA / "apple_health" / "export_three_sources.xml"
WATCH = "Dana’s Apple Watch"
#: nights per source in export_three_sources.xml (tests/cli/test_import_nights.py)
APPLE_SOURCES = [
    {"source": "AutoSleep", "samples_added": 5, "samples_duplicate": 0, "nights": 2},
    {"source": WATCH, "samples_added": 17, "samples_duplicate": 0, "nights": 2},
    {"source": "Dana’s iPhone", "samples_added": 2, "samples_duplicate": 0, "nights": 0},
    {"source": "Sleep & Recovery Lab", "samples_added": 1, "samples_duplicate": 0, "nights": 1},
]


def person(db: Database) -> int:
    with db.transaction() as session:
        return PersonRepository(session).create(Profile(tz="America/New_York"))


def uploaded(tmp_path: Path, name: str, build: Any) -> ReceivedUpload:
    """An upload as services.devices.uploads leaves it: the file alone in its own folder."""
    folder = tmp_path / "uploads" / f"upload-{name}"
    folder.mkdir(parents=True)
    path = folder / name
    build(path)
    return ReceivedUpload({"kind": "apple-health"}, path, name, path.stat().st_size)


def apple_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")


def zip_slip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
        zf.writestr("../../evil.xml", "<HealthData/>")


class RecordingBoard(ProgressBoard):
    """A board that also reads the job's row each time progress is reported."""

    def __init__(self, db: Database, person_id: int) -> None:
        super().__init__()
        self.db = db
        self.person_id = person_id
        self.live: list[tuple[int, int]] = []
        self.rows: list[tuple[str, int]] = []

    def set(self, job_id: int, done: int, total: int) -> None:
        super().set(job_id, done, total)
        self.live.append((done, total))
        with self.db.reader() as session:
            job = ImportJobRepository(session).get(job_id, self.person_id)
        self.rows.append((job.status, job.bytes_done))


def test_an_uploaded_export_is_imported_by_its_job(database: Database, tmp_path: Path) -> None:
    pid = person(database)
    upload = uploaded(tmp_path, "export.zip", apple_zip)
    board = RecordingBoard(database, pid)
    job_id = start_import(database, pid, "apple-health", upload, InlineRunner(), board)

    job = read_job(database, pid, job_id, board)
    assert (job.status, job.kind, job.file_name, job.message) == (
        "done",
        "apple-health",
        "export.zip",
        "",
    )
    assert job.result is not None and job.result["sources"] == APPLE_SOURCES
    assert (job.result["samples_added"], job.result["nights"]) == (25, 5)
    assert job.bytes_done == job.bytes_total == APPLE.stat().st_size and job.percent == 100
    chosen = [(n.date.isoformat(), n.source) for n in device_nights(database, pid) if n.chosen]
    assert chosen == [("2026-03-08", WATCH), ("2026-11-01", WATCH)]
    assert not upload.path.parent.exists(), "the uploaded file was not deleted"
    assert board.get(job_id) is None


def test_progress_only_goes_forward_and_postgresql_rows_show_it_live(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    board = RecordingBoard(database, pid)
    job_id = start_import(
        database, pid, "apple-health", uploaded(tmp_path, "e.zip", apple_zip), InlineRunner(), board
    )
    total = APPLE.stat().st_size
    dones = [done for done, _ in board.live]
    assert dones == sorted(dones) and board.live[-1] == (total, total)
    running = [row for row in board.rows if row[0] == "running"]
    assert running, "the job was never seen running"
    if database.is_sqlite:  # the import holds SQLite's one write lock: the row waits
        assert {done for _, done in running} == {0}
    else:  # PostgreSQL: the row itself moves while the import runs
        assert max(done for _, done in running) == total
    assert read_job(database, pid, job_id).status == "done"


def test_a_hostile_export_fails_its_job_and_stores_nothing(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    before = device_row_counts(database, pid)
    upload = uploaded(tmp_path, "export.zip", zip_slip)
    job_id = start_import(database, pid, "apple-health", upload, InlineRunner(), ProgressBoard())
    job = read_job(database, pid, job_id)
    assert job.status == "failed" and job.result is None
    assert "path traversal" in job.message
    assert device_row_counts(database, pid) == before
    assert not upload.path.parent.exists()


def test_an_unexpected_error_fails_the_job_without_details(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nightbridge.services.devices.import_jobs as jobs

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk on fire at /secret/path")

    monkeypatch.setattr(jobs, "import_device", broken)
    pid = person(database)
    upload = uploaded(tmp_path, "export.zip", apple_zip)
    job_id = start_import(database, pid, "apple-health", upload, InlineRunner())
    job = read_job(database, pid, job_id)
    assert (job.status, job.message) == ("failed", UNEXPECTED)
    assert not upload.path.parent.exists()


def test_an_unknown_kind_makes_no_job_and_deletes_the_upload(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    upload = uploaded(tmp_path, "export.zip", apple_zip)
    with pytest.raises(Exception, match="unknown export kind 'polar'"):
        start_import(database, pid, "polar", upload, InlineRunner())
    assert recent_jobs(database, pid) == []
    assert not upload.path.parent.exists()


def test_a_job_belongs_to_its_person(database: Database, tmp_path: Path) -> None:
    a, b = person(database), person(database)
    job_id = start_import(
        database, a, "apple-health", uploaded(tmp_path, "e.zip", apple_zip), InlineRunner()
    )
    with pytest.raises(NotFound):
        read_job(database, b, job_id)
    assert recent_jobs(database, b) == []
    assert [j.id for j in recent_jobs(database, a)] == [job_id]


class Deferred:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def submit(self, fn: Any, /, *args: Any) -> None:
        self.calls.append((fn, *args))


def test_a_queued_job_shows_this_process_s_live_progress(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    board, runner = ProgressBoard(), Deferred()
    upload = uploaded(tmp_path, "e.zip", apple_zip)
    job_id = start_import(database, pid, "apple-health", upload, runner, board)
    job = read_job(database, pid, job_id, board)
    assert (job.status, job.active, job.percent) == ("queued", True, 0)
    board.set(job_id, 250, 1000)
    assert read_job(database, pid, job_id, board).percent == 25
    fn, *args = runner.calls[0]
    fn(*args)
    assert read_job(database, pid, job_id, board).status == "done"
    assert not upload.path.parent.exists()


def test_a_job_left_behind_by_a_stopped_app_is_shown_as_stopped(
    database: Database, tmp_path: Path
) -> None:
    pid = person(database)
    upload = uploaded(tmp_path, "e.zip", apple_zip)
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        job_id = start_import(database, pid, "apple-health", upload, Deferred(), ProgressBoard())
    shutil.rmtree(upload.path.parent)  # the app restarted: no board, no thread, no file
    soon = dt.datetime(2026, 3, 1, 8, 5, tzinfo=dt.UTC)
    assert read_job(database, pid, job_id, ProgressBoard(), now=soon).status == "queued"
    later = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC) + STALLED_AFTER + dt.timedelta(seconds=1)
    stopped = read_job(database, pid, job_id, ProgressBoard(), now=later)
    assert stopped.status == "failed" and "restarted" in stopped.message


def test_a_job_of_a_killed_process_fails_at_the_next_start_and_its_file_goes(
    database: Database, tmp_path: Path
) -> None:
    """Issue 12 item 10: a web import killed mid-way is marked failed when the server
    starts again, and its upload is deleted then (not a day later); a job that a live
    process holds is left alone."""
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from nightbridge.services.devices.import_jobs import RESTARTED, process_identity
    from nightbridge.web.app import Settings, create_app

    pid = person(database)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    gone_runner = process_identity(int(dead.stdout))  # that process has exited
    root = tmp_path / "uploads"
    jobs = {}
    for name, runner in (("killed", gone_runner), ("live", process_identity())):
        folder = root / f"upload-{name}"
        folder.mkdir(parents=True)
        (folder / "export.zip").write_bytes(b"PK")
        with database.transaction() as session:
            jobs[name] = ImportJobRepository(session).create(
                pid,
                kind="apple-health",
                file_name="export.zip",
                runner=runner,
                upload_dir=str(folder),
            )
    app = create_app(database, settings=Settings(upload_dir=root))
    with TestClient(app):  # the server starts
        pass
    killed = read_job(database, pid, jobs["killed"])
    assert (killed.status, killed.message) == ("failed", RESTARTED)
    assert not (root / "upload-killed").exists()
    assert read_job(database, pid, jobs["live"], ProgressBoard()).status == "queued"
    assert (root / "upload-live" / "export.zip").exists()
