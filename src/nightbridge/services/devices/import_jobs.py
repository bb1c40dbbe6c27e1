"""Importing an uploaded export in the background, with its progress in the database.

The web app stores the upload (``services.devices.uploads``), calls :func:`start_import` (one
``queued`` row in ``import_jobs``) and hands :func:`run_import_job` to a *runner*: in
the app a single background thread (:func:`background_runner`; SQLite takes one writer
at a time anyway), in tests :class:`InlineRunner` (runs at once, deterministic).

The job runs ``services.devices.devices.import_device`` (one write transaction: a bad or
hostile file stores nothing) and records ``running`` -> ``done`` with the import
summary (samples added and already stored, nights per source), or ``failed`` with the
refusal text. The uploaded file is deleted afterwards in every case.

Progress: bytes of the export's files read, of their total. On PostgreSQL each update
is written (at most every ``PROGRESS_INTERVAL_S``) in its own small transaction, so any
app process can show it. SQLite allows one writer, and the import holds the write lock
for its whole transaction, so there the live figure is kept in the app process's
:class:`ProgressBoard` (the only process that can serve a SQLite store) and the row is
updated at the start and the end.

Restarts: each job records the process that holds it (:func:`process_identity`: host,
pid and the process's start time) and the folder its upload waits in. When a server
starts, :func:`recover_interrupted_jobs` marks failed every queued or running job whose
process on this host is gone (killed mid-way, or restarted) and deletes its upload
folder at once (not a day later); jobs held by a live process, or by another host, are
left alone. The job's page still shows a job that no process has touched for
``STALLED_AFTER`` as stopped (another host's process that died).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from nightbridge.core.errors import InvalidInput
from nightbridge.importers import get_format
from nightbridge.logsafe import redacted_traceback
from nightbridge.services.devices.devices import import_device
from nightbridge.services.devices.uploads import ReceivedUpload
from nightbridge.services.sleep.diary import person_zone
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.import_jobs import ImportJob, ImportJobRepository

log = logging.getLogger("nightbridge.imports")

#: Seconds between progress writes to the database (PostgreSQL).
PROGRESS_INTERVAL_S = 0.5
#: A queued or running job that no process of this app is working on and that has not
#: changed for this long is shown as stopped (the app was restarted during it).
STALLED_AFTER = dt.timedelta(minutes=10)
UNEXPECTED = "the import stopped because of an unexpected error"
RESTARTED = "the import stopped because the app was restarted; upload the file again"


def _start_time(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot (Linux ``/proc``), or
    '' where it cannot be read: with the pid it tells a live process from a new one that
    reuses a dead one's pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_identity(pid: int | None = None) -> str:
    """``host:pid:start`` of this process (or of ``pid``): who holds an import job."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _runner_is_gone(runner: str) -> bool:
    """True when ``runner`` was a process on this host that no longer runs (a pid now
    used by another process counts as gone). A runner of another host, or a row written
    before runners were recorded, is not judged here."""
    host, _, rest = runner.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, someone else's
    return bool(started) and _start_time(pid) != started


def recover_interrupted_jobs(db: Database, upload_root: Path | None = None) -> int:
    """At server start: fail the jobs of processes of this host that are gone and delete
    their upload folders (only folders named ``upload-*`` inside ``upload_root`` when it
    is given). Returns how many jobs were marked failed."""
    with db.reader() as session:
        active = ImportJobRepository(session).active_runners()
    failed = 0
    for job_id, runner, folder in active:
        if not _runner_is_gone(runner):
            continue
        with db.transaction() as session:
            if ImportJobRepository(session).fail_if_active(job_id, RESTARTED):
                failed += 1
        if folder:
            _remove_upload_folder(Path(folder), upload_root)
    if failed:
        log.info("marked %s interrupted import job(s) as failed", failed)
    return failed


def _remove_upload_folder(folder: Path, upload_root: Path | None) -> None:
    if not folder.name.startswith("upload-") or folder.is_symlink():
        return
    if upload_root is not None and folder.resolve().parent != upload_root.resolve():
        return
    shutil.rmtree(folder, ignore_errors=True)


class Runner(Protocol):
    """Something that runs ``fn(*args)``, now or later (``concurrent.futures.Executor``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


class InlineRunner:
    """Runs each job at once, in the caller's thread (tests; no thread, no waiting)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> None:
        fn(*args)


def background_runner() -> ThreadPoolExecutor:
    """One background thread for imports: jobs run one after another."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="nightbridge-import")


class ProgressBoard:
    """This process's live progress of the jobs it holds (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[int, tuple[int, int]] = {}

    def set(self, job_id: int, done: int, total: int) -> None:
        with self._lock:
            self._jobs[job_id] = (done, total)

    def get(self, job_id: int) -> tuple[int, int] | None:
        with self._lock:
            return self._jobs.get(job_id)

    def forget(self, job_id: int) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)


def start_import(
    db: Database,
    person_id: int,
    kind: str,
    upload: ReceivedUpload,
    runner: Runner,
    board: ProgressBoard | None = None,
) -> int:
    """Queue the import of ``upload`` (an export of ``kind``) for ``person_id``.

    Refuses an unknown kind with ``InvalidInput`` (and deletes the upload). Returns the
    job id; the runner decides when :func:`run_import_job` runs.
    """
    try:
        get_format(kind)
    except InvalidInput:
        upload.discard()
        raise
    with db.transaction() as session:
        job_id = ImportJobRepository(session).create(
            person_id,
            kind=kind,
            file_name=upload.file_name,
            runner=process_identity(),
            upload_dir=str(upload.path.parent),
        )
    if board is not None:
        board.set(job_id, 0, 0)
    try:
        runner.submit(run_import_job, db, job_id, person_id, kind, upload, board)
    except RuntimeError:  # the runner was shut down (the app is stopping)
        _fail(db, job_id, "the app was stopping; upload the file again", upload, board)
    return job_id


def run_import_job(
    db: Database,
    job_id: int,
    person_id: int,
    kind: str,
    upload: ReceivedUpload,
    board: ProgressBoard | None = None,
) -> None:
    """Import the uploaded file; record ``done`` with the summary or ``failed`` with the
    reason. Never raises: a job's outcome is its row. The upload is always deleted."""
    try:
        with db.transaction() as session:
            ImportJobRepository(session).start(job_id)
        report = _ProgressWriter(db, job_id, board, write_rows=not db.is_sqlite)
        summary = import_device(
            db,
            person_id,
            kind,
            upload.path,
            tz=person_zone(db, person_id),
            progress=report,
            staging_dir=upload.path.parent,
        )
        with db.transaction() as session:
            ImportJobRepository(session).finish(job_id, summary.to_dict(), report.total)
    except InvalidInput as exc:
        _fail(db, job_id, "; ".join(str(p) for p in exc.problems), upload, board)
    except Exception as unexpected:
        log.error("import job %s failed\n%s", job_id, redacted_traceback(unexpected))
        _fail(db, job_id, UNEXPECTED, upload, board)
    finally:
        upload.discard()
        if board is not None:
            board.forget(job_id)


def _fail(
    db: Database, job_id: int, message: str, upload: ReceivedUpload, board: ProgressBoard | None
) -> None:
    upload.discard()
    try:
        with db.transaction() as session:
            ImportJobRepository(session).fail(job_id, message)
    except Exception as exc:
        log.error(
            "could not record the failure of import job %s\n%s", job_id, redacted_traceback(exc)
        )
    if board is not None:
        board.forget(job_id)


class _ProgressWriter:
    """``progress(done, total)`` for ``import_device``: the board always, the row at most
    every ``PROGRESS_INTERVAL_S`` when ``write_rows``."""

    def __init__(
        self, db: Database, job_id: int, board: ProgressBoard | None, *, write_rows: bool
    ) -> None:
        self.db = db
        self.job_id = job_id
        self.board = board
        self.write_rows = write_rows
        self.total = 0
        self._last = -PROGRESS_INTERVAL_S

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        if self.board is not None:
            self.board.set(self.job_id, done, total)
        now = time.monotonic()
        if self.write_rows and (now - self._last >= PROGRESS_INTERVAL_S or done == total):
            self._last = now
            with self.db.transaction() as session:
                ImportJobRepository(session).progress(self.job_id, done, total)


def read_job(
    db: Database,
    person_id: int,
    job_id: int,
    board: ProgressBoard | None = None,
    *,
    now: dt.datetime | None = None,
) -> ImportJob:
    """The job ``job_id`` of ``person_id`` (``NotFound`` for anyone else's), with this
    process's live progress where it has some. A job left ``queued``/``running`` by a
    process that stopped is returned ``failed`` with a message saying so."""
    with db.reader() as session:
        job = ImportJobRepository(session).get(job_id, person_id)
    if not job.active:
        return job
    live = board.get(job_id) if board is not None else None
    if live is not None:
        done, total = live
        if total >= job.bytes_total:
            return dataclasses.replace(job, bytes_done=done, bytes_total=total)
        return job
    now = now or dt.datetime.now(dt.UTC)
    if now - job.updated_at > STALLED_AFTER:
        return dataclasses.replace(
            job,
            status="failed",
            message="the import stopped (the app was restarted); upload the file again",
        )
    return job


def recent_jobs(db: Database, person_id: int, limit: int = 10) -> list[ImportJob]:
    """The person's latest imports, newest first."""
    with db.reader() as session:
        return ImportJobRepository(session).recent(person_id, limit)
