"""The person's day and the clinician's view in a real browser (Debian's Chromium
through Playwright; never ``playwright install``):

- a person fills in the morning diary on a phone-sized screen and sees the night's
  numbers;
- a check-in with chest pain shows the emergency banner with the number to call;
- a clinician logs in with a TOTP code, sees that person at the top of triage, and
  loses access as soon as the person stops sharing.

The app runs with uvicorn in a thread on a free loopback port over a temporary store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest

from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.accounts.sharing import create_invite, redeem_invite
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from tests.browser import launch_chromium, require_playwright, serve_app
from tests.web.conftest import ANSWERED, FAST_AUTH, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the browser"
PHONE = {"width": 390, "height": 844}

playwright_sync = require_playwright()


@dataclass
class LiveApp:
    url: str
    database: Database
    clinician_secret: str


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[LiveApp]:
    database = Database(f"sqlite:///{tmp_path / 'nightbridge.sqlite3'}")
    database.migrate()
    accounts = {}
    for username, role, name in (
        ("sam", "person", "Sam"),
        ("jordan", "person", "Jordan"),
        ("dr-lee", "clinician", "Dr. Lee"),
    ):
        accounts[username] = create_account(
            database,
            FAST_AUTH,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=name,
            profile=ANSWERED if role == "person" else None,
        )
    secret = enrol_totp(database, accounts["dr-lee"])
    clinician = Actor(accounts["dr-lee"], "clinician")
    for username, person_id in (("sam", 1), ("jordan", 2)):
        person = Actor(accounts[username], "person", person_id)
        redeem_invite(database, clinician, create_invite(database, person).code)
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    try:
        with serve_app(app) as url:
            yield LiveApp(url, database, secret)
    finally:
        database.dispose()


@pytest.fixture
def browser(live_app: LiveApp):  # type: ignore[no-untyped-def]
    with playwright_sync.sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


def _context(browser, live_app: LiveApp, viewport: dict[str, int] = PHONE):  # type: ignore[no-untyped-def]
    return browser.new_context(base_url=live_app.url, viewport=viewport)


def _log_in(page, username: str, totp_secret: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if totp_secret is not None:
        page.fill("input[name=code]", pyotp.TOTP(totp_secret).now())
        page.click("button[type=submit]")
        page.wait_for_load_state()


def _fill_diary(page, nwak: str = "1") -> None:  # type: ignore[no-untyped-def]
    # yesterday's morning (the person's zone is UTC): the form proposes today's, whose
    # 06:50 has not come yet when the suite runs between midnight and 06:50
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    page.fill("#f-date", yesterday)
    page.fill("#f-bedtime", "23:00")
    page.fill("#f-lights_off", "23:10")
    page.fill("#f-sol_min", "20")
    page.fill("#f-nwak", nwak)
    page.fill("#f-waso_min", "15")
    page.fill("#f-final_wake", "06:40")
    page.fill("#f-out_of_bed", "06:50")
    page.click("label.choice-button:has(input[name=quality][value='4'])")
    page.click("text=Save my night")
    page.wait_for_load_state()


def test_a_person_fills_the_morning_diary_and_sees_the_nights_numbers(
    browser,
    live_app: LiveApp,  # type: ignore[no-untyped-def]
) -> None:
    expect = playwright_sync.expect
    page = _context(browser, live_app).new_page()
    _log_in(page, "sam")
    expect(page).to_have_url(f"{live_app.url}/today")
    page.click("a[data-due=diary]")
    expect(page.locator("h1")).to_have_text("Morning diary")
    # a mistake first: 15 min awake with no awakenings; the form keeps what was typed
    _fill_diary(page, nwak="0")
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("#f-waso_min")).to_have_value("15")
    expect(page.locator("#f-bedtime")).to_have_value("23:00")
    # corrected, saved: the numbers of the night at once
    page.fill("#f-nwak", "1")
    page.click("text=Save my night")
    expect(page.locator("[data-metric=tst_min]")).to_have_text("6 h 55 min")
    expect(page.locator("[data-metric=se_pct]")).to_have_text("88.3 %")
    # touch targets: the quality buttons are at least 48 px high on a phone
    page.goto("/diary")
    box = page.locator("label.choice-button span").first.bounding_box()
    assert box is not None and box["height"] >= 48


def test_a_checkin_with_chest_pain_shows_the_emergency_banner_with_the_number(
    browser,
    live_app: LiveApp,  # type: ignore[no-untyped-def]
) -> None:
    expect = playwright_sync.expect
    page = _context(browser, live_app).new_page()
    _log_in(page, "sam")
    page.goto("/checkin")
    page.check("#f-flag-chest_pain")
    page.click("text=Save my check-in")
    banner = page.locator(".alert-emergency").first
    expect(banner).to_be_visible()
    call = banner.locator("a[href='tel:911']")
    expect(call).to_be_visible()
    expect(call).to_contain_text("911")


def test_a_clinician_sees_the_person_first_and_loses_access_when_they_stop_sharing(
    browser,
    live_app: LiveApp,  # type: ignore[no-untyped-def]
) -> None:
    expect = playwright_sync.expect
    person = _context(browser, live_app).new_page()
    _log_in(person, "sam")
    person.goto("/checkin")
    person.check("#f-flag-chest_pain")
    person.click("text=Save my check-in")
    expect(person.locator(".alert-emergency").first).to_be_visible()

    clinician = _context(browser, live_app, {"width": 1280, "height": 900}).new_page()
    _log_in(clinician, "dr-lee", live_app.clinician_secret)
    expect(clinician).to_have_url(f"{live_app.url}/clinician")
    first_row = clinician.locator("table.triage tbody tr").first
    expect(first_row.locator("th")).to_have_text("Sam")
    expect(first_row.locator(".level-emergency")).to_be_visible()
    clinician.click("text=Sam")
    expect(clinician.locator("h1")).to_have_text("Sam")
    page_url = clinician.url

    person.goto("/sharing")
    person.once("dialog", lambda dialog: dialog.accept())  # "Stop sharing with dr-lee?"
    person.click("text=Stop sharing with dr-lee")
    expect(person.locator("main")).to_contain_text("Nobody else can see your data.")

    response = clinician.goto(page_url)
    assert response is not None and response.status == 404
    clinician.goto("/clinician")
    expect(clinician.locator("table.triage tbody tr")).to_have_count(1)
    expect(clinician.locator("table.triage tbody tr th")).to_have_text("Jordan")
