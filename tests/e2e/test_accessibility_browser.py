"""Accessibility in a real browser (issue 13 item 6): axe-core (from npm at test time,
tests/axe.py) finds no serious or critical violation on any page, logged in as the
person, the clinician and the admin, in the light and the dark theme; every control a
finger must hit is at least 44 px high on a 390 px phone.

One server over the demo (six weeks of realistic data: charts, alerts, a taper, a
window set by the clinician), one browser for the module; accounts log in through the
real login pages (in-process) and the browser is handed the session cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from nightbridge.services.accounts.accounts import create_account
from nightbridge.services.demo.demo import DemoLogins, load_demo
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from nightbridge.web.sessions import COOKIE_NAME
from tests.axe import SMALL_TARGETS, axe_source, serious_violations
from tests.browser import launch_chromium, require_playwright, serve_app
from tests.web.conftest import FAST_AUTH, enrol_totp, login, new_client, test_keys

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright_sync = require_playwright()
PHONE = {"width": 390, "height": 844}
ADMIN_PASSWORD = "a long passphrase for the admin"

PERSON_PAGES = (
    "/today",
    "/diary",
    "/log",
    "/evening",
    "/checkin",
    "/checkin/isi",
    "/plan",
    "/taper",
    "/trends",
    "/nights",
    "/program",
    "/program/lessons/1",
    "/relax",
    "/relapse",
    "/report",
    "/sharing",
    "/account",
    "/account/activity",
    "/profile",
    "/help-now",
)


@dataclass
class Live:
    url: str
    app: Any
    logins: DemoLogins
    admin_secret: str

    def cookie(self, username: str, password: str, secret: str | None = None) -> dict[str, Any]:
        client = new_client(self.app)
        login(client, username, password, secret)
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
    path = tmp_path_factory.mktemp("a11y") / "nightbridge.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    logins = load_demo(database, keys=test_keys(), policy=FAST_AUTH)
    admin = create_account(
        database, FAST_AUTH, username="admin", password=ADMIN_PASSWORD, role="admin"
    )
    secret = enrol_totp(database, admin)
    app = create_app(database, settings=Settings(auth=FAST_AUTH))
    try:
        with serve_app(app) as url:
            yield Live(url, app, logins, secret)
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    with playwright_sync.sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


def _pages(live: Live) -> list[tuple[str, dict[str, Any] | None, tuple[str, ...]]]:
    d = live.logins
    return [
        ("signed out", None, ("/login", "/help-now")),
        ("person", live.cookie(d.person_email, d.person_password), PERSON_PAGES),
        (
            "clinician",
            live.cookie(d.clinician_email, d.clinician_password, d.clinician_totp_secret),
            (
                "/clinician",
                f"/clinician/people/{d.person_id}",
                f"/clinician/people/{d.second_person_id}",
                f"/clinician/people/{d.person_id}/nights",
                "/sharing",
                "/account",
                "/clinics",
                f"/clinics/{d.clinic_id}",
            ),
        ),
        (
            "admin",
            live.cookie("admin", ADMIN_PASSWORD, live.admin_secret),
            ("/admin/accounts", "/account", "/clinics"),
        ),
    ]


def test_no_serious_axe_violation_and_44px_targets_on_every_page(live: Live, browser: Any) -> None:
    source = axe_source()
    found: list[str] = []
    checked = 0
    for role, cookie, paths in _pages(live):
        context = browser.new_context(base_url=live.url, viewport=PHONE, bypass_csp=True)
        if cookie is not None:
            context.add_cookies([cookie])
        page = context.new_page()
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (role, path)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                for v in serious_violations(page, source):
                    found.append(
                        f"{role} {path} ({scheme}): {v['id']} [{v['impact']}] "
                        f"{v['help']} at {v['nodes']}"
                    )
                checked += 1
            small = page.evaluate(SMALL_TARGETS)
            found.extend(f"{role} {path}: tap target under 44 px: {s}" for s in small)
        context.close()
    assert checked >= 2 * (2 + len(PERSON_PAGES) + 6 + 2)
    assert found == [], "\n".join(found)


def test_the_clinicians_page_about_a_person_opens_on_a_one_screen_summary_at_1440(
    live: Live, browser: Any
) -> None:
    """At 1440x900 the summary (alerts, this week's sleep, the window, the latest scales
    and the four charts) ends within the first screen, with no serious axe violation in
    either theme, and the in-page menu reaches the taper form without any script."""
    d = live.logins
    context = browser.new_context(
        base_url=live.url, viewport={"width": 1440, "height": 900}, bypass_csp=True
    )
    context.add_cookies(
        [live.cookie(d.clinician_email, d.clinician_password, d.clinician_totp_secret)]
    )
    page = context.new_page()
    try:
        response = page.goto(f"/clinician/people/{d.person_id}")
        assert response is not None and response.status == 200
        bottoms = page.evaluate(
            """() => [...document.querySelectorAll('#summary .s-card, #summary svg')]
                 .map(el => el.getBoundingClientRect().bottom)"""
        )
        assert len(bottoms) == 8 and max(bottoms) <= 900, bottoms
        found = []
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            found += [
                f"{scheme}: {v['id']} {v['help']}" for v in serious_violations(page, axe_source())
            ]
        assert found == []
        page.click(".section-nav a[href='#taper']")
        top = page.evaluate("() => document.getElementById('taper').getBoundingClientRect().top")
        assert 0 <= top < 200
    finally:
        context.close()
