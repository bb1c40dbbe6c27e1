"""From the person's check-in page to the on-call inbox: a real request, the outbox, a
real SMTP server (aiosmtpd). The email holds no health data; a relay that is down does
not touch the person's save."""

from __future__ import annotations

import datetime as dt

import pytest

from nightbridge.services.notifications.worker import run_once
from nightbridge.settings import Settings
from nightbridge.storage.repositories.notifications import NOTICE_ADDED, NotificationRepository
from tests.smtp import ONCALL, LocalSmtp, leaks, settings_for
from tests.web.conftest import FAST_AUTH, Personas

PUBLIC_URL = "https://nightbridge.clinic.example"
#: Yesterday (UTC): never after the person's own today, whatever their zone.
DAY = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date()
#: The sender's "now": after the saves (by the real clock), however long the run.
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(hours=6)
FORM = {
    "date": DAY.isoformat(),
    "flag": "jaundice",
    "symptom_aches": "3",
    "symptom_nausea": "2",
    "symptom_anxiety": "4",
    **{f"phq9_{i}": "3" for i in range(1, 9)},
    "phq9_9": "0",
}


@pytest.fixture
def web_settings(smtp_server: LocalSmtp) -> Settings:
    return Settings(auth=FAST_AUTH, public_url=PUBLIC_URL, smtp=settings_for(smtp_server))


def _statuses(personas: Personas) -> list[tuple[str, int]]:
    with personas.database.reader() as session:
        return [(r.status, r.attempts) for r in NotificationRepository(session).all()]


def test_a_checkin_with_a_red_flag_emails_the_on_call_address_no_health_data(
    personas: Personas, web_settings: Settings, smtp_server: LocalSmtp
) -> None:
    a = personas.patient_a
    saved = a.post_form("/checkin", FORM)
    assert saved.status_code == 303, saved.text
    again = a.post_form("/checkin", {**FORM, "function": "2"})  # a second save, same day
    assert again.status_code == 303

    run_once(personas.database, web_settings, now=LATER)

    [mail] = smtp_server.messages
    assert mail.recipients == (ONCALL,)
    assert mail.subject == "Nightbridge: a new urgent alert in your clinic"
    assert mail.body.startswith("1 person in your clinic has a new urgent alert.")
    assert f"{PUBLIC_URL}/clinician" in mail.body
    words = ("Ana", "patient", "jaundice", "yellow", "liver", "aches", "nausea", "anxiety", "PHQ")
    assert leaks(mail, words=words, numbers=(24,)) == []  # 24: the PHQ-9 total
    # a notice per alert (liver signs; a severe PHQ-9), one email for them
    assert _statuses(personas) == [("sent", 1), ("sent", 1)]


def test_a_relay_that_is_down_does_not_touch_the_save(
    personas: Personas, web_settings: Settings, smtp_server: LocalSmtp
) -> None:
    smtp_server.stop()
    a = personas.patient_a
    saved = a.post_form("/checkin", FORM)
    assert saved.status_code == 303
    page = a.client.get(saved.headers["location"])
    assert page.status_code == 200 and "Contact your clinician today" in page.text

    assert run_once(personas.database, web_settings, now=LATER).retrying == 2
    smtp_server.start()
    later = run_once(personas.database, web_settings, now=LATER + dt.timedelta(minutes=5))
    assert (later.emails, later.sent) == (1, 2)
    assert [m.recipients for m in smtp_server.messages] == [(ONCALL,)]
    assert _statuses(personas) == [("sent", 2), ("sent", 2)]


def test_a_person_who_shares_with_nobody_is_never_in_an_email(
    personas: Personas, web_settings: Settings, smtp_server: LocalSmtp
) -> None:
    b = personas.patient_b  # shares with no clinician
    assert b.post_form("/checkin", {**FORM, "flag": "chest_pain"}).status_code == 303
    assert run_once(personas.database, web_settings, now=LATER).claimed == 0
    assert smtp_server.messages == []


def test_a_save_from_the_phones_outbox_wakes_the_servers_sender(
    personas: Personas, web_settings: Settings, smtp_server: LocalSmtp
) -> None:
    """A form sent with its idempotency key (the offline outbox, web/static/outbox.js)
    goes through the keyed store; its notice still wakes the sender of this process."""
    woken: list[bool] = []
    remove = personas.database.on_commit(NOTICE_ADDED, lambda: woken.append(True))
    try:
        key = "0f2b8c1e-4a7d-4a43-9b8e-3f1d2c5a6b7e"
        answers = [
            personas.patient_a.post_form("/checkin", {**FORM, "idempotency_key": key})
            for _ in range(2)
        ]
    finally:
        remove()
    assert [a.status_code for a in answers] == [303, 303]
    assert woken == [True]  # once: the second send of the key is answered from the first
    assert run_once(personas.database, web_settings, now=LATER).emails == 1
