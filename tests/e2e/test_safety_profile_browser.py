"""The first-login step in a real browser (Debian's Chromium through Playwright): a
person whose account was just made logs in, is asked the safety questions before any
page, sees their time zone proposed from the browser, chooses the UK, and then a
check-in with chest pain shows 999, never 911 (issue 10 item 2; H03, H04).
Screenshots of the step at 390 px and 1440 px go to the test's tmp directory."""

from __future__ import annotations

import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.sleep.profile import get_profile
from tests.browser import off_the_loop
from tests.e2e.test_person_clinician_browser import (  # the same live app and browser
    PASSWORD,
    PHONE,
    LiveApp,
    _log_in,
    browser,
    live_app,
    playwright_sync,
)
from tests.web.conftest import FAST_AUTH

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "live_app"]


def test_the_first_login_step_proposes_the_zone_and_uk_gives_999(
    browser,
    live_app: LiveApp,  # type: ignore[no-untyped-def]
    tmp_path,
) -> None:
    expect = playwright_sync.expect
    off_the_loop(
        create_account,
        live_app.database,
        FAST_AUTH,
        username="carla",
        password=PASSWORD,
        role="person",
    )
    context = browser.new_context(
        base_url=live_app.url, viewport=PHONE, timezone_id="Europe/London"
    )
    page = context.new_page()
    _log_in(page, "carla")
    expect(page).to_have_url(f"{live_app.url}/profile")
    expect(page.locator("h1")).to_contain_text("Before you start")
    expect(page.locator("#f-tz")).to_have_value("Europe/London")  # proposed (Intl)
    expect(page.locator(".zone-proposed")).to_be_visible()
    expect(page.locator("#f-region")).to_have_value("")  # never assumed
    page.screenshot(path=str(tmp_path / "profile-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(tmp_path / "profile-1440.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto("/plan")  # nothing else opens before the step is answered
    expect(page).to_have_url(f"{live_app.url}/profile")
    page.select_option("#f-region", "UK")
    page.check("#f-none")
    page.click("text=Save and continue")
    expect(page).to_have_url(f"{live_app.url}/today")
    profile = off_the_loop(get_profile, live_app.database, 3)
    assert (profile.tz, profile.region, profile.screened) == ("Europe/London", "UK", True)
    page.goto("/checkin")
    page.check("#f-flag-chest_pain")
    page.click("text=Save my check-in")
    banner = page.locator(".alert-emergency").first
    expect(banner).to_be_visible()
    expect(banner.locator("a[href='tel:999']")).to_be_visible()
    assert page.locator("a[href='tel:911']").count() == 0
    page.screenshot(path=str(tmp_path / "banner-390.png"), full_page=True)
    context.close()
