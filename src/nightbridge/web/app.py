"""The app factory. Nothing is built at import time: ``create_app(database)``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from nightbridge.storage.database import Database


def create_app(database: Database) -> FastAPI:
    app = FastAPI(title="Nightbridge", docs_url=None, redoc_url=None)
    app.state.database = database

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return "<!doctype html><title>Nightbridge</title><h1>Nightbridge</h1>"

    return app
