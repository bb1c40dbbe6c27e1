"""Shared pieces of the real-browser tests.

Debian's Chromium driven by Playwright (``executable_path`` set to that binary; never
``playwright install``), with the flags this machine needs, and the app served by uvicorn
in a thread on a free loopback port.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Where the docs' screenshots live (``screenshot`` writes there when asked).
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def browser_required(environ: dict[str, str] | None = None) -> bool:
    """True in CI: ``NIGHTBRIDGE_TEST_BROWSER_REQUIRED=1``, or
    ``NIGHTBRIDGE_TEST_POSTGRES_REQUIRED=1`` (which ``.ci/run`` sets), unless
    ``NIGHTBRIDGE_TEST_BROWSER_REQUIRED=0`` says otherwise."""
    env = os.environ if environ is None else environ
    chosen = env.get("NIGHTBRIDGE_TEST_BROWSER_REQUIRED")
    if chosen in ("0", "1"):
        return chosen == "1"
    return env.get("NIGHTBRIDGE_TEST_POSTGRES_REQUIRED") == "1"


def require_playwright() -> Any:
    """``playwright.sync_api``. Without Chromium or Playwright the calling test module
    is skipped with the reason, except where the browser is required (CI,
    ``browser_required``): there the tests FAIL, as a missing PostgreSQL does."""
    problem = None
    if CHROMIUM is None:
        problem = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api as sync_api
        except ImportError as exc:
            problem = f"Playwright cannot be imported ({exc})"
        else:
            return sync_api
    if browser_required():
        pytest.fail(f"the browser tests are required here: {problem}", pytrace=False)
    pytest.skip(problem, allow_module_level=True)


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, with no background network traffic."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def screenshot(page: Any, name: str, tmp_path: Path, *, full_page: bool = True) -> Path:
    """A screenshot of ``page`` as ``name``.png: into docs/screenshots/ when
    ``NIGHTBRIDGE_SCREENSHOTS=1`` (to refresh the docs' pictures), else into ``tmp_path``
    (still taken, so a page the browser cannot draw fails the test); returns its path."""
    folder = DOCS_SCREENSHOTS if os.environ.get("NIGHTBRIDGE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(app: Any, *, port: int | None = None, start_timeout: float = 15) -> Iterator[str]:
    """Serve ``app`` with uvicorn on ``port`` (by default a free loopback port); yields its
    base URL. Pass a ``free_port()`` when the app must know its own address beforehand
    (``Settings.public_url``, for the links in its emails)."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def off_the_loop(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``function`` on a worker thread and return its result: Playwright's sync API
    runs an event loop on the test's thread, where the store refuses to work
    (``storage.database.refuse_event_loop``)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
