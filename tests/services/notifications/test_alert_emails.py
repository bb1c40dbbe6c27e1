"""A red flag reaches the on-call address through the outbox and a real SMTP server
(aiosmtpd), on both stores: the email holds a count and a link and no health data; a
rolled-back write sends nothing; saving again sends nothing more; a relay that is down
fails no save and the notice is sent later; the last attempt is recorded as failed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest

from nightbridge.services.notifications.worker import retry_delay, run_once
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.services.recovery.intake import log_intake
from nightbridge.services.recovery.safety import evaluate_in_session
from nightbridge.settings import Settings
from nightbridge.storage.repositories.checkins import CheckinRepository
from nightbridge.storage.repositories.notifications import NotificationRepository
from nightbridge.storage.tables.notifications import NotificationRow
from tests.services.notifications.conftest import DAY, NAME, NOW, PUBLIC_URL, Clinic
from tests.smtp import ONCALL, SENDER, LocalSmtp, leaks

#: What the person entered: none of it may be in an email.
SYMPTOMS = {"aches": 3, "nausea": 2, "anxiety": 4, "restless_legs": 3}
PHQ9 = [3, 2, 3, 2, 2, 3, 2, 1, 0]  # total 18
HEALTH_WORDS = (
    "Marisol",
    "Quintero",
    "kratom",
    "jaundice",
    "liver",
    "yellow",
    "urine",
    "aches",
    "nausea",
    "anxiety",
    "restless",
    "PHQ",
    "withdrawal",
    "symptom",
    "4 g",
)


def _urgent_day(clinic: Clinic, person_id: int) -> None:
    """Kratom logged, then a check-in with yellow eyes (liver signs: an urgent alert),
    withdrawal symptoms and a PHQ-9."""
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    log_intake(clinic.database, person_id, "kratom", 4, "g", an_hour_ago)
    result = record_checkin(
        clinic.database,
        person_id,
        DAY,
        symptoms=SYMPTOMS,
        flags=["jaundice"],
        phq9=PHQ9,
        today=DAY,
    )
    assert "urgent" in [a.level for a in result.alerts]


def _rows(clinic: Clinic) -> list[NotificationRow]:
    with clinic.database.reader() as session:
        return NotificationRepository(session).all()


def test_an_urgent_checkin_emails_the_on_call_address_a_count_and_a_link(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    person = clinic.person_ids[0]
    _urgent_day(clinic, person)
    assert smtp_server.messages == []  # the save only added a notice
    [row] = _rows(clinic)
    assert (row.kind, row.level, row.status, row.route) == (
        "alert",
        "urgent",
        "pending",
        "deployment",
    )

    report = run_once(clinic.database, mail_settings, now=NOW)

    assert (report.emails, report.sent) == (1, 1)
    [mail] = smtp_server.messages
    assert mail.recipients == (ONCALL,)
    assert mail.mail_from == SENDER
    assert mail.subject == "Nightbridge: a new urgent alert in your clinic"
    assert mail.body.startswith("1 person in your clinic has a new urgent alert.\n")
    assert f"Open Nightbridge: {PUBLIC_URL}/clinician\n" in mail.body
    assert mail.message["Auto-Submitted"] == "auto-generated"
    # none of what was entered: the name, the substance, the symptoms, the scores
    assert leaks(mail, words=HEALTH_WORDS, numbers=(18, sum(SYMPTOMS.values()))) == []
    assert f"/people/{person}" not in mail.raw  # not even the person's number
    [row] = _rows(clinic)
    assert (row.status, row.attempts, row.claim_token) == ("sent", 1, None)
    assert run_once(clinic.database, mail_settings, now=NOW).claimed == 0


def test_saving_the_day_again_sends_no_second_email(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    person = clinic.person_ids[0]
    _urgent_day(clinic, person)
    record_checkin(clinic.database, person, DAY, flags=["dark_urine"], today=DAY)
    run_once(clinic.database, mail_settings, now=NOW)
    record_checkin(clinic.database, person, DAY, function=2, today=DAY)
    run_once(clinic.database, mail_settings, now=NOW + dt.timedelta(minutes=1))
    assert len(smtp_server.messages) == 1
    assert [r.status for r in _rows(clinic)] == ["sent"]
    # a crisis the same day is a new alert: one more email, naming the new level
    record_checkin(clinic.database, person, DAY, self_harm_thoughts=True, today=DAY)
    run_once(clinic.database, mail_settings, now=NOW + dt.timedelta(minutes=2))
    assert [m.subject for m in smtp_server.messages][1] == (
        "Nightbridge: a new crisis alert in your clinic"
    )


def test_two_people_in_one_pass_are_one_email_with_their_count(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    other = clinic.add_person("Ben Okafor")
    _urgent_day(clinic, clinic.person_ids[0])
    record_checkin(clinic.database, other, DAY, flags=["chest_pain"], today=DAY)
    run_once(clinic.database, mail_settings, now=NOW)
    [mail] = smtp_server.messages
    assert mail.subject == "Nightbridge: a new emergency alert in your clinic"
    assert mail.body.startswith("2 people in your clinic have a new emergency alert.\n")
    assert "Ben" not in mail.raw and "Okafor" not in mail.raw and "chest" not in mail.raw


def test_a_rolled_back_write_sends_nothing(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    from nightbridge.core.checkin import make_checkin

    person = clinic.person_ids[0]
    with pytest.raises(RuntimeError), clinic.database.transaction() as session:
        CheckinRepository(session).add_or_lock(person, make_checkin(DAY, flags=["jaundice"]))
        alerts = evaluate_in_session(session, person, DAY)
        assert [a.level for a in alerts] == ["urgent"]
        assert len(NotificationRepository(session).all()) == 1  # added in the write...
        raise RuntimeError("the write fails after the alert was raised")
    assert _rows(clinic) == []  # ...and gone with it
    assert run_once(clinic.database, mail_settings, now=NOW).claimed == 0
    assert smtp_server.messages == []


def test_a_person_who_shares_with_nobody_adds_no_notice(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    alone = clinic.add_person("Someone Alone", share=False)
    record_checkin(clinic.database, alone, DAY, flags=["chest_pain"], today=DAY)
    assert _rows(clinic) == []


def test_an_old_day_backfilled_is_not_emailed(clinic: Clinic) -> None:
    person = clinic.person_ids[0]
    record_checkin(
        clinic.database, person, DAY - dt.timedelta(days=10), flags=["chest_pain"], today=DAY
    )
    assert _rows(clinic) == []


def test_a_relay_that_is_down_fails_no_save_and_the_notice_is_sent_later(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    smtp_server.stop()
    person = clinic.person_ids[0]
    _urgent_day(clinic, person)  # the save succeeds with the relay down

    report = run_once(clinic.database, mail_settings, now=NOW)
    assert (report.emails, report.retrying) == (0, 1)
    assert report.errors == ["ConnectionRefusedError"]
    [row] = _rows(clinic)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert row.next_attempt_at == NOW + retry_delay(1)
    assert row.claim_token is None
    # not due yet: nothing is tried
    assert run_once(clinic.database, mail_settings, now=NOW + dt.timedelta(seconds=30)).claimed == 0

    smtp_server.start()
    report = run_once(clinic.database, mail_settings, now=NOW + dt.timedelta(minutes=2))
    assert report.sent == 1
    [mail] = smtp_server.messages
    assert mail.recipients == (ONCALL,)
    [row] = _rows(clinic)
    assert (row.status, row.attempts) == ("sent", 2)


def test_the_last_attempt_is_recorded_as_failed_and_the_logs_hold_no_address(
    clinic: Clinic,
    mail_settings: Settings,
    smtp_server: LocalSmtp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, max_attempts=2)
    )
    smtp_server.stop()
    _urgent_day(clinic, clinic.person_ids[0])
    with caplog.at_level(logging.INFO, logger="nightbridge.notifications"):
        run_once(clinic.database, settings, now=NOW)
        report = run_once(clinic.database, settings, now=NOW + dt.timedelta(hours=1))
    assert report.failed == 1
    [row] = _rows(clinic)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "ConnectionRefusedError")
    logged = caplog.text
    assert "given up after 2 attempts" in logged
    for secret in (ONCALL, SENDER, "clinic.example", NAME, "urgent", "kratom"):
        assert secret not in logged
    assert run_once(clinic.database, settings, now=NOW + dt.timedelta(days=1)).claimed == 0


def test_without_an_on_call_address_the_notice_is_closed_as_unrouted(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    settings = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, oncall=None)
    )
    _urgent_day(clinic, clinic.person_ids[0])
    assert run_once(clinic.database, settings, now=NOW).unrouted == 1
    assert [r.status for r in _rows(clinic)] == ["unrouted"]
    assert smtp_server.messages == []


def test_a_notice_left_unsent_for_days_expires(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    _urgent_day(clinic, clinic.person_ids[0])
    report = run_once(clinic.database, mail_settings, now=NOW + dt.timedelta(days=3))
    assert report.expired == 1
    assert smtp_server.messages == []


def test_the_leak_check_finds_a_planted_name_word_and_score(
    mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    from nightbridge.services.notifications.mailer import SmtpMailer
    from nightbridge.services.notifications.messages import build_email

    planted = build_email(
        subject="Marisol: liver signs",
        body="PHQ-9 total 18",
        sender=SENDER,
        recipient=ONCALL,
        now=NOW,
    )
    SmtpMailer(mail_settings.smtp).send(planted)
    [mail] = smtp_server.messages
    assert leaks(mail, words=("marisol", "Liver", "kratom"), numbers=(18, 9, 21)) == [
        "marisol",
        "Liver",
        "18",
        "9",
    ]
