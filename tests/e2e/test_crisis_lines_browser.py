"""A yes to thoughts of ending one's life shows the crisis lines at once, in a real browser
(Debian's Chromium through Playwright), with JavaScript and without it (CSS ``:has()``),
on a phone-sized screen; the lines are the person's region's, with call and text links.
"""

from __future__ import annotations

import pytest

from nightbridge.services.sleep.profile import update_profile
from tests.browser import off_the_loop
from tests.e2e.test_person_clinician_browser import (  # the same live app and browser
    PHONE,
    LiveApp,
    _log_in,
    browser,
    live_app,
    playwright_sync,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser", "live_app"]


def test_a_yes_shows_the_regions_crisis_lines_at_once_with_and_without_javascript(
    browser,
    live_app: LiveApp,  # type: ignore[no-untyped-def]
    tmp_path,
) -> None:
    expect = playwright_sync.expect
    off_the_loop(update_profile, live_app.database, 1, region="UK")  # sam
    for scripts in (True, False):
        context = browser.new_context(
            base_url=live_app.url, viewport=PHONE, java_script_enabled=scripts
        )
        page = context.new_page()
        _log_in(page, "sam")
        page.goto("/checkin")
        panel = page.locator("#crisis-now")
        expect(panel).to_be_hidden()
        page.click("label.choice-button:has(input[name=self_harm_thoughts][value=yes])")
        expect(panel).to_be_visible()
        expect(panel.locator("a[href='tel:116123']")).to_be_visible()
        expect(panel.locator("a[href='sms:85258?&body=SHOUT']")).to_contain_text("SHOUT")
        expect(panel.locator("a[href='tel:999']")).to_be_visible()
        assert panel.locator("a[href='tel:911']").count() == 0
        if scripts:
            page.locator("section.self-harm").screenshot(path=str(tmp_path / "crisis-390.png"))
        page.click("label.choice-button:has(input[name=self_harm_thoughts][value=no])")
        expect(panel).to_be_hidden()
        context.close()
