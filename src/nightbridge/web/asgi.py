"""The app as uvicorn (or gunicorn with uvicorn workers) imports it in each worker:

    uvicorn --factory nightbridge.web.asgi:create_app_from_env --workers 4

Everything comes from the ``NIGHTBRIDGE_*`` environment (docs/settings.md);
``nightbridge serve`` sets it from its flags and starts the workers this way.
"""

from __future__ import annotations

from fastapi import FastAPI

from nightbridge.settings import Settings
from nightbridge.storage.database import Database, resolve_url
from nightbridge.storage.integrity import quick_check
from nightbridge.storage.schema import ensure_ready
from nightbridge.web.app import create_app


def create_app_from_env() -> FastAPI:
    """A new app on the store the environment names (one per worker process)."""
    settings = Settings.from_env()
    database = Database(
        resolve_url(settings.home_dir, settings.database_url),
        write_wait_s=settings.write_wait.total_seconds(),
    )
    # Each worker checks the store it is given: whole (SQLite), at this version's
    # schema; an empty one is set up under the migration lock (storage.schema).
    quick_check(database)
    ensure_ready(database)
    return create_app(database, settings=settings)
