"""A person uploads an Apple Health export in a real browser (Debian's Chromium through
Playwright; never ``playwright install``), watches the background import finish (the page's
script uploads with XMLHttpRequest and polls the job's JSON) and opens their diary and
device nights side by side.

The app runs with uvicorn in a thread on a free loopback port over a temporary store,
with its real background runner (a thread), so the progress page refreshes on its own.
Screenshots go to docs/screenshots/device-import.png and device-nights.png when
NIGHTBRIDGE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.sleep.diary import record_entry
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.browser import launch_chromium, require_playwright, serve_app
from tests.web.conftest import ANSWERED, FAST_AUTH

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the browser"
APPLE = Path(__file__).parents[1] / "data" / "apple_health" / "export_three_sources.xml"
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
WATCH = "Dana’s Apple Watch"

playwright_sync = require_playwright()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("NIGHTBRIDGE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def live_url(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = Database(f"sqlite:///{tmp_path / 'nightbridge.sqlite3'}")
    database.migrate()
    create_account(
        database,
        FAST_AUTH,
        username="sam",
        password=PASSWORD,
        role="person",
        display_name="Sam",
        profile=ANSWERED,
    )
    diary = {
        "date": "2026-11-01",
        "bedtime": "23:00",
        "lights_off": "23:10",
        "sol_min": "20",
        "nwak": "1",
        "waso_min": "15",
        "final_wake": "06:40",
        "out_of_bed": "06:50",
        "quality": "3",
    }
    record_entry(database, 1, diary)
    uploads = tmp_path / "uploads"
    app = create_app(database, settings=Settings(auth=FAST_AUTH, upload_dir=uploads))
    try:
        with serve_app(app) as url:
            yield url, uploads
    finally:
        runner = getattr(app.state, "import_runner", None)
        if runner is not None:
            runner.shutdown(wait=True)
        database.dispose()


def test_a_person_uploads_an_export_and_sees_the_nights_side_by_side(
    live_url: tuple[str, Path], tmp_path: Path
) -> None:
    url, uploads = live_url
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
    expect = playwright_sync.expect
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(
                base_url=url, viewport={"width": 1200, "height": 900}
            ).new_page()
            page.goto("/login")
            page.fill("input[name=username]", "sam")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.click("nav summary")  # "More" in the menu
            page.click("nav >> text=Nights")
            page.click("text=Import from a device")
            expect(page.locator("h1")).to_have_text("Import from a device")
            page.select_option("#f-kind", "apple-health")
            page.set_input_files("#f-file", str(export))
            posts: list[str] = []
            page.on(
                "request",
                lambda r: (
                    posts.append(r.headers.get("accept", ""))
                    if r.method == "POST" and r.url.endswith("/imports")
                    else None
                ),
            )
            page.click("text=Upload and import")
            # devices.js sends the form itself (upload progress, then polling the JSON)
            expect(page.locator(".devices-live")).to_be_visible()
            expect(page).to_have_url(f"{url}/imports/1", timeout=20_000)
            assert posts == ["application/json"]
            done = page.locator("p.notice")
            expect(done).to_contain_text("Done: 25 new samples", timeout=20_000)
            rows = page.locator("table.devices-sources tbody tr")
            expect(rows).to_have_count(4)
            expect(rows.nth(1)).to_contain_text(WATCH)
            expect(rows.nth(1).locator("td").first).to_have_text("2")
            assert list(uploads.rglob("*")) == [], "the uploaded file must be deleted"
            _shot(page, "device-import")

            page.goto("/nights?days=366")
            table = page.locator("table.nights-table")
            expect(table.locator("thead th")).to_have_text(
                ["Night (morning of)", "Diary", "AutoSleep", WATCH, "Sleep & Recovery Lab"]
            )
            first = table.locator("tbody tr").first
            expect(first.locator("td.diary")).to_contain_text("6 h 55 min")
            expect(first.locator("td.device").nth(1)).to_contain_text("★ speaks for the night")
            expect(first.locator("td.device").nth(1)).to_contain_text("7 h 38 min")
            _shot(page, "device-nights")
        finally:
            browser.close()


def test_without_javascript_the_form_posts_and_the_job_page_refreshes_until_done(
    live_url: tuple[str, Path], tmp_path: Path
) -> None:
    url, uploads = live_url
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(APPLE, "apple_health_export/export.xml")
    expect = playwright_sync.expect
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_context(base_url=url, java_script_enabled=False).new_page()
            page.goto("/login")
            page.fill("input[name=username]", "sam")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto("/imports")
            page.select_option("#f-kind", "apple-health")
            page.set_input_files("#f-file", str(export))
            page.click("text=Upload and import")
            expect(page).to_have_url(f"{url}/imports/1")
            expect(page.locator("p.notice")).to_contain_text("Done: 25 new samples", timeout=20_000)
            assert list(uploads.rglob("*")) == []
        finally:
            browser.close()
