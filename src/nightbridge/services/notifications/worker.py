"""The sender: claims due notices from the outbox and emails them.

``run_once`` is one pass: add the day's digests when their hour has come, claim up to
``limit`` due notices (``NotificationRepository.claim``: safe with several senders on
both engines), group them by route, look up each route's address, send one email per
group, and mark the notices sent; a failed send makes each notice due again after a
growing wait (1 min, 4 min, 16 min, ... at most 6 h) until ``smtp.max_attempts``, then
it is given up and recorded as failed. Nothing here runs inside a person's request:
the request only added the notice (``outbox``).

``NotificationSender`` runs ``run_once`` every ``POLL`` on a thread of its own (one
in each ``serve`` worker process); ``nightbridge notify send`` runs it from the command
line (``--once`` for cron).

Logs carry counts and the kind of error only: never an address, a subject or a body
(an SMTP error's text can quote the address, so only its class and reply code are kept).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from nightbridge.logsafe import error_name
from nightbridge.services.notifications.mailer import Mailer, SmtpMailer
from nightbridge.services.notifications.messages import (
    AlertNotice,
    DigestNotice,
    alert_text,
    build_email,
    digest_text,
    most_urgent,
)
from nightbridge.settings import Settings
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.notifications import (
    NOTICE_ADDED,
    Claimed,
    NotificationRepository,
    clinic_of,
)

log = logging.getLogger("nightbridge.notifications")

#: How often the sender in ``serve`` looks for due notices.
POLL = dt.timedelta(seconds=10)
#: Notices claimed per pass.
BATCH = 50
#: An alert notice still unsent this long after it was added is closed as expired:
#: by then the caseload has shown it for days, and "new alert" would mislead.
EXPIRE_AFTER = dt.timedelta(days=2)
#: The digest counts people who entered nothing for this many days.
QUIET_DAYS = 7
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 min, then four times longer
    each time, at most 6 h."""
    wait: dt.timedelta = FIRST_RETRY * 4 ** max(attempts - 1, 0)
    return min(wait, LONGEST_RETRY)


@dataclass
class SendReport:
    """What one pass did (counts of notices, and of emails sent)."""

    emails: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unrouted: int = 0
    expired: int = 0
    digests_added: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed + self.unrouted + self.expired


def _error_text(exc: BaseException) -> str:
    """The error's kind and the relay's reply code: never its text (it may quote the
    address)."""
    code = getattr(exc, "smtp_code", None)
    return f"{error_name(exc)} {code}" if code else error_name(exc)


def route_address(db: Database, settings: Settings, route: str) -> str | None:
    """Where ``route``'s notices go now: a clinic's on-call address, else (a clinic
    that has set none, or a share with one clinician) the deployment's
    (``smtp.oncall``); None when neither is set."""
    clinic_id = clinic_of(route)
    if clinic_id is not None:
        with db.reader() as session:
            address = NotificationRepository(session).clinic_on_call(clinic_id)
        if address:
            return address
    return settings.smtp.oncall or None


def add_due_digests(db: Database, settings: Settings, now: dt.datetime) -> int:
    """Add today's digest for each route once its hour has come (one per day and
    route, whichever sender gets there first)."""
    hour = settings.smtp.digest_hour
    if hour is None:
        return 0
    local = now.astimezone(ZoneInfo(settings.smtp.digest_zone))
    if local.hour < hour:
        return 0
    added = 0
    with db.transaction() as session:
        repo = NotificationRepository(session)
        for route in repo.routes_in_use():
            added += repo.add(
                kind="digest",
                dedup_key=f"digest:{local.date().isoformat()}:{route}",
                route=route,
                day=local.date(),
                now=now,
            )
    return added


def _digest_notice(db: Database, route: str, day: dt.date, now: dt.datetime) -> DigestNotice:
    with db.reader() as session:
        repo = NotificationRepository(session)
        people = repo.persons_of_route(route)
        return DigestNotice(
            day=day,
            people=len(people),
            alerted=repo.people_alerted_since(route, now - dt.timedelta(hours=24)),
            quiet=repo.people_quiet_since(people, now.date() - dt.timedelta(days=QUIET_DAYS)),
            quiet_days=QUIET_DAYS,
        )


def _close(
    repo: NotificationRepository, token: str, *, ids: list[int], status: str, reason: str
) -> None:
    repo.mark_closed(ids, token, status, reason)


def _failed(
    repo: NotificationRepository,
    token: str,
    *,
    ids: list[int],
    error: str,
    retry_at: dt.datetime | None,
) -> None:
    repo.mark_failed_attempt(ids, token, error=error, retry_at=retry_at)


def _release(repo: NotificationRepository, token: str, *, ids: list[int]) -> None:
    repo.release(ids, token)


def _failed_attempt(
    report: SendReport,
    settings: Settings,
    notices: list[Claimed],
    error: str,
    now: dt.datetime,
    closings: list[Callable[[NotificationRepository, str], object]],
) -> None:
    """Count one failed attempt of ``notices``: due again after the backoff, or given
    up after the last attempt (logged by kind of error and count only)."""
    ids = [c.id for c in notices]
    attempts = max(c.attempts for c in notices) + 1
    retry_at = None
    if attempts < settings.smtp.max_attempts:
        retry_at = now + retry_delay(attempts)
        report.retrying += len(ids)
        log.warning(
            "notification email not sent (%s): %d notice(s) retried after attempt %d",
            error,
            len(ids),
            attempts,
        )
    else:
        report.failed += len(ids)
        log.error(
            "notification email given up after %d attempts (%s): %d notice(s)",
            attempts,
            error,
            len(ids),
        )
    closings.append(partial(_failed, ids=ids, error=error, retry_at=retry_at))


def _sent(repo: NotificationRepository, token: str, *, ids: list[int], now: dt.datetime) -> None:
    repo.mark_sent(ids, token, now)


def run_once(
    db: Database,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
    mailer: Mailer | None = None,
    limit: int = BATCH,
) -> SendReport:
    """One pass of the sender (see the module's docstring). Never raises for a relay
    that is down or refuses: the notices wait for their next attempt."""
    report = SendReport()
    if not settings.smtp.enabled:
        return report
    now = now or dt.datetime.now(dt.UTC)
    mailer = mailer or SmtpMailer(settings.smtp)
    report.digests_added = add_due_digests(db, settings, now)
    token = secrets.token_hex(16)
    lease = max(settings.smtp.timeout * 3, dt.timedelta(minutes=5))
    with db.transaction() as session:
        claimed = NotificationRepository(session).claim(now, limit=limit, lease=lease, token=token)
    if not claimed:
        return report
    expired = [c.id for c in claimed if c.kind == "alert" and now - c.created_at > EXPIRE_AFTER]
    groups: dict[tuple[str, str, dt.date | None], list[Claimed]] = defaultdict(list)
    for c in claimed:
        if c.id not in expired:
            groups[(c.route, c.kind, c.day if c.kind == "digest" else None)].append(c)
    closings: list[Callable[[NotificationRepository, str], object]] = []
    if expired:
        report.expired += len(expired)
        closings.append(partial(_close, ids=expired, status="expired", reason="expired"))
    started = time.monotonic()
    relay_down: str | None = None
    for (route, kind, day), notices in groups.items():
        ids = [c.id for c in notices]
        if time.monotonic() - started > lease.total_seconds() / 2:
            # a slow relay: hand the rest back before another sender may take them
            closings.append(partial(_release, ids=ids))
            continue
        if relay_down is not None:
            # the relay could not be reached: the other emails of this pass would fail
            # the same way (and each wait for the timeout); try them again later
            _failed_attempt(report, settings, notices, relay_down, now, closings)
            continue
        recipient = route_address(db, settings, route)
        if recipient is None:
            report.unrouted += len(ids)
            closings.append(
                partial(_close, ids=ids, status="unrouted", reason="no on-call address")
            )
            continue
        if kind == "digest" and day is not None:
            subject, body = digest_text(_digest_notice(db, route, day, now), settings.public_url)
        else:
            people = len({c.person_id for c in notices})
            level = most_urgent([c.level or "urgent" for c in notices])
            subject, body = alert_text(AlertNotice(people, level), settings.public_url)
        try:
            message = build_email(
                subject=subject,
                body=body,
                sender=settings.smtp.sender or "nightbridge@localhost",
                recipient=recipient,
                now=now,
            )
            mailer.send(message)
        except Exception as exc:  # any failure is one failed attempt, never a lost notice
            error = _error_text(exc)
            report.errors.append(error)
            if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
                relay_down = error
            _failed_attempt(report, settings, notices, error, now, closings)
            continue
        report.emails += 1
        report.sent += len(ids)
        closings.append(partial(_sent, ids=ids, now=now))
    with db.transaction() as session:
        repo = NotificationRepository(session)
        for close in closings:
            close(repo, token)
    if report.emails:
        log.info("notification emails sent: %d (%d notice(s))", report.emails, report.sent)
    if report.unrouted:
        log.warning(
            "%d notice(s) had no on-call address to go to (docs/notifications.md)",
            report.unrouted,
        )
    return report


def outbox_status(db: Database) -> dict[str, Any]:
    """Counts of notices by state, and the newest given-up notice's time and kind of
    error (for ``nightbridge notify status``; nothing about a person or an address)."""
    with db.reader() as session:
        repo = NotificationRepository(session)
        counts = repo.counts_by_status()
        last = repo.last_failure()
    return {
        "counts": counts,
        "last_failure": (
            {"at": last[0].isoformat(timespec="seconds"), "error": last[1]} if last else None
        ),
    }


class NotificationSender:
    """``run_once`` on a daemon thread until ``stop()``: at once after a transaction of
    this process commits a new notice, else every ``poll`` (notices added by other
    processes, retries, the digest). A pass that fails (the store unreachable) is logged
    by its kind and the next one tries again."""

    def __init__(self, db: Database, settings: Settings, *, poll: dt.timedelta = POLL) -> None:
        self.db = db
        self.settings = settings
        self.poll = poll
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._unhook: Callable[[], None] | None = None
        self._thread = threading.Thread(
            target=self._run, name="nightbridge-notifications", daemon=True
        )

    def start(self) -> None:
        self._unhook = self.db.on_commit(NOTICE_ADDED, self._wake.set)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._unhook is not None:
            self._unhook()
            self._unhook = None
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                run_once(self.db, self.settings)
            except Exception as exc:  # the thread must outlive a bad pass
                log.error("notification pass failed (%s)", error_name(exc))
            self._wake.wait(self.poll.total_seconds())
