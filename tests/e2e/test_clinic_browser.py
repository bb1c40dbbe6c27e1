"""Clinics in a real browser (Debian's Chromium through Playwright; never ``playwright
install``), the first half of issue 14's walk:

- a site admin creates a clinic with Dr. Lee as its clinic admin;
- Dr. Lee invites Dr. Kim on the clinic page; Dr. Kim, logged in, sees the invite on
  their Clinics page and joins;
- Sam types the clinic's share code on the Sharing page, view only, and sees the clinic
  listed; Dr. Kim then finds Sam in their list, can open Sam's page, and is refused (403)
  when trying to change Sam's settings.

The app runs with uvicorn in a thread on a free loopback port over a temporary store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.browser import launch_chromium, require_playwright, serve_app
from tests.web.conftest import ANSWERED, FAST_AUTH, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the browser"
DESKTOP = {"width": 1440, "height": 900}

playwright_sync = require_playwright()


@dataclass
class LiveApp:
    url: str
    secrets: dict[str, str]


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[LiveApp]:
    database = Database(f"sqlite:///{tmp_path / 'nightbridge.sqlite3'}")
    database.migrate()
    secrets = {}
    for username, role, name in (
        ("sam", "person", "Sam"),
        ("dr-lee", "clinician", "Dr. Lee"),
        ("dr-kim", "clinician", "Dr. Kim"),
        ("root", "admin", ""),
    ):
        account = create_account(
            database,
            FAST_AUTH,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=name,
            profile=ANSWERED if role == "person" else None,
        )
        if role != "person":
            secrets[username] = enrol_totp(database, account)
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    try:
        with serve_app(app) as url:
            yield LiveApp(url, secrets)
    finally:
        database.dispose()


def _page(browser, live_app: LiveApp, username: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(base_url=live_app.url, viewport=DESKTOP).new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if username in live_app.secrets:
        page.fill("input[name=code]", pyotp.TOTP(live_app.secrets[username]).now())
        page.click("button[type=submit]")
        page.wait_for_load_state()
    return page


def test_a_clinic_admin_invites_a_clinician_and_a_person_shares_by_code(
    live_app: LiveApp,
) -> None:
    expect = playwright_sync.expect
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            root = _page(browser, live_app, "root")
            root.goto("/clinics")
            root.fill("#f-clinic_name", "Riverside Recovery Clinic")
            root.fill("#f-admin_username", "dr-lee")
            root.click("text=Create clinic")
            expect(root.get_by_role("status")).to_contain_text("Clinic created")

            lee = _page(browser, live_app, "dr-lee")
            lee.goto("/clinics")
            lee.click("text=Riverside Recovery Clinic")
            lee.fill("#f-username", "dr-kim")
            lee.click("text=Send invite")
            expect(lee.get_by_role("status")).to_contain_text("Invite sent")
            expect(lee.locator("main")).to_contain_text("dr-kim")
            code = lee.locator("#share-code").inner_text().strip()
            assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code

            kim = _page(browser, live_app, "dr-kim")
            kim.goto("/clinics")
            kim.click("text=Join Riverside Recovery Clinic")
            expect(kim.locator("h1")).to_have_text("Riverside Recovery Clinic")
            expect(kim.locator("main")).to_contain_text("You are clinician here")
            expect(kim.locator("main")).not_to_contain_text(code)  # admins only

            sam = _page(browser, live_app, "sam")
            sam.goto("/sharing")
            sam.fill("#f-share_code", code.lower())
            sam.check("input[name=access][value=view] >> nth=0")
            sam.click("text=Share with the clinic")
            expect(sam.get_by_role("status")).to_contain_text("You now share with the clinic")
            expect(sam.locator("main")).to_contain_text("Riverside Recovery Clinic")
            expect(sam.locator("main")).to_contain_text("clinic, view only")

            kim.goto("/clinician")
            kim.click("text=Sam")
            expect(kim.locator("h1")).to_contain_text("Sam")
            # view only: changing Sam's settings, with the page's own CSRF token, is a 403
            token = kim.locator("input[name=csrf_token]").first.get_attribute("value")
            assert token
            refused = kim.request.post(
                kim.url.split("?")[0].rstrip("/") + "/settings",
                form={"csrf_token": token, "floor_min": "300"},
            )
            assert refused.status == 403, refused.status
            assert "form has expired" not in refused.text()  # not the CSRF refusal
        finally:
            browser.close()
