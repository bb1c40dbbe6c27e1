"""Several senders at once (two ``serve`` processes, or one and cron): each notice is
emailed once, on both stores; on PostgreSQL a sender passes over rows another is
claiming instead of waiting for them (SKIP LOCKED). The daily digest: counts only, once
a day. The sender thread of ``serve`` sends without any request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient

from nightbridge.services.notifications.worker import POLL, run_once
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.settings import Settings
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.notifications import NotificationRepository
from nightbridge.web.app import create_app
from tests.services.notifications.conftest import DAY, NOW, PUBLIC_URL, Clinic
from tests.smtp import ONCALL, LocalSmtp

PEOPLE = 6


def _statuses(db: Database) -> list[tuple[str, int]]:
    with db.reader() as session:
        return [(r.status, r.attempts) for r in NotificationRepository(session).all()]


def test_two_senders_at_once_send_each_notice_once(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    for n in range(PEOPLE - 1):
        clinic.add_person(f"Person {n}")
    for person in clinic.person_ids:
        record_checkin(clinic.database, person, DAY, flags=["jaundice"], today=DAY)
    start = threading.Barrier(2)
    reports: list[list[int]] = [[], []]
    failures: list[BaseException] = []

    def sender(index: int) -> None:
        try:
            start.wait()
            while True:  # one notice per pass, so the two interleave
                report = run_once(clinic.database, mail_settings, now=NOW, limit=1)
                if report.claimed == 0:
                    return
                reports[index].append(report.sent)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert sum(reports[0]) + sum(reports[1]) == PEOPLE
    assert len(smtp_server.messages) == PEOPLE
    assert all(m.recipients == (ONCALL,) for m in smtp_server.messages)
    assert _statuses(clinic.database) == [("sent", 1)] * PEOPLE


@pytest.mark.postgres
def test_on_postgresql_a_sender_skips_the_rows_another_is_claiming(
    postgres_clinic: Clinic,
) -> None:
    # (SQLite: a claim holds the whole store, BEGIN IMMEDIATE, so claims queue; the
    # test above shows they still send each notice once there.)
    clinic = postgres_clinic
    db = clinic.database
    other = clinic.add_person("Second Person")
    for person in clinic.person_ids:
        record_checkin(db, person, DAY, flags=["jaundice"], today=DAY)
    lease = dt.timedelta(minutes=5)
    with db.transaction() as first:  # a claim in progress, not yet committed
        held = NotificationRepository(first).claim(NOW, limit=1, lease=lease, token="a" * 32)
        assert [c.person_id for c in held] == [clinic.person_ids[0]]
        taken: list[list[int | None]] = []

        def second() -> None:
            with db.transaction() as session:
                claimed = NotificationRepository(session).claim(
                    NOW, limit=5, lease=lease, token="b" * 32
                )
                taken.append([c.person_id for c in claimed])

        worker = threading.Thread(target=second)
        worker.start()
        worker.join(10)
        assert not worker.is_alive(), "the second claim waited for the first"
        assert taken == [[other]]


def test_the_daily_digest_holds_counts_only_and_is_sent_once_a_day(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    clinic.add_person("Quiet Person")
    record_checkin(clinic.database, clinic.person_ids[0], DAY, flags=["jaundice"], today=DAY)
    run_once(clinic.database, mail_settings, now=NOW)  # the alert email
    hour = (NOW + dt.timedelta(hours=1)).astimezone(dt.UTC).hour
    settings = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, digest_hour=hour)
    )
    before = NOW.replace(minute=0, second=0) + dt.timedelta(minutes=59)
    at = before + dt.timedelta(minutes=1)
    assert at.hour == hour
    assert run_once(clinic.database, settings, now=before).digests_added == 0
    report = run_once(clinic.database, settings, now=at)
    assert (report.digests_added, report.emails) == (1, 1)
    digest = smtp_server.messages[-1]
    assert digest.recipients == (ONCALL,)
    assert digest.subject == f"Nightbridge: daily summary for {at.date().isoformat()}"
    assert "- 2 people share with your clinic.\n" in digest.body
    assert "- 1 person had a new emergency, crisis or urgent alert in the last 24 hours.\n" in (
        digest.body
    )
    assert "- 1 person entered nothing in the last 7 days.\n" in digest.body
    assert f"Open Nightbridge: {PUBLIC_URL}/clinician" in digest.body
    for word in ("Marisol", "Quiet", "jaundice", "liver"):
        assert word not in digest.raw
    later = run_once(clinic.database, settings, now=at + dt.timedelta(hours=3))
    assert (later.digests_added, later.emails) == (0, 0)


def test_the_server_sends_on_a_thread_of_its_own_at_once_after_a_save(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    record_checkin(clinic.database, clinic.person_ids[0], DAY, flags=["jaundice"], today=DAY)
    app = create_app(clinic.database, settings=mail_settings)
    with TestClient(app):
        sender = app.state.notification_sender
        assert sender is not None and sender.running
        assert smtp_server.wait_for(1, timeout=20)  # what was waiting: its first pass
        # a save in this process wakes it: sent well before its next look (POLL, 10 s)
        other = clinic.add_person("Second Person")
        record_checkin(clinic.database, other, DAY, flags=["chest_pain"], today=DAY)
        assert smtp_server.wait_for(2, timeout=POLL.total_seconds() / 2)
    assert not sender.running
    assert [m.recipients for m in smtp_server.messages] == [(ONCALL,), (ONCALL,)]
    assert smtp_server.messages[1].subject == "Nightbridge: a new emergency alert in your clinic"
    off = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, in_serve=False)
    )
    app = create_app(clinic.database, settings=off)
    with TestClient(app):
        assert app.state.notification_sender is None
