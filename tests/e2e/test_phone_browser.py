"""The person's phone app in a real browser (issue 13; Debian's Chromium through
Playwright, never ``playwright install``):

- the install criteria are met: Chromium itself reports no installability error
  (manifest, icons, service worker), with a start URL of ``/today``.

One server and one browser profile for the whole module (CI time is tight); accounts log
in once, through the real login pages of an in-process client on the same store, and the
browser is handed the session cookie.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from nightbridge.web.sessions import COOKIE_NAME
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_playwright, serve_app
from tests.web.conftest import FAST_AUTH, login, new_client

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the phone"
PHONE = {"width": 390, "height": 844}

playwright_sync = require_playwright()


@dataclass
class Live:
    url: str
    database: Database
    app: Any
    accounts: dict[str, int]

    def session_cookie(self, username: str) -> dict[str, Any]:
        """Log ``username`` in through the real pages (in-process) and return the
        session cookie for the browser."""
        client = new_client(self.app)
        login(client, username, PASSWORD)
        token = client.cookies.get(COOKIE_NAME)
        client.close()
        return {
            "name": COOKIE_NAME,
            "value": token,
            "domain": "127.0.0.1",
            "path": "/",
            "secure": True,
            "httpOnly": True,
            "sameSite": "Lax",
        }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("phone") / "nightbridge.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    accounts = {
        username: create_account(
            database, FAST_AUTH, username=username, password=PASSWORD, role=role, display_name=name
        )
        for username, role, name in (("sam", "person", "Sam"), ("alex", "person", "Alex"))
    }
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    try:
        with serve_app(app) as url:
            yield Live(url, database, app, accounts)
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def phone(live: Live) -> Iterator[Any]:
    """One phone: a persistent (not incognito) Chromium profile, as an installed app has."""
    with playwright_sync.sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            base_url=live.url,
            viewport=PHONE,
        )
        try:
            yield context
        finally:
            context.close()


def test_the_install_criteria_are_met(live: Live, phone: Any) -> None:
    phone.clear_cookies()
    phone.add_cookies([live.session_cookie("sam")])
    page = phone.new_page()
    page.goto("/today")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{live.url}/sw.js"
    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
    parsed = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert parsed["start_url"] == "/today" and parsed["display"] == "standalone"
    page.close()
