"""Sharing: a person invites a clinician with a one-time code and can revoke at any time.

An invite code is 12 characters from a 30-letter alphabet without look-alikes (0/O,
1/I/L, U): 12 * log2(30) = 58.9 bits of randomness from ``secrets`` (the brief asks for
at least 40). It is shown once, stored only as its SHA-256 (a fast hash is enough for a
random, short-lived, single-use code), expires after ``INVITE_TTL`` and works once.
A clinician sees only the people who invited them; revocation is checked on every
request by ``services.access.authorize`` (ASVS 8.3.2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.access import Actor, check_access, check_access_many
from nightbridge.services.audit import record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.audit import AuditRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.tables.base import utcnow

INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
INVITE_LENGTH = 12
INVITE_TTL = dt.timedelta(hours=72)
#: A clinician may fail this many redemptions per hour before further tries are refused
#: (counted from the audit trail, so it holds across app processes).
MAX_FAILED_REDEMPTIONS_PER_HOUR = 10


@dataclass(frozen=True, slots=True)
class Invite:
    code: str  # shown once, never stored
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShareView:
    id: int
    person_id: int
    clinician_id: int
    name: str  # the clinician's username (for the person) or the person's name
    since: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "clinician_id": self.clinician_id,
            "name": self.name,
            "since": self.since.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.active,
        }


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _person_of(actor: Actor) -> int:
    if actor.role != "person" or actor.person_id is None:
        raise NotFound("only a person can share their own data")
    return actor.person_id


def create_invite(
    database: Database,
    actor: Actor,
    *,
    now: dt.datetime | None = None,
    ttl: dt.timedelta = INVITE_TTL,
) -> Invite:
    """A new one-time code for the actor's own data (shown once)."""
    person_id = _person_of(actor)
    now = now or utcnow()
    raw = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    with database.transaction() as session:
        invite = ShareRepository(session).add_invite(
            person_id, hash_code(raw), now=now, expires_at=now + ttl
        )
        record_event(
            session,
            actor,
            person_id=person_id,
            action="share.invite",
            object=f"invite/{invite.id}",
            outcome="ok",
            now=now,
        )
    return Invite(code=format_code(raw), expires_at=now + ttl)


def redeem_invite(
    database: Database, actor: Actor, code: str, *, now: dt.datetime | None = None
) -> ShareView:
    """A clinician redeems a code: they now see that person's data (until revoked)."""
    if actor.role != "clinician" or actor.account_id is None:
        raise NotFound("only clinicians redeem invite codes")
    if len(normalize_code(code)) != INVITE_LENGTH:
        raise InvalidInput.one("code", f"an invite code has {INVITE_LENGTH} letters and digits")
    now = now or utcnow()
    refused = False
    with database.transaction() as session:
        failures = AuditRepository(session).count_recent(
            actor_account_id=actor.account_id,
            action="share.redeem",
            outcome="failed",
            since=now - dt.timedelta(hours=1),
        )
        if failures >= MAX_FAILED_REDEMPTIONS_PER_HOUR:
            raise InvalidInput.one("code", "too many wrong codes: try again in an hour")
        repo = ShareRepository(session)
        invite = repo.invite_by_hash(hash_code(code))
        if invite is None or invite.redeemed_at is not None or invite.expires_at <= now:
            record_event(
                session,
                actor,
                person_id=invite.person_id if invite else None,
                action="share.redeem",
                object="invite",
                outcome="failed",
                now=now,
                detail="unknown" if invite is None else "used or expired",
            )
            refused = True
        else:
            invite.redeemed_at = now
            invite.redeemed_by = actor.account_id
            share = repo.active_share(invite.person_id, actor.account_id) or repo.add_share(
                invite.person_id, actor.account_id, now
            )
            record_event(
                session,
                actor,
                person_id=invite.person_id,
                action="share.redeem",
                object=f"share/{share.id}",
                outcome="ok",
                now=now,
            )
            view = ShareView(
                share.id, share.person_id, share.clinician_id, "", share.created_at, None
            )
    if refused:
        raise InvalidInput.one("code", "is unknown, expired or already used")
    return view


def list_shares(
    database: Database, actor: Actor, *, audit_as: str | None = None
) -> list[ShareView]:
    """The person's shares, active and revoked, with each clinician's username.

    ``audit_as`` (the route, for a page or API call that shows them): the reading is
    written to the person's audit trail (the names of who can see their data)."""
    person_id = _person_of(actor)
    if audit_as is not None:
        check_access(database, actor, person_id, "read", audit_as)
    with database.reader() as session:
        rows = ShareRepository(session).shares_of_person(person_id)
    return [
        ShareView(s.id, s.person_id, s.clinician_id, name, s.created_at, s.revoked_at)
        for s, name in rows
    ]


def list_patients(
    database: Database, actor: Actor, *, audit_as: str | None = None
) -> list[ShareView]:
    """The people who currently share with this clinician (only those).

    ``audit_as`` (the route, for a page or API call that shows the list): every person
    listed gets a row in their audit trail -- the clinician saw their name -- through
    the one permission check, in one transaction (``check_access_many``); a person whose
    share ended in between is left out."""
    if actor.role != "clinician" or actor.account_id is None:
        return []
    with database.reader() as session:
        rows = ShareRepository(session).persons_of_clinician(actor.account_id)
    views = [
        ShareView(s.id, s.person_id, s.clinician_id, name, s.created_at, s.revoked_at)
        for s, name in rows
    ]
    if audit_as is not None and views:
        allowed = set(
            check_access_many(database, actor, [v.person_id for v in views], "read", audit_as)
        )
        views = [v for v in views if v.person_id in allowed]
    return views


def revoke_share(
    database: Database, actor: Actor, share_id: int, *, now: dt.datetime | None = None
) -> None:
    """The person ends a clinician's access; effective on the clinician's next request."""
    person_id = _person_of(actor)
    now = now or utcnow()
    with database.transaction() as session:
        repo = ShareRepository(session)
        share = repo.get(share_id)
        if share is None or share.person_id != person_id:
            raise NotFound(f"no share {share_id}")
        if share.revoked_at is None:
            repo.revoke(share, now)
        record_event(
            session,
            actor,
            person_id=person_id,
            action="share.revoke",
            object=f"share/{share.id}",
            outcome="ok",
            now=now,
        )
