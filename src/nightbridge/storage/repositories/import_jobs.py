"""Import jobs of the web app (storage/tables/imports.py): create, read, move along.

Every read is by job id AND person id: a job belongs to its person, and asking for
someone else's job finds nothing (``NotFound``), exactly as asking for one that does
not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nightbridge.core.errors import NotFound
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.imports import MESSAGE_LENGTH, ImportJobRow

#: The states of a job, in the order they happen (``failed`` ends it like ``done``).
STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
ACTIVE: frozenset[str] = frozenset({"queued", "running"})


@dataclass(frozen=True, slots=True)
class ImportJob:
    """One uploaded export being (or having been) imported."""

    id: int
    person_id: int
    kind: str
    file_name: str
    status: str
    bytes_done: int
    bytes_total: int
    message: str
    result: dict[str, Any] | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def active(self) -> bool:
        """Still queued or running (the progress page keeps refreshing)."""
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        """Whole percent of the export's bytes read (100 once done; 0 before the total
        is known)."""
        if self.status == "done":
            return 100
        if self.bytes_total <= 0:
            return 0
        return min(100, self.bytes_done * 100 // self.bytes_total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file_name": self.file_name,
            "status": self.status,
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "percent": self.percent,
            "message": self.message,
            "result": self.result,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def _job(row: ImportJobRow) -> ImportJob:
    return ImportJob(
        id=row.id,
        person_id=row.person_id,
        kind=row.kind,
        file_name=row.file_name,
        status=row.status,
        bytes_done=row.bytes_done,
        bytes_total=row.bytes_total,
        message=row.message,
        result=row.result,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class ImportJobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        person_id: int,
        *,
        kind: str,
        file_name: str,
        bytes_total: int = 0,
        runner: str = "",
        upload_dir: str = "",
    ) -> int:
        """A new ``queued`` job (held by ``runner``, its upload in ``upload_dir``)."""
        now = utcnow()
        row = ImportJobRow(
            runner=runner[:200],
            upload_dir=upload_dir[:1000],
            person_id=person_id,
            kind=kind,
            file_name=file_name[:255],
            status="queued",
            bytes_done=0,
            bytes_total=bytes_total,
            message="",
            result=None,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def get(self, job_id: int, person_id: int) -> ImportJob:
        """The job ``job_id`` of ``person_id``; ``NotFound`` for anyone else's."""
        row = self.session.scalar(
            select(ImportJobRow).where(
                ImportJobRow.id == job_id, ImportJobRow.person_id == person_id
            )
        )
        if row is None:
            raise NotFound(f"no import {job_id}")
        return _job(row)

    def recent(self, person_id: int, limit: int = 10) -> list[ImportJob]:
        """The person's latest jobs, newest first."""
        rows = self.session.scalars(
            select(ImportJobRow)
            .where(ImportJobRow.person_id == person_id)
            .order_by(ImportJobRow.id.desc())
            .limit(limit)
        )
        return [_job(row) for row in rows]

    def _set(self, job_id: int, **values: Any) -> None:
        self.session.execute(
            update(ImportJobRow)
            .where(ImportJobRow.id == job_id)
            .values(updated_at=utcnow(), **values)
        )

    def start(self, job_id: int) -> None:
        self._set(job_id, status="running")

    def progress(self, job_id: int, done: int, total: int) -> None:
        self._set(job_id, bytes_done=done, bytes_total=total)

    def finish(self, job_id: int, result: dict[str, Any], total: int) -> None:
        self._set(job_id, status="done", result=result, bytes_done=total, bytes_total=total)

    def fail(self, job_id: int, message: str) -> None:
        self._set(job_id, status="failed", message=message[:MESSAGE_LENGTH])

    def active_runners(self) -> list[tuple[int, str, str]]:
        """``(job id, runner, upload folder)`` of every queued or running job."""
        rows = self.session.execute(
            select(ImportJobRow.id, ImportJobRow.runner, ImportJobRow.upload_dir).where(
                ImportJobRow.status.in_(sorted(ACTIVE))
            )
        )
        return [(int(i), str(r), str(d)) for i, r, d in rows]

    def fail_if_active(self, job_id: int, message: str) -> bool:
        """Mark the job failed if it is still queued or running; True if it was."""
        result = self.session.execute(
            update(ImportJobRow)
            .where(ImportJobRow.id == job_id, ImportJobRow.status.in_(sorted(ACTIVE)))
            .values(updated_at=utcnow(), status="failed", message=message[:MESSAGE_LENGTH])
        )
        return bool(result.rowcount)
