"""The notification outbox (``storage.tables.notifications``): notices added in the
writer's transaction, claimed by a sender, then marked sent, retried or given up.

Claiming is safe with several senders: on PostgreSQL the due rows are picked with
``SELECT .. FOR UPDATE SKIP LOCKED`` (a row another sender is claiming is passed over,
not waited for); on SQLite the claim is a short write transaction (``BEGIN IMMEDIATE``
holds the store, so claims queue). Either way a claimed row carries a token and a time
(``claimed_until``) before which no other sender takes it; the send happens outside any
transaction, and only the holder of the token may mark the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from nightbridge.storage.tables.accounts import ShareRow
from nightbridge.storage.tables.clinics import ClinicRow
from nightbridge.storage.tables.notifications import NotificationRow
from nightbridge.storage.tables.summaries import PersonSummaryRow
from nightbridge.storage.upsert import insert_missing

#: Set on a connection whose transaction added a notice (``Database.on_commit``).
NOTICE_ADDED = "nightbridge_notice_added"


#: The route of the deployment's own on-call address (``smtp.oncall``).
DEPLOYMENT = "deployment"
CLINIC_PREFIX = "clinic:"


def clinic_route(clinic_id: int) -> str:
    return f"{CLINIC_PREFIX}{clinic_id}"


def clinic_of(route: str) -> int | None:
    """The clinic a ``clinic:<id>`` route names (None for any other route)."""
    if route.startswith(CLINIC_PREFIX) and route[len(CLINIC_PREFIX) :].isdigit():
        return int(route[len(CLINIC_PREFIX) :])
    return None


def _routes(shares: Iterable[Any]) -> list[str]:
    clinics: set[int] = set()
    direct = False
    for _, clinic_id, clinician_id in shares:
        if clinic_id is not None:
            clinics.add(clinic_id)
        if clinician_id is not None:
            direct = True
    return [clinic_route(c) for c in sorted(clinics)] + ([DEPLOYMENT] if direct else [])


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed notice, as the sender needs it (no ORM row leaves the transaction)."""

    id: int
    kind: str
    route: str
    person_id: int | None
    level: str | None
    day: dt.date
    attempts: int
    created_at: dt.datetime


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- routes ------------------------------------------------------------------------

    def _active_shares(self) -> Select[int, int | None, int | None]:
        return select(ShareRow.person_id, ShareRow.clinic_id, ShareRow.clinician_id).where(
            ShareRow.revoked_at.is_(None)
        )

    def routes_of_person(self, person_id: int) -> list[str]:
        """Who is told of this person's red flags: each clinic they share with
        (``clinic:<id>``), and the deployment's on-call address when they share with a
        clinician directly (``deployment``)."""
        rows = self.session.execute(self._active_shares().where(ShareRow.person_id == person_id))
        return _routes(rows)

    def persons_of_route(self, route: str) -> list[int]:
        """The people whose notices go to ``route`` now."""
        shares = self._active_shares()
        if route == DEPLOYMENT:
            shares = shares.where(ShareRow.clinician_id.is_not(None))
        else:
            clinic_id = clinic_of(route)
            if clinic_id is None:
                return []
            shares = shares.where(ShareRow.clinic_id == clinic_id)
        return sorted({row[0] for row in self.session.execute(shares)})

    def routes_in_use(self) -> list[str]:
        """Every route with at least one person (the digests to send)."""
        return _routes(self.session.execute(self._active_shares()))

    def clinic_on_call(self, clinic_id: int) -> str | None:
        """The clinic's on-call address (None: unset, or no such clinic)."""
        address = self.session.scalar(
            select(ClinicRow.on_call_email).where(ClinicRow.id == clinic_id)
        )
        return address or None

    # -- adding --------------------------------------------------------------------------

    def add(
        self,
        *,
        kind: str,
        dedup_key: str,
        route: str,
        day: dt.date,
        now: dt.datetime,
        person_id: int | None = None,
        level: str | None = None,
    ) -> bool:
        """Add a notice unless one with the same key exists (True if added)."""
        added = insert_missing(
            self.session,
            NotificationRow,
            {
                "kind": kind,
                "dedup_key": dedup_key,
                "route": route,
                "person_id": person_id,
                "level": level,
                "day": day,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            },
            ("dedup_key",),
        )
        if added:
            self.session.connection().info[NOTICE_ADDED] = True
        return added

    # -- claiming and marking ------------------------------------------------------------

    def claim(
        self, now: dt.datetime, *, limit: int, lease: dt.timedelta, token: str
    ) -> list[Claimed]:
        """Take up to ``limit`` due notices for ``lease`` under ``token``."""
        due = (
            select(NotificationRow.id)
            .where(
                NotificationRow.status == "pending",
                NotificationRow.next_attempt_at <= now,
                or_(NotificationRow.claimed_until.is_(None), NotificationRow.claimed_until < now),
            )
            .order_by(NotificationRow.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(due))
        if not ids:
            return []
        self.session.execute(
            update(NotificationRow)
            .where(NotificationRow.id.in_(ids))
            .values(claimed_until=now + lease, claim_token=token)
        )
        rows = self.session.scalars(
            select(NotificationRow)
            .where(NotificationRow.id.in_(ids))
            .order_by(NotificationRow.id)
            .execution_options(populate_existing=True)
        )
        return [
            Claimed(r.id, r.kind, r.route, r.person_id, r.level, r.day, r.attempts, r.created_at)
            for r in rows
        ]

    def _mine(self, ids: Iterable[int], token: str) -> object:
        return update(NotificationRow).where(
            NotificationRow.id.in_(list(ids)), NotificationRow.claim_token == token
        )

    def mark_sent(self, ids: Sequence[int], token: str, now: dt.datetime) -> int:
        result = self.session.execute(
            self._mine(ids, token).values(  # type: ignore[attr-defined]
                status="sent",
                sent_at=now,
                attempts=NotificationRow.attempts + 1,
                claimed_until=None,
                claim_token=None,
                last_error=None,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def release(self, ids: Sequence[int], token: str) -> None:
        """Give claimed notices back unsent, as they were (no attempt counted)."""
        self.session.execute(
            self._mine(ids, token).values(  # type: ignore[attr-defined]
                claimed_until=None, claim_token=None
            )
        )

    def mark_closed(self, ids: Sequence[int], token: str, status: str, reason: str) -> int:
        """Close notices without sending (``unrouted``, ``expired``), with the reason."""
        result = self.session.execute(
            self._mine(ids, token).values(  # type: ignore[attr-defined]
                status=status, claimed_until=None, claim_token=None, last_error=reason[:200]
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def mark_failed_attempt(
        self,
        ids: Sequence[int],
        token: str,
        *,
        error: str,
        retry_at: dt.datetime | None,
    ) -> int:
        """One more failed attempt: due again at ``retry_at``, or given up (None)."""
        values: dict[str, object] = {
            "attempts": NotificationRow.attempts + 1,
            "claimed_until": None,
            "claim_token": None,
            "last_error": error[:200],
        }
        if retry_at is None:
            values["status"] = "failed"
        else:
            values["next_attempt_at"] = retry_at
        result = self.session.execute(self._mine(ids, token).values(**values))  # type: ignore[attr-defined]
        return int(getattr(result, "rowcount", 0) or 0)

    # -- reading -------------------------------------------------------------------------

    def all(self) -> list[NotificationRow]:
        return list(self.session.scalars(select(NotificationRow).order_by(NotificationRow.id)))

    def counts_by_status(self) -> dict[str, int]:
        rows = self.session.execute(
            select(NotificationRow.status, func.count()).group_by(NotificationRow.status)
        )
        return {status: int(n) for status, n in rows}

    def last_failure(self) -> tuple[dt.datetime, str] | None:
        """When the newest given-up notice was added, and its kind of error."""
        row = self.session.execute(
            select(NotificationRow.created_at, NotificationRow.last_error)
            .where(NotificationRow.status == "failed")
            .order_by(NotificationRow.id.desc())
            .limit(1)
        ).first()
        return (row[0], row[1] or "") if row else None

    # -- the digest's counts -------------------------------------------------------------

    def people_alerted_since(self, route: str, since: dt.datetime) -> int:
        """How many people had a new red flag (an alert notice) for ``route`` since
        ``since``."""
        return int(
            self.session.scalar(
                select(func.count(func.distinct(NotificationRow.person_id))).where(
                    NotificationRow.kind == "alert",
                    NotificationRow.route == route,
                    NotificationRow.created_at >= since,
                )
            )
            or 0
        )

    def people_quiet_since(self, person_ids: Sequence[int], before: dt.date) -> int:
        """How many of ``person_ids`` have entered nothing since ``before`` (or ever)."""
        if not person_ids:
            return 0
        return int(
            self.session.scalar(
                select(func.count()).where(
                    PersonSummaryRow.person_id.in_(list(person_ids)),
                    or_(
                        PersonSummaryRow.last_entry.is_(None),
                        PersonSummaryRow.last_entry < before,
                    ),
                )
            )
            or 0
        )
