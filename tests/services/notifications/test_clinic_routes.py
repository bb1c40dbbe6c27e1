"""Who is told: each clinic the person shares with, at its own on-call address; a
clinic without one, and a share with one clinician, go to the deployment's address;
a revoked share, and a person who shares with nobody, are in no email. Both stores."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from nightbridge.services.notifications.worker import run_once
from nightbridge.services.recovery.checkins import record_checkin
from nightbridge.settings import Settings
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.notifications import NotificationRepository
from nightbridge.storage.repositories.shares import ShareRepository
from tests.services.notifications.conftest import DAY, NOW, Clinic
from tests.smtp import ONCALL, LocalSmtp

NORTH = "on-call@north.example"
SOUTH = "rota@south.example"


def _clinic(clinic: Clinic, name: str, code: str, on_call: str | None) -> int:
    with clinic.database.transaction() as session:
        row = ClinicRepository(session).create(name, code, NOW)
        row.on_call_email = on_call
        session.flush()
        return row.id


def _share(clinic: Clinic, person: int, clinic_id: int) -> None:
    with clinic.database.transaction() as session:
        ShareRepository(session).add_clinic_share(person, clinic_id, NOW, "view")


def test_each_clinic_is_told_at_its_own_address(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    north = _clinic(clinic, "North Clinic", "NORTH123", NORTH)
    south = _clinic(clinic, "South Clinic", "SOUTH123", SOUTH)
    shares_both = clinic.add_person("Both Clinics", share=False)
    _share(clinic, shares_both, north)
    _share(clinic, shares_both, south)
    north_only = clinic.add_person("North Only", share=False)
    _share(clinic, north_only, north)
    direct = clinic.person_ids[0]  # shares with the clinician directly

    for person in (shares_both, north_only, direct):
        record_checkin(clinic.database, person, DAY, flags=["jaundice"], today=DAY)
    with clinic.database.reader() as session:
        routes = sorted(r.route for r in NotificationRepository(session).all())
    assert routes == sorted(["deployment", f"clinic:{north}", f"clinic:{north}", f"clinic:{south}"])

    report = run_once(clinic.database, mail_settings, now=NOW)

    assert report.emails == 3
    got = {m.recipients: m.body.splitlines()[0] for m in smtp_server.messages}
    assert got == {
        (NORTH,): "2 people in your clinic have a new urgent alert.",
        (SOUTH,): "1 person in your clinic has a new urgent alert.",
        (ONCALL,): "1 person in your clinic has a new urgent alert.",
    }
    for message in smtp_server.messages:
        for word in ("North", "South", "Both", "Clinics", "Marisol"):
            assert word not in message.raw


def test_a_clinic_without_an_address_falls_back_to_the_deployments(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    unset = _clinic(clinic, "New Clinic", "NEWCLIN1", None)
    person = clinic.add_person("New Patient", share=False)
    _share(clinic, person, unset)
    record_checkin(clinic.database, person, DAY, flags=["chest_pain"], today=DAY)
    run_once(clinic.database, mail_settings, now=NOW)
    assert [m.recipients for m in smtp_server.messages] == [(ONCALL,)]
    # neither address set: closed as unrouted, nothing sent, nothing retried
    record_checkin(clinic.database, person, DAY, self_harm_thoughts=True, today=DAY)
    none = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, oncall=None)
    )
    assert run_once(clinic.database, none, now=NOW).unrouted == 1
    assert len(smtp_server.messages) == 1


def test_a_revoked_clinic_share_is_told_nothing_more(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    north = _clinic(clinic, "North Clinic", "NORTH123", NORTH)
    person = clinic.add_person("Leaving Person", share=False)
    _share(clinic, person, north)
    with clinic.database.transaction() as session:
        repo = ShareRepository(session)
        share = repo.active_clinic_share(person, north)
        assert share is not None
        repo.revoke(share, NOW - dt.timedelta(minutes=5))
    record_checkin(clinic.database, person, DAY, flags=["chest_pain"], today=DAY)
    assert run_once(clinic.database, mail_settings, now=NOW).claimed == 0
    assert smtp_server.messages == []


def test_each_clinic_gets_its_own_digest_with_its_own_counts(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    north = _clinic(clinic, "North Clinic", "NORTH123", NORTH)
    for name in ("North One", "North Two", "North Three"):
        _share(clinic, clinic.add_person(name, share=False), north)
    record_checkin(clinic.database, clinic.person_ids[1], DAY, flags=["jaundice"], today=DAY)
    run_once(clinic.database, mail_settings, now=NOW)
    smtp_server.messages.clear()
    hour = NOW.hour
    settings = dataclasses.replace(
        mail_settings, smtp=dataclasses.replace(mail_settings.smtp, digest_hour=hour)
    )
    report = run_once(clinic.database, settings, now=NOW)
    assert (report.digests_added, report.emails) == (2, 2)
    bodies = {m.recipients: m.body for m in smtp_server.messages}
    assert "- 3 people share with your clinic.\n" in bodies[(NORTH,)]
    assert "- 1 person had a new emergency" in bodies[(NORTH,)]
    assert "- 1 person shares with your clinic.\n" in bodies[(ONCALL,)]
    assert "- 0 people had a new emergency" in bodies[(ONCALL,)]


def _two_clinics_with_a_red_flag(clinic: Clinic) -> tuple[int, int]:
    north = _clinic(clinic, "North Clinic", "NORTH123", NORTH)
    south = _clinic(clinic, "South Clinic", "SOUTH123", SOUTH)
    for clinic_id, name in ((north, "North One"), (south, "South One")):
        person = clinic.add_person(name, share=False)
        _share(clinic, person, clinic_id)
        record_checkin(clinic.database, person, DAY, flags=["jaundice"], today=DAY)
    return north, south


def _states(clinic: Clinic) -> list[tuple[str, str, int, str | None]]:
    with clinic.database.reader() as session:
        return [
            (r.route, r.status, r.attempts, r.claim_token)
            for r in NotificationRepository(session).all()
        ]


def test_a_relay_that_cannot_be_reached_is_tried_once_per_pass(
    clinic: Clinic, mail_settings: Settings, smtp_server: LocalSmtp
) -> None:
    north, south = _two_clinics_with_a_red_flag(clinic)
    smtp_server.stop()
    report = run_once(clinic.database, mail_settings, now=NOW)
    assert report.errors == ["ConnectionRefusedError"]  # one connection, not one per email
    assert report.retrying == 2
    assert _states(clinic) == [
        (f"clinic:{north}", "pending", 1, None),
        (f"clinic:{south}", "pending", 1, None),
    ]


class _Refusing:
    def send(self, message: object) -> None:
        raise ValueError("an error nobody foresaw")


def test_an_unforeseen_error_is_a_failed_attempt_not_a_lost_notice(
    clinic: Clinic, mail_settings: Settings
) -> None:
    _two_clinics_with_a_red_flag(clinic)
    report = run_once(clinic.database, mail_settings, now=NOW, mailer=_Refusing())
    assert report.errors == ["ValueError", "ValueError"]
    assert [s[1:] for s in _states(clinic)] == [("pending", 1, None)] * 2


def test_a_slow_relay_hands_the_rest_back_before_the_claim_runs_out(
    clinic: Clinic,
    mail_settings: Settings,
    smtp_server: LocalSmtp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nightbridge.services.notifications import worker
    from nightbridge.services.notifications.mailer import SmtpMailer

    north, south = _two_clinics_with_a_red_flag(clinic)
    clock = [0.0]
    monkeypatch.setattr(worker.time, "monotonic", lambda: clock[0])
    relay = SmtpMailer(mail_settings.smtp)

    class Slow:
        def send(self, message: object) -> None:
            relay.send(message)  # type: ignore[arg-type]
            clock[0] += 200  # longer than half the 5-minute claim

    report = run_once(clinic.database, mail_settings, now=NOW, mailer=Slow())
    assert (report.emails, report.sent) == (1, 1)
    assert _states(clinic) == [
        (f"clinic:{north}", "sent", 1, None),
        (f"clinic:{south}", "pending", 0, None),  # handed back, no attempt counted
    ]
    assert run_once(clinic.database, mail_settings, now=NOW).sent == 1
    assert [m.recipients for m in smtp_server.messages] == [(NORTH,), (SOUTH,)]
