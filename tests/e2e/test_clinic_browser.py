"""Issue 14's clinic walk in a real browser (Debian's Chromium through Playwright; never
``playwright install``), one scenario on the live app over SQLite:

- a site admin creates a clinic with Dr. Lee as its clinic admin;
- Dr. Lee, on the clinic page, invites Dr. Kim and sets the clinic's on-call address;
  Dr. Kim, logged in, sees the invite on their Clinics page and joins;
- Sam types the clinic's share code on the Sharing page, chooses view and manage, and
  sees the clinic listed with that choice (Jordan shares too, through the service, with
  no alert);
- Sam saves a check-in that raises an urgent alert (vomiting or diarrhoea for 24 h):
  the app's own sender emails the clinic's on-call address at the local SMTP server
  (aiosmtpd, tests/smtp.py), with no name, symptom or score in it;
- Dr. Kim follows the email's link to the caseload, filters it to "urgent, not
  reviewed" (Sam only), marks Sam reviewed from the row, and the same filtered list no
  longer has Sam; Dr. Lee's caseload shows "Reviewed by dr-kim at HH:MM UTC";
- the share being view and manage, Dr. Kim saves Sam's settings from Sam's page.

The app runs with uvicorn in a thread on a free loopback port over a temporary store
(tests/browser.py). Screenshots at 1440 px (tests/browser.py's ``screenshot``; into
docs/screenshots/ with NIGHTBRIDGE_SCREENSHOTS=1): clinic-admin-walk-1440.png and
caseload-urgent-not-reviewed-1440.png.
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
from tests.browser import (
    free_port,
    launch_chromium,
    off_the_loop,
    require_playwright,
    screenshot,
    serve_app,
)
from tests.smtp import LocalSmtp, leaks, settings_for
from tests.web.conftest import ANSWERED, FAST_AUTH, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long passphrase for the browser"
DESKTOP = {"width": 1440, "height": 900}
CLINIC = "Riverside Recovery Clinic"
#: The clinic's own on-call address, set on its page: it wins over the server's.
CLINIC_ONCALL = "riverside-oncall@clinic.example"

playwright_sync = require_playwright()


@dataclass
class LiveApp:
    url: str
    database: Database
    secrets: dict[str, str]
    accounts: dict[str, int]


@pytest.fixture
def live_app(tmp_path: Path, smtp_server: LocalSmtp) -> Iterator[LiveApp]:
    database = Database(f"sqlite:///{tmp_path / 'nightbridge.sqlite3'}")
    database.migrate()
    secrets, accounts = {}, {}
    for username, role, name in (
        ("sam", "person", "Sam"),
        ("jordan", "person", "Jordan"),
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
        accounts[username] = account
        if role != "person":
            secrets[username] = enrol_totp(database, account)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(auth=FAST_AUTH, public_url=url, smtp=settings_for(smtp_server))
    app = create_app(database, settings=settings)
    try:
        with serve_app(app, port=port):
            yield LiveApp(url, database, secrets, accounts)
    finally:
        database.dispose()


def _share_by_code(database: Database, username: str, code: str, access: str) -> None:
    """``username`` (a person) shares with the clinic of ``code`` through the service."""
    from nightbridge.services.accounts.auth import actor_of
    from nightbridge.services.accounts.sharing import share_with_clinic
    from nightbridge.storage.repositories.accounts import AccountRepository

    with database.reader() as session:
        account = AccountRepository(session).by_username(username)
        assert account is not None
        actor = actor_of(account)
    share_with_clinic(database, actor, code, access)


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


def test_a_clinic_admin_invites_a_clinician_a_person_shares_and_an_alert_is_emailed(
    live_app: LiveApp, smtp_server: LocalSmtp, tmp_path: Path
) -> None:
    expect = playwright_sync.expect
    with playwright_sync.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            root = _page(browser, live_app, "root")
            root.goto("/clinics")
            root.fill("#f-clinic_name", CLINIC)
            root.fill("#f-admin_username", "dr-lee")
            root.click("text=Create clinic")
            expect(root.get_by_role("status")).to_contain_text("Clinic created")

            # the clinic admin invites a clinician and sets the on-call address
            lee = _page(browser, live_app, "dr-lee")
            lee.goto("/clinics")
            lee.click(f"text={CLINIC}")
            lee.fill("#f-username", "dr-kim")
            lee.click("text=Send invite")
            expect(lee.get_by_role("status")).to_contain_text("Invite sent")
            expect(lee.locator("main")).to_contain_text("dr-kim")
            lee.fill("#f-on_call_email", CLINIC_ONCALL)
            lee.click("text=Save address")
            expect(lee.get_by_role("status")).to_contain_text("On-call address saved")
            expect(lee.locator("#f-on_call_email")).to_have_value(CLINIC_ONCALL)
            code = lee.locator("#share-code").inner_text().strip()
            assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
            screenshot(lee, "clinic-admin-walk-1440", tmp_path)

            # the invited clinician joins
            kim = _page(browser, live_app, "dr-kim")
            kim.goto("/clinics")
            kim.click(f"text=Join {CLINIC}")
            expect(kim.locator("h1")).to_have_text(CLINIC)
            expect(kim.locator("main")).to_contain_text("You are clinician here")
            expect(kim.locator("main")).not_to_contain_text(code)  # admins only

            # the person shares with the clinic by its code, view and manage
            sam = _page(browser, live_app, "sam")
            sam.goto("/sharing")
            sam.fill("#f-share_code", code.lower())
            sam.check("input[name=access][value=manage] >> nth=0")
            sam.click("text=Share with the clinic")
            expect(sam.get_by_role("status")).to_contain_text("You now share with the clinic")
            expect(sam.locator("main")).to_contain_text(CLINIC)
            expect(sam.locator("main")).to_contain_text("clinic, view and manage")
            # Jordan shares too (no alert): the filters below must leave Jordan out
            off_the_loop(_share_by_code, live_app.database, "jordan", code, "view")

            # the person's check-in raises an urgent alert ...
            sam.goto("/checkin")
            sam.check("#f-flag-vomiting_24h")
            for symptom, value in (("nausea", 4), ("vomiting", 3), ("diarrhoea", 4)):
                sam.click(f"#f-symptom_{symptom} label.choice-button:has(input[value='{value}'])")
            sam.click("text=Save my check-in")
            expect(sam.locator(".alert-urgent").first).to_be_visible()
            expect(sam.get_by_role("status")).to_contain_text("Symptom score 11 of 68")

            # ... and the clinic's on-call address is emailed, with no health data in it
            assert smtp_server.wait_for(1, timeout=10), "no email reached the SMTP server"
            (email,) = smtp_server.messages
            assert email.recipients == (CLINIC_ONCALL,)
            assert "urgent" in email.subject
            assert "1 person in your clinic has a new urgent alert" in email.body
            found = leaks(
                email,
                words=("Sam", "vomit", "diarrh", "nausea", "fluid", "symptom", "withdrawal"),
                numbers=(11, 68, 4, 3),
            )
            assert found == [], f"the email holds health data: {found}\n{email.raw}"

            # the clinician follows the email's link to the caseload
            link = re.search(r"Open Nightbridge: (\S+)", email.body)
            assert link and link.group(1) == f"{live_app.url}/clinician", email.body
            kim.goto(link.group(1))
            rows = kim.locator("table.caseload tbody tr")
            expect(rows).to_have_count(2)  # Sam and Jordan

            # the clinician filters the caseload to "urgent, not reviewed" ...
            kim.select_option("#f-alert", "urgent")
            kim.select_option("#f-reviewed", "no")
            kim.get_by_role("button", name="Show").click()
            expect(kim).to_have_url(re.compile(r"alert=urgent.*reviewed=no"))
            expect(rows).to_have_count(1)
            sam_row = rows.first
            expect(sam_row.locator("th")).to_contain_text("Sam")
            expect(sam_row.locator(".level-urgent")).to_be_visible()
            expect(sam_row).to_have_attribute("data-review", "to_review")
            screenshot(kim, "caseload-urgent-not-reviewed-1440", tmp_path)

            # ... reviews Sam's alert: back on the same filtered list, Sam is gone
            sam_row.get_by_role("button", name="Mark reviewed").click()
            expect(kim).to_have_url(re.compile(r"alert=urgent.*reviewed=no"))
            expect(rows).to_have_count(0)
            expect(kim.locator("main")).to_contain_text("No one matches these filters")
            # the whole team sees who reviewed it and when
            lee.goto("/clinician")
            reviewed = lee.locator("table.caseload tbody tr", has_text="Sam")
            expect(reviewed).to_have_attribute("data-review", "reviewed")
            expect(reviewed.locator(".reviewed")).to_contain_text(
                re.compile(r"Reviewed by dr-kim at \d\d:\d\d UTC")
            )

            # view and manage: Sam's settings form saves (a view-only share is a 403:
            # tests/web/test_clinic_ownership.py)
            kim.goto("/clinician")
            kim.locator("table.caseload tbody tr a", has_text="Sam").click()
            expect(kim.locator("h1")).to_contain_text("Sam")
            kim.locator("form[action$='/settings'] button[type=submit]").click()
            expect(kim).to_have_url(re.compile(r"saved=settings"))
        finally:
            browser.close()
