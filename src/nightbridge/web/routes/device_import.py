"""Device exports through the web app (docs/web-imports.md).

- ``GET /imports``: the upload form (source and file) and the person's latest imports.
- ``POST /imports``: the body is streamed to disk (``services.devices.uploads``; never parsed
  in memory, size-limited), then a background job imports it
  (``services.devices.import_jobs``); the browser goes to the job's page (303), a script that
  asks for JSON gets ``202 {"id", "url", "status_url"}`` (or ``{"detail", "problems"}``).
- ``GET /imports/{job_id}``: progress (a ``<progress>`` bar, refreshed every 2 s by a
  meta refresh while the job runs, and by ``/static/devices.js`` polling the JSON when
  scripts run); when done, the nights found per source; when refused, the reason and
  that nothing was stored.
- ``GET /api/me/imports/{job_id}``: the job as JSON.

Only the person uploads for themselves: every route is about the logged-in person's own
data (no ``{person_id}``; clinicians and admins get 404), and a job is read by id AND
person (someone else's job is 404). The form and the upload go through the permission
check (``PersonScope``/``WriteScope``, audited); the job's status pages use
``own_person`` (see there why they write no audit row). CSRF: the form's token is its
first field, checked before any byte of the file is stored (``web.csrf.STREAMED_UPLOADS``).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.web.csrf import FORM_FIELD, HEADER, verify_form_token
from nightbridge.web.deps import (
    CurrentActor,
    DatabaseDep,
    PersonScope,
    RowId,
    SettingsDep,
    WriteScope,
    render,
)
from nightbridge.web.forms import errors_by_field

router = APIRouter()
_LOCK = threading.Lock()


def import_runner(request: Request) -> Any:
    """The app's runner for import jobs (one background thread, made on first use;
    tests set ``app.state.import_runner`` to an ``InlineRunner``)."""
    from nightbridge.services.devices.import_jobs import background_runner

    state = request.app.state
    with _LOCK:
        if getattr(state, "import_runner", None) is None:
            state.import_runner = background_runner()
        return state.import_runner


def progress_board(request: Request) -> Any:
    """The app process's live progress of its import jobs."""
    from nightbridge.services.devices.import_jobs import ProgressBoard

    state = request.app.state
    with _LOCK:
        if getattr(state, "import_board", None) is None:
            state.import_board = ProgressBoard()
        return state.import_board


def _formats() -> list[tuple[str, str]]:
    from nightbridge.importers import READERS

    return [(name, fmt.label) for name, fmt in READERS.items()]


def _label(kind: str) -> str:
    return dict(_formats()).get(kind, kind)


def _form_page(
    request: Request,
    db: DatabaseDep,
    settings: Any,
    person_id: int,
    *,
    kind: str = "",
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    from nightbridge.services.devices.import_jobs import recent_jobs
    from nightbridge.services.devices.uploads import upload_limit_bytes

    limit_mb = upload_limit_bytes(settings.max_upload_mb) / (1024 * 1024)
    return render(
        request,
        "devices/imports.html",
        {
            "title": "Import from a device",
            "formats": _formats(),
            "kind": kind,
            "errors": errors or {},
            "limit_mb": f"{limit_mb:.0f}" if limit_mb >= 1 else f"{limit_mb:.2f}",
            "jobs": recent_jobs(db, person_id),
            "label": _label,
        },
        status_code=status_code,
    )


@router.get("/imports", include_in_schema=False)
def imports_page(
    request: Request, db: DatabaseDep, settings: SettingsDep, scope: PersonScope
) -> Response:
    return _form_page(request, db, settings, scope.person_id)


@router.post("/imports", include_in_schema=False)
async def upload_export(
    request: Request, db: DatabaseDep, settings: SettingsDep, scope: WriteScope
) -> Response:
    from nightbridge.importers import get_format
    from nightbridge.services.devices.import_jobs import start_import
    from nightbridge.services.devices.uploads import (
        UploadTooLarge,
        receive_upload,
        sweep_uploads,
        upload_folder,
        upload_limit_bytes,
    )

    # With the header, the app-wide check has already compared it; a plain HTML form
    # sends its token as the first field, checked here before any file byte is kept.
    checked = HEADER in request.headers
    sent_kind = ""

    def before_file(fields: dict[str, str]) -> None:
        nonlocal checked, sent_kind
        if not checked:
            verify_form_token(request, fields.get(FORM_FIELD))
            checked = True
        sent_kind = fields.get("kind", "")
        get_format(sent_kind)

    length = request.headers.get("content-length", "")
    folder = await run_in_threadpool(upload_folder, db, settings.upload_dir)
    await run_in_threadpool(sweep_uploads, folder)
    try:
        upload = await receive_upload(
            request.stream(),
            request.headers.get("content-type", ""),
            folder=folder,
            limit=upload_limit_bytes(settings.max_upload_mb),
            content_length=int(length) if length.isdigit() else None,
            before_file=before_file,
        )
    except InvalidInput as exc:
        if not checked:
            verify_form_token(request, None)
        errors = errors_by_field(exc)
        if "source" in errors:
            errors["kind"] = errors.pop("source")
        status = 413 if isinstance(exc, UploadTooLarge) else 422
        if _wants_json(request):
            problems = [{"field": p.field, "reason": p.reason} for p in exc.problems]
            return JSONResponse({"detail": str(exc), "problems": problems}, status_code=status)
        return await run_in_threadpool(
            lambda: _form_page(
                request,
                db,
                settings,
                scope.person_id,
                kind=sent_kind,
                errors=errors,
                status_code=status,
            )
        )
    job_id = await run_in_threadpool(
        start_import,
        db,
        scope.person_id,
        upload.fields.get("kind", ""),
        upload,
        import_runner(request),
        progress_board(request),
    )
    if _wants_json(request):
        return JSONResponse(
            {"id": job_id, "url": f"/imports/{job_id}", "status_url": f"/api/me/imports/{job_id}"},
            status_code=202,
        )
    return RedirectResponse(f"/imports/{job_id}", status_code=303)


def _wants_json(request: Request) -> bool:
    """A script's upload (devices.js asks for JSON, to stay on the page and poll)."""
    return "application/json" in request.headers.get("accept", "")


def own_person(actor: CurrentActor) -> int:
    """The logged-in person's id (anyone else: 404), WITHOUT an audit row.

    The status of an import is not a read of health data (the upload itself is audited:
    ``POST /imports`` goes through ``WriteScope``), and on SQLite the running import
    holds the store's only write lock: an audit write here would make the progress page
    wait for the end of the import. The job is still read by id AND this person."""
    if actor.person_id is None:
        raise NotFound("imports are a person's own")
    return actor.person_id


OwnPerson = Annotated[int, Depends(own_person)]


@router.get("/imports/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: RowId, db: DatabaseDep, person_id: OwnPerson) -> Response:
    from nightbridge.services.devices.import_jobs import read_job

    job = read_job(db, person_id, job_id, progress_board(request))
    sources = (job.result or {}).get("sources", []) if job.status == "done" else []
    return render(
        request,
        "devices/job.html",
        {"title": "Import", "job": job, "label": _label(job.kind), "sources": sources},
    )


@router.get("/api/me/imports/{job_id}")
def job_json(
    request: Request, job_id: RowId, db: DatabaseDep, person_id: OwnPerson
) -> JSONResponse:
    """One import job of the logged-in person: status, progress, result or message."""
    from nightbridge.services.devices.import_jobs import read_job

    job = read_job(db, person_id, job_id, progress_board(request))
    return JSONResponse(job.to_dict())
