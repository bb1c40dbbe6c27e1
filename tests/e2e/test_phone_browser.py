"""The person's phone app in a real browser (issue 13; Debian's Chromium through
Playwright, never ``playwright install``):

- the install criteria are met: Chromium itself reports no installability error
  (manifest, icons, service worker), with a start URL of ``/today``;
- a morning diary and a craving filled in with the network off (the diary page itself
  served from the offline copy) wait on the phone, listed on the page, and are stored
  exactly once when the network returns, still once after a second reconnect;
- logging out with a form still waiting leaves nothing the next account can read: no
  outbox, no offline copy of "Need help now" with the plan and contacts; another account
  signed in without a logout, or a session ended on the server (401), clears them too.

One server and one browser profile for the whole module (CI time is tight); accounts log
in once, through the real login pages of an in-process client on the same store, and the
browser is handed the session cookie.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from nightbridge.services.accounts.accounts import create_account, get_account
from nightbridge.services.accounts.auth import end_session
from nightbridge.services.recovery.relapse import cravings, save_plan
from nightbridge.services.sleep.diary import list_entries
from nightbridge.storage.database import Database
from nightbridge.web.app import Settings, create_app
from nightbridge.web.sessions import COOKIE_NAME
from tests.browser import CHROMIUM, CHROMIUM_ARGS, off_the_loop, require_playwright, serve_app
from tests.web.conftest import ANSWERED, FAST_AUTH, login, new_client

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

    def person_id(self, username: str) -> int:
        person_id = off_the_loop(get_account, self.database, self.accounts[username]).person_id
        assert person_id is not None
        return person_id

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
            database,
            FAST_AUTH,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=name,
            profile=ANSWERED,
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


def _until(page: Any, script: str, what: str, seconds: float = 10.0) -> None:
    """Poll ``script`` in the page until it is truthy (at most ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, what
        page.wait_for_timeout(50)


def _until_the_outbox_is_empty(page: Any) -> None:
    """Until a send has been answered and its item removed from the outbox (IndexedDB)."""
    _until(
        page,
        f"async () => (await ({OUTBOX_ITEMS})()).length === 0",
        "the waiting form was never sent",
    )


OUTBOX_ITEMS = """async () => {
  if (!(await indexedDB.databases()).some(d => d.name === 'nightbridge-outbox')) return [];
  return await new Promise((resolve, reject) => {
    const open = indexedDB.open('nightbridge-outbox');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('items')) { db.close(); resolve([]); return; }
      const all = db.transaction('items').objectStore('items').getAll();
      all.onsuccess = () => { db.close(); resolve(all.result); };
      all.onerror = () => reject(all.error);
    };
  });
}"""

CACHED_TEXT = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.push(request.url + ' ' + await (await cache.match(request)).text());
    }
  }
  return out.join('\\n');
}"""


def _open_as(live: Live, phone: Any, username: str) -> Any:
    """A page of ``username``'s session, controlled by the service worker."""
    phone.clear_cookies()
    phone.add_cookies([live.session_cookie(username)])
    page = phone.new_page()
    page.goto("/today")
    # A poll through page.evaluate, not wait_for_function: the latter compiles its string
    # with eval inside the page, which the app's Content-Security-Policy refuses.
    _until(page, "() => navigator.serviceWorker.controller !== null", "no service worker")
    return page


def _fill_diary(page: Any, date: str) -> None:
    page.fill("#f-date", date)
    for name, value in (
        ("bedtime", "23:05"),
        ("lights_off", "23:20"),
        ("final_wake", "06:35"),
        ("out_of_bed", "06:50"),
    ):
        page.fill(f"#f-{name}", value)
    for name, value in (("sol_min", "25"), ("nwak", "2"), ("waso_min", "40")):
        page.fill(f"#f-{name}", value)
    page.check("input[name=quality][value='3']")


def _keep_offline(phone: Any, page: Any) -> None:
    """Fill in the diary and a craving with the network off (pages from the copies)."""
    expect = playwright_sync.expect
    phone.set_offline(True)
    page.goto("/diary")
    _fill_diary(page, "2026-12-01")
    page.click("text=Save my night")
    expect(page.locator("#outbox")).to_contain_text("1 form waiting to be sent")
    expect(page.locator("#outbox")).to_contain_text("Morning diary for 2026-12-01")
    page.goto("/relapse")
    page.fill("#cravings [name=intensity]", "7")
    page.fill("#cravings [name=trigger]", "the bus stop")
    page.click("#cravings button[type=submit]")
    expect(page.locator("#outbox")).to_contain_text("2 forms waiting to be sent")


def test_forms_filled_in_offline_are_stored_once_when_the_network_returns(
    live: Live, phone: Any
) -> None:
    expect = playwright_sync.expect
    person_id = live.person_id("sam")
    page = _open_as(live, phone, "sam")
    for path in ("/diary", "/relapse"):  # opened once online: the offline copies
        page.goto(path)
    _keep_offline(phone, page)
    assert len(page.evaluate(OUTBOX_ITEMS)) == 2
    assert off_the_loop(list_entries, live.database, person_id) == []
    assert off_the_loop(cravings, live.database, person_id) == []

    phone.set_offline(False)  # the "online" event sends what waits
    expect(page.locator("#outbox")).to_be_hidden()
    assert page.evaluate(OUTBOX_ITEMS) == []
    entries = off_the_loop(list_entries, live.database, person_id)
    assert [(e.date.isoformat(), e.waso_min, e.quality) for e in entries] == [("2026-12-01", 40, 3)]
    assert [(c.intensity, c.trigger) for c in off_the_loop(cravings, live.database, person_id)] == [
        (7, "the bus stop")
    ]

    phone.set_offline(True)  # a second drop and reconnect: nothing is sent again
    phone.set_offline(False)
    page.reload()
    expect(page.locator("#outbox")).to_be_hidden()
    assert len(off_the_loop(list_entries, live.database, person_id)) == 1
    assert len(off_the_loop(cravings, live.database, person_id)) == 1
    page.close()


def _hold_sends(page: Any) -> None:
    """The server unreachable for form posts while the phone is online (Playwright's
    routing bypasses the service worker: set it after the offline copies are used)."""
    page.route(
        lambda url: url.endswith(("/diary", "/relapse/cravings")),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )


def test_logging_out_leaves_no_offline_copy_for_the_next_account(live: Live, phone: Any) -> None:
    expect = playwright_sync.expect
    off_the_loop(
        save_plan,
        live.database,
        live.person_id("alex"),
        {"coping_steps": ["walk to the river"], "reasons": ["my sister"]},
        [("Robin", "+1 555 010 7788")],
    )
    page = _open_as(live, phone, "alex")
    for path in ("/help-now", "/diary", "/relapse"):
        page.goto(path)
    expect(page.locator("main")).to_contain_text("walk to the river")
    _keep_offline(phone, page)
    _hold_sends(page)  # (after: routing bypasses the service worker)
    phone.set_offline(False)
    page.reload()  # online, but the posts fail: they keep waiting
    expect(page.locator("#outbox")).to_contain_text("2 forms waiting to be sent")
    assert "walk to the river" in page.evaluate(CACHED_TEXT)

    page.click("text=Log out")
    page.wait_for_url("**/login")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/today")
    assert page.evaluate(OUTBOX_ITEMS) == []
    cached = page.evaluate(CACHED_TEXT)
    assert "walk to the river" not in cached and "Robin" not in cached
    expect(page.locator("#outbox")).to_be_hidden()
    phone.set_offline(True)
    page.goto("/help-now")
    expect(page.locator("body")).to_contain_text("Offline, and this page was not opened before.")
    phone.set_offline(False)
    assert off_the_loop(list_entries, live.database, live.person_id("alex")) == []
    page.close()


def test_another_account_or_an_ended_session_clears_what_waits(live: Live, phone: Any) -> None:
    expect = playwright_sync.expect
    page = _open_as(live, phone, "alex")
    for path in ("/help-now", "/diary", "/relapse"):
        page.goto(path)
    _keep_offline(phone, page)
    _hold_sends(page)
    phone.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("2 forms waiting to be sent")
    page.close()
    # Another account on the same browser, with no logout in between.
    page = _open_as(live, phone, "sam")
    expect(page.locator("#outbox")).to_be_hidden()
    assert page.evaluate(OUTBOX_ITEMS) == []
    assert "walk to the river" not in page.evaluate(CACHED_TEXT)

    # The session ends on the server: the next send gets a 401 and keeps nothing.
    for path in ("/diary", "/relapse"):
        page.goto(path)
    _keep_offline(phone, page)
    sam = next(c for c in phone.cookies() if c["name"] == COOKIE_NAME)
    off_the_loop(end_session, live.database, sam["value"])
    phone.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden()
    assert page.evaluate(OUTBOX_ITEMS) == []
    assert page.evaluate(CACHED_TEXT).count("/diary ") == 0
    assert len(off_the_loop(list_entries, live.database, live.person_id("sam"))) == 1
    page.close()


CHART_TEXT_PX = """() => Array.from(document.querySelectorAll('svg.nb-chart')).map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = Array.from(svg.querySelectorAll('text'))
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return [svg.querySelector('title').textContent, Math.min(...sizes)];
})"""


def test_chart_text_is_at_least_12_px_on_a_360_px_phone(live: Live, phone: Any) -> None:
    page = _open_as(live, phone, "sam")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/trends")
    found = page.evaluate(CHART_TEXT_PX)
    assert len(found) == 6
    assert [title for title, px in found if px < 12] == [], found
    page.close()


def test_a_form_whose_post_fails_online_is_kept_with_its_key_and_sent_once(
    live: Live, phone: Any
) -> None:
    """A connection that looks up but fails (the phone says online): the form is kept
    with its own key, not lost, and sent once when the server answers again."""
    expect = playwright_sync.expect
    person_id = live.person_id("sam")
    page = _open_as(live, phone, "sam")
    page.goto("/relapse")
    key = page.input_value("#cravings [name=idempotency_key]")
    _hold_sends(page)
    page.fill("#cravings [name=intensity]", "4")
    page.fill("#cravings [name=trigger]", "a weak signal")
    page.click("#cravings button[type=submit]")
    expect(page.locator("#outbox")).to_contain_text("1 form waiting to be sent")
    assert [item["key"] for item in page.evaluate(OUTBOX_ITEMS)] == [key]
    assert "a weak signal" not in [
        c.trigger for c in off_the_loop(cravings, live.database, person_id)
    ]
    page.unroute_all()
    page.reload()  # any page opened online sends what waits
    expect(page.locator("#outbox")).to_be_hidden()
    _until_the_outbox_is_empty(page)  # sent and answered: a reload no longer cuts it off
    page.reload()
    assert page.evaluate(OUTBOX_ITEMS) == []
    assert [c.trigger for c in off_the_loop(cravings, live.database, person_id)].count(
        "a weak signal"
    ) == 1
    page.close()
