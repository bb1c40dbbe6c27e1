"""Screenshots of the person's and the clinician's main pages, at phone (390x844) and
desktop (1280x900) width, into docs/screenshots/ (README links them).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--dark]
    .venv/bin/python scripts/screenshots.py --phone-app   # the phone app pages only
    .venv/bin/python scripts/screenshots.py --caseload    # Dr. Lee's caseload of 50

``--caseload`` loads the demo with its 48 extra people (``DEMO_CASELOAD``) and takes
Dr. Lee's caseload at 1440 px (``caseload-1440.png``, the first screen) and 390 px
(``caseload-390.png``), issue 14 item 2.

``--clinic`` takes the clinic pages only (issue 14): Dr. Lee's page of Riverside Recovery
Clinic (members, invite, share code, on-call address) at 1440 px and 390 px, and Sam's
Sharing page with the clinic share, as ``clinic-admin-<size>.png`` and
``sharing-clinic-<size>.png``.

``--clinician-person`` takes Dr. Lee's page about Sam as it opens (the one-screen
summary) at 1440x900, ``clinician-person-1440.png``, and the whole page at 390 px,
``clinician-person-390.png``, plus Sam's ISI page at 390 px, ``isi-390.png`` (issue 14).

``--phone-app`` takes the pages a person uses on a phone (Today, Diary, Log, Trends,
Plan) at 390 px as Jordan, whose sleep window Dr. Lee set, as ``phone-<page>.png``
(issue 13: every page shows the window the clinician set).

Loads the demo (services.demo.demo) into a temporary store, serves it with uvicorn on a free
loopback port and drives Debian's Chromium through Playwright (never ``playwright
install``). Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PERSON_PAGES = ("today", "diary", "checkin", "evening", "plan", "trends")
PHONE_APP_PAGES = ("today", "diary", "log", "trends", "plan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _log_in(page, username: str, password: str, secret: str | None = None) -> None:  # type: ignore[no-untyped-def]
    import pyotp

    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if secret:
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button[type=submit]")
        page.wait_for_load_state()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--dark", action="store_true", help="also take dark-theme shots")
    parser.add_argument(
        "--phone-app",
        action="store_true",
        help="only the phone app pages at 390 px, as Jordan (window set by the clinician)",
    )
    parser.add_argument(
        "--clinician-person",
        action="store_true",
        help="only the clinician's page about a person (1440 px summary, 390 px) and the ISI page",
    )
    parser.add_argument(
        "--clinic",
        action="store_true",
        help="only the clinic admin's page and the person's sharing page (1440 and 390 px)",
    )
    parser.add_argument(
        "--caseload", action="store_true", help="only the caseload of 50, at 1440 and 390 px"
    )
    options = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Debian's chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1

    import uvicorn
    from playwright.sync_api import sync_playwright

    from nightbridge.services.demo.demo import DEMO_CASELOAD, load_demo
    from nightbridge.storage.database import Database
    from nightbridge.web.app import create_app

    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        import os

        from nightbridge.services.accounts.totp_keys import TotpKeys
        from nightbridge.web.app import Settings

        # the demo's TOTP secrets are sealed with a key file of this run's own
        os.environ["NIGHTBRIDGE_TOTP_KEY_FILE"] = str(Path(tmp) / "totp.key")
        database = Database(f"sqlite:///{Path(tmp) / 'nightbridge.sqlite3'}")
        database.migrate()
        print("Loading the demo ...", file=sys.stderr)
        logins = load_demo(
            database,
            keys=TotpKeys.of(Settings()),
            caseload=DEMO_CASELOAD if options.caseload else 0,
        )
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        schemes = ["light", "dark"] if options.dark else ["light"]
        taken: list[Path] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
                if options.caseload:
                    schemes = []
                    page = browser.new_context(
                        base_url=base, viewport={"width": 1440, "height": 900}
                    ).new_page()
                    _log_in(
                        page,
                        logins.clinician_email,
                        logins.clinician_password,
                        logins.clinician_totp_secret,
                    )
                    for width, height, full in ((1440, 900, False), (390, 844, False)):
                        page.set_viewport_size({"width": width, "height": height})
                        page.goto("/clinician")
                        path = options.out / f"caseload-{width}.png"
                        page.screenshot(path=str(path), full_page=full)
                        taken.append(path)
                    page.set_viewport_size({"width": 1440, "height": 900})
                    page.goto("/clinician?alert=any&reviewed=no")
                    path = options.out / "caseload-1440-unreviewed.png"
                    page.screenshot(path=str(path))
                    taken.append(path)
                if options.phone_app:
                    schemes = []
                    page = browser.new_context(base_url=base, viewport=SIZES["phone"]).new_page()
                    _log_in(page, logins.second_email, logins.second_password)
                    for name in PHONE_APP_PAGES:
                        page.goto(f"/{name}")
                        path = options.out / f"phone-{name}.png"
                        page.screenshot(path=str(path), full_page=True)
                        taken.append(path)
                if options.clinician_person:
                    schemes = []
                    doctor = browser.new_context(
                        base_url=base, viewport={"width": 1440, "height": 900}
                    ).new_page()
                    _log_in(
                        doctor,
                        logins.clinician_email,
                        logins.clinician_password,
                        logins.clinician_totp_secret,
                    )
                    doctor.goto(f"/clinician/people/{logins.person_id}")
                    path = options.out / "clinician-person-1440.png"
                    doctor.screenshot(path=str(path))  # the first screen only
                    taken.append(path)
                    doctor.set_viewport_size(SIZES["phone"])
                    doctor.goto(f"/clinician/people/{logins.person_id}")
                    path = options.out / "clinician-person-390.png"
                    doctor.screenshot(path=str(path), full_page=True)
                    taken.append(path)
                    sam = browser.new_context(base_url=base, viewport=SIZES["phone"]).new_page()
                    _log_in(sam, logins.person_email, logins.person_password)
                    sam.goto("/checkin/isi")
                    path = options.out / "isi-390.png"
                    sam.screenshot(path=str(path), full_page=True)
                    taken.append(path)
                if options.clinic:
                    schemes = []
                    admin = browser.new_context(base_url=base).new_page()
                    _log_in(
                        admin,
                        logins.clinician_email,
                        logins.clinician_password,
                        logins.clinician_totp_secret,
                    )
                    person = browser.new_context(base_url=base).new_page()
                    _log_in(person, logins.person_email, logins.person_password)
                    wide = {"wide": {"width": 1440, "height": 900}, "phone": SIZES["phone"]}
                    for size, viewport in wide.items():
                        for page, url, name in (
                            (admin, f"/clinics/{logins.clinic_id}", "clinic-admin"),
                            (person, "/sharing", "sharing-clinic"),
                        ):
                            page.set_viewport_size(viewport)
                            page.goto(url)
                            path = options.out / f"{name}-{size}.png"
                            page.screenshot(path=str(path), full_page=True)
                            taken.append(path)
                for number, scheme in enumerate(schemes):
                    suffix = "" if scheme == "light" else "-dark"
                    if number:
                        time.sleep(31)  # a TOTP code is accepted once: wait for the next
                    person = browser.new_context(base_url=base, color_scheme=scheme).new_page()
                    _log_in(person, logins.person_email, logins.person_password)
                    clinician = browser.new_context(base_url=base, color_scheme=scheme).new_page()
                    _log_in(
                        clinician,
                        logins.clinician_email,
                        logins.clinician_password,
                        logins.clinician_totp_secret,
                    )
                    shots = [(person, f"/{name}", name) for name in PERSON_PAGES]
                    shots.append((clinician, "/clinician", "triage"))
                    shots.append(
                        (clinician, f"/clinician/people/{logins.person_id}", "clinician-person")
                    )
                    for size, viewport in SIZES.items():
                        for page, url, name in shots:
                            page.set_viewport_size(viewport)
                            page.goto(url)
                            path = options.out / f"{name}-{size}{suffix}.png"
                            page.screenshot(path=str(path), full_page=True)
                            taken.append(path)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            database.dispose()
    for path in taken:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
