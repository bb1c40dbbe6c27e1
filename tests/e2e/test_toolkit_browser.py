"""The toolkit in a real browser (Debian's Chromium through Playwright): a person
completes lesson 1, runs the box-breathing pacer (and it keeps working offline), writes
a relapse-prevention plan and reaches it from "Need help now" in one tap.

The app runs with uvicorn on a free loopback port over a temporary SQLite store.
Screenshots go to docs/screenshots/toolkit-*.png when NIGHTBRIDGE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.browser import launch_chromium, require_playwright, serve_app
from tests.web.conftest import ANSWERED, FAST_AUTH

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the browser"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

playwright_sync = require_playwright()


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[str]:
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
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    try:
        with serve_app(app) as url:
            yield url
    finally:
        database.dispose()


@pytest.fixture
def browser_context(live_app: str):  # type: ignore[no-untyped-def]
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(
            base_url=live_app, color_scheme="dark", viewport={"width": 420, "height": 900}
        )
        try:
            yield context
        finally:
            context.close()
            browser.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("NIGHTBRIDGE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"toolkit-{name}.png"), full_page=True)


def _log_in(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_person_completes_lesson_one_breathes_and_reaches_their_plan_in_one_tap(
    browser_context,  # type: ignore[no-untyped-def]
) -> None:
    expect = playwright_sync.expect
    page = browser_context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    _log_in(page)

    # Lesson 1: read it, mark it done; lesson 2 opens at once.
    page.goto("/program")
    page.click("text=Sleep while you cut down or stop")
    expect(page.locator("h1")).to_have_text("Sleep while you cut down or stop")
    page.click("#complete-lesson")
    expect(page.locator(".tk-done")).to_have_text("You finished this lesson.")
    _shot(page, "lesson")
    page.goto("/program")
    expect(page.locator("a[href='/program/lessons/2']")).to_be_visible()
    _shot(page, "program")

    # Box breathing: the count is read out in the aria-live region, the square moves.
    page.goto("/relax/box_breathing")
    live = page.locator("#pacer-text")
    expect(live).to_have_attribute("aria-live", "polite")
    page.click("#pacer-start")
    expect(page.locator("#pacer-start")).to_be_hidden()
    expect(live).to_have_text("Breathe in … 1")
    expect(live).to_have_text("Breathe in … 3", timeout=4000)
    expect(live).to_have_text("Hold … 1", timeout=4000)
    assert "running" in (page.get_attribute("#pacer", "class") or "")
    moving = page.evaluate("getComputedStyle(document.querySelector('.pacer-dot')).animationName")
    assert moving == "box-path"
    _shot(page, "box-breathing")
    # The reduced-motion toggle stops the animation; the count goes on in text.
    page.check("#pacer-still")
    still = page.evaluate("getComputedStyle(document.querySelector('.pacer-dot')).animationName")
    assert still == "none"
    expect(live).to_contain_text("…")
    page.click("#pacer-stop")
    # A dark page at 2 a.m. (the relaxation pages are always dark).
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(5, 7, 10)"

    # Offline: once opened, the pacer page comes from the service worker's cache.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    # Polled through page.evaluate: wait_for_function's eval is refused by the app's CSP.
    deadline = time.monotonic() + 10
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "no service worker controls the page"
        page.wait_for_timeout(50)
    page.goto("/relax/box_breathing")
    browser_context.set_offline(True)
    page.goto("/relax/box_breathing")
    expect(page.locator("#pacer-start")).to_be_visible()
    browser_context.set_offline(False)

    # The relapse-prevention plan, written in the person's own words.
    page.goto("/relapse")
    page.fill("#f-triggers", "payday\nevenings alone")
    page.fill("#f-warning_signs", "skipping meals")
    page.fill("#f-coping_steps", "leave the room\ncall Alex")
    page.fill("#f-reasons", "my kids")
    page.fill("#f-person-name-1", "Alex")
    page.fill("#f-person-phone-1", "+1 555 010 2030")
    page.click("#save-plan")
    expect(page.locator(".tk-done")).to_have_text("Your plan is saved.")
    _shot(page, "relapse-plan")

    # One tap on "Need help now" from any page shows the plan and tap-to-call lines.
    page.goto("/program")
    page.click("header >> text=Need help now")
    expect(page).to_have_url(re.compile(r"/help-now$"))
    expect(page.locator("a[href='tel:988']")).to_be_visible()
    expect(page.locator("a[href='tel:+15550102030']")).to_contain_text("Call Alex")
    expect(page.locator("#plan")).to_contain_text("leave the room")
    expect(page.locator("#plan")).to_contain_text("my kids")
    _shot(page, "help-now")
    assert [u for u in missing if not u.endswith("/favicon.ico")] == []

    # Offline, the help page (with the plan) still opens; logging out deletes the copy.
    browser_context.set_offline(True)
    page.goto("/help-now")
    expect(page.locator("#plan")).to_contain_text("leave the room")
    browser_context.set_offline(False)
    page.click("text=Log out")
    page.wait_for_url(re.compile(r"/login"))
    browser_context.set_offline(True)
    page.goto("/help-now")
    expect(page.locator("body")).to_contain_text("Offline, and this page was not opened before.")
    browser_context.set_offline(False)


@pytest.fixture
def quiet_context(live_app: str):  # type: ignore[no-untyped-def]
    """A browser that asks for reduced motion and may show notifications."""
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(
            base_url=live_app,
            color_scheme="dark",
            reduced_motion="reduce",
            viewport={"width": 420, "height": 900},
        )
        context.grant_permissions(["notifications"], origin=live_app)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def test_reduced_motion_paced_scripts_and_reminders_work_in_the_browser(
    quiet_context,  # type: ignore[no-untyped-def]
) -> None:
    expect = playwright_sync.expect
    page = quiet_context.new_page()
    _log_in(page)

    # prefers-reduced-motion: the pacer starts text-only, the count still runs.
    page.goto("/relax/box_breathing")
    expect(page.locator("#pacer-still")).to_be_checked()
    expect(page.locator(".pacer-box")).to_be_hidden()
    page.click("#pacer-start")
    expect(page.locator("#pacer-text")).to_have_text("Breathe in … 2", timeout=3000)
    page.click("#pacer-stop")

    # Muscle relaxation opens with lesson 4; its steps are paced and announced.
    for week in (1, 2, 3, 4):
        page.goto(f"/program/lessons/{week}")
        page.click("#complete-lesson")
    page.goto("/relax/muscle_relaxation")
    page.click("#script-start")
    now = page.locator("#script-now")
    expect(now).to_have_attribute("aria-live", "polite")
    expect(now).to_contain_text("Step 1 of 14")
    page.click("#script-next")
    expect(now).to_contain_text("Step 2 of 14: Hands")
    expect(page.locator(".script-steps li.current")).to_have_count(1)
    expect(page.locator("#script-start")).to_be_hidden()
    _shot(page, "muscle-relaxation")

    # Reminders: notifications only after the person asks; the calendar downloads.
    page.goto("/program/reminders")
    expect(page.locator("#notify-status")).to_have_text("Browser reminders are off.")
    page.click("#notify-on")
    expect(page.locator("#notify-status")).to_contain_text("Browser reminders are on")
    with page.expect_download() as download:
        page.click("text=Download reminders (.ics)")
    path = download.value.path()
    assert path is not None
    text = Path(path).read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "RRULE:FREQ=DAILY\r\n" in text
