"""No health data in logs (issue 12 item 5; docs/security.md "Logs").

Every route of the ownership table is sent marker values (in every form or JSON field and
in the query string) through a real uvicorn server configured as ``nightbridge serve``
configures it, with the access log on; then the server's whole log output is searched for
the markers. An unexpected error whose message holds a marker is logged without it, and
the CLI names such an error by its kind only. The engine hides SQL parameters.
"""

from __future__ import annotations

import io
import logging
import logging.config
import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import typer
from fastapi import FastAPI
from sqlalchemy import text

from nightbridge.logsafe import DropQueryString, log_config, redacted_traceback
from nightbridge.storage.database import Database
from nightbridge.web.registry import iter_routes
from nightbridge.web.sessions import COOKIE_NAME
from tests.browser import free_port
from tests.web.conftest import Personas
from tests.web.route_table import OK, ROUTES
from tests.web.test_routes_enumerated import fill_path

MARK = "NBLEAK7Q"
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "nightbridge", "sqlalchemy")


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """The logging of ``nightbridge serve`` (at INFO, so the access log is on), written
    to a buffer; the loggers are put back as they were afterwards."""
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate, logger.filters[:])
        for name in LOGGERS
        for logger in [logging.getLogger(name)]
    }
    buffer = io.StringIO()
    logging.config.dictConfig(log_config("info"))
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(buffer)
    yield buffer
    for name, (handlers, level, propagate, filters) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
        logger.filters[:] = filters


def _serve(app: FastAPI) -> tuple[str, threading.Thread, object]:
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=True)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", thread, server


def _query_names(app: FastAPI) -> dict[tuple[str, str], list[str]]:
    names: dict[tuple[str, str], list[str]] = {}
    for path, methods, route in iter_routes(app):
        dependant = getattr(route, "dependant", None)
        params = [p.alias for p in dependant.query_params] if dependant is not None else []
        for method in methods:
            names[(method, path)] = params
    return names


def _marked(value: object, index: int) -> object:
    if isinstance(value, dict):
        return {k: _marked(v, index) for k, v in value.items()}
    return f"{MARK}-{index}"


def test_no_value_sent_to_any_route_reaches_the_server_log(
    personas: Personas, server_log: io.StringIO
) -> None:
    app = personas.app

    def explode(value: str = "") -> None:
        raise ValueError(f"could not read {value!r}")  # a message holding what was sent

    app.add_api_route("/explode", explode, methods=["GET"])
    queries = _query_names(app)
    base, thread, server = _serve(app)
    sent = 0
    try:
        clients = {}
        for name, persona in personas.by_name.items():
            cookie = persona.client.cookies.get(COOKIE_NAME)
            headers = {"X-CSRF-Token": persona.csrf_token}
            if cookie:
                headers["Cookie"] = f"{COOKIE_NAME}={cookie}"
            clients[name] = httpx.Client(base_url=base, headers=headers, timeout=60)
        for index, ((method, path), found) in enumerate(sorted(ROUTES.items())):
            who = next((n for n, outcome in found.expect.items() if outcome == OK), "anonymous")
            url = fill_path(path, found, personas)
            query = {"q": f"{MARK}-{index}"} | dict.fromkeys(
                queries.get((method, path), []), f"{MARK}-{index}"
            )
            bodies: list[dict[str, object]] = [{}]
            if found.form is not None:
                bodies = [
                    {"data": {**found.form, "note": f"{MARK}-{index}"}},
                    {"data": _marked(dict(found.form), index)},
                ]
            elif found.json is not None:
                bodies = [{"json": {**found.json, "note": f"{MARK}-{index}"}}]
                if isinstance(found.json, dict):
                    bodies.append({"json": _marked(found.json, index)})
            for body in bodies:
                response = clients[who].request(method, url, params=query, **body)
                assert response.status_code < 500, (method, url, response.text[:200])
                sent += 1
        assert clients["patient_a"].get("/explode", params={"value": MARK}).status_code == 500
        for client in clients.values():
            client.close()
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=30)
    for name in LOGGERS:  # the handlers write from a thread of their own: let them finish
        for handler in logging.getLogger(name).handlers:
            handler.flush()
    output = server_log.getvalue()
    assert sent > len(ROUTES)
    assert output.count('HTTP/1.1"') >= sent  # one access line per request
    assert "unexpected error on GET /explode" in output and "ValueError" in output
    leaked = sorted(set(re.findall(rf"{MARK}[-0-9]*", output)))
    assert leaked == [], f"values reached the log: {leaked}\n{output[-2000:]}"


def test_the_access_log_filter_drops_the_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/diary?saved=2026-03-01&q={MARK}", "1.1", 200),
        None,
    )
    assert DropQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /diary HTTP/1.1" 200'


def test_a_redacted_traceback_keeps_the_frames_and_drops_every_message() -> None:
    try:
        try:
            int(f"{MARK} is not a number")
        except ValueError as inner:
            raise RuntimeError(f"while reading {MARK}") from inner
    except RuntimeError as exc:
        shown = redacted_traceback(exc)
    assert MARK not in shown
    assert "builtins.ValueError" in shown and "builtins.RuntimeError" in shown
    assert "test_a_redacted_traceback_keeps_the_frames" in shown  # the frames are there


def test_the_engine_hides_sql_parameters(database: Database) -> None:
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as caught, database.transaction() as session:
        session.execute(text("INSERT INTO persons (id) VALUES (:a), (:a)"), {"a": 7})
        session.execute(text("SELECT CAST(:v AS INTEGER) / 0"), {"v": MARK})
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(caught.value)


def test_the_cli_names_an_unexpected_error_by_its_kind_only(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real database error whose SQL carries a value: the CLI prints neither."""
    from nightbridge.cli.errors import run_app

    cli = typer.Typer()

    @cli.command()
    def fail() -> None:
        with database.transaction() as session:
            session.execute(text("INSERT INTO persons (id) VALUES (:a)"), {"a": 424242})
            session.execute(text("INSERT INTO persons (id) VALUES (:a)"), {"a": 424242})

    @cli.command()
    def other() -> None:
        raise ValueError(f"bad value {MARK}")

    for command in ("fail", "other"):
        with pytest.raises(SystemExit) as exited:
            run_app(cli, [command])
        assert exited.value.code == 1
        err = capsys.readouterr().err
        assert "something went wrong (" in err
        assert MARK not in err and "424242" not in err and "INSERT" not in err, err
