"""Sharing: a person shares with one clinician (a one-time invite code) or with a clinic
(the clinic's share code), view-only or view-and-manage, and can revoke at any time.

An invite code is 12 characters from a 30-letter alphabet without look-alikes (0/O,
1/I/L, U): 12 * log2(30) = 58.9 bits of randomness from ``secrets`` (the brief asks for
at least 40). It is shown once, stored only as its SHA-256 (a fast hash is enough for a
random, short-lived, single-use code), expires after ``INVITE_TTL`` and works once.
An invite can be bound to the clinician account it was made for (``clinician``: only
that account can redeem it); a person has at most ``MAX_OPEN_INVITES`` open at a time.
A clinician sees only the people who share with them or with a clinic they are a
current member of; revocation is checked on every request by
``services.access.authorize`` (ASVS 8.3.2). docs/clinics.md has the whole model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.i18n import N_
from nightbridge.services.access import Actor, check_access, check_access_many
from nightbridge.services.audit import record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.audit import AuditRepository
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.tables.accounts import ShareRow
from nightbridge.storage.tables.base import utcnow

INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
INVITE_LENGTH = 12
INVITE_TTL = dt.timedelta(hours=72)
#: A clinician may fail this many redemptions per hour before further tries are refused
#: (counted from the audit trail, so it holds across app processes).
MAX_FAILED_REDEMPTIONS_PER_HOUR = 10
#: Open (unused, unexpired) invite codes a person may have at a time.
MAX_OPEN_INVITES = 5
#: What a share allows, as the person chooses it (``storage.tables.accounts.SHARE_ACCESS``).
#: The two kinds of access in words (marked for the catalogue; shown with ``| tr``).
ACCESS_WORDS = {"view": N_("view only"), "manage": N_("view and manage")}


@dataclass(frozen=True, slots=True)
class Invite:
    code: str  # shown once, never stored
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShareView:
    id: int
    person_id: int
    clinician_id: int | None  # a share with one clinician
    name: str  # the clinician's username or clinic's name (for the person), or the person's name
    since: dt.datetime
    revoked_at: dt.datetime | None
    clinic_id: int | None = None  # a share with a clinic
    access: str = "manage"  # "view" or "manage", chosen by the person

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def kind(self) -> str:
        return "clinic" if self.clinic_id is not None else "clinician"

    @property
    def access_words(self) -> str:
        return ACCESS_WORDS.get(self.access, self.access)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "kind": self.kind,
            "clinician_id": self.clinician_id,
            "clinic_id": self.clinic_id,
            "name": self.name,
            "access": self.access,
            "since": self.since.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "active": self.active,
        }


def _share_view(share: ShareRow, name: str) -> ShareView:
    return ShareView(
        share.id,
        share.person_id,
        share.clinician_id,
        name,
        share.created_at,
        share.revoked_at,
        clinic_id=share.clinic_id,
        access=share.access,
    )


def _check_access_choice(access: str) -> str:
    if access not in ACCESS_WORDS:
        raise InvalidInput.one("access", "choose view only, or view and manage")
    return access


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
    clinician: str | None = None,
    access: str = "manage",
    now: dt.datetime | None = None,
    ttl: dt.timedelta = INVITE_TTL,
) -> Invite:
    """A new one-time code for the actor's own data (shown once).

    ``clinician``: the username of the clinician it is for (only that account can
    redeem it); ``access``: what the share it makes allows (``view`` or ``manage``).
    At most ``MAX_OPEN_INVITES`` may be open at once."""
    person_id = _person_of(actor)
    _check_access_choice(access)
    now = now or utcnow()
    raw = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    with database.transaction() as session:
        repo = ShareRepository(session)
        for_account_id = None
        if clinician is not None and clinician.strip():
            row = AccountRepository(session).by_username(clinician.strip())
            if row is None or row.role != "clinician" or row.disabled:
                raise InvalidInput.one("clinician", "no clinician account has this username")
            for_account_id = row.id
        if len(repo.open_invites(person_id, now)) >= MAX_OPEN_INVITES:
            raise InvalidInput.one(
                "invite",
                f"you have {MAX_OPEN_INVITES} open invite codes: wait until one is used or expires",
            )
        invite = repo.add_invite(
            person_id,
            hash_code(raw),
            now=now,
            expires_at=now + ttl,
            for_account_id=for_account_id,
            access=access,
        )
        record_event(
            session,
            actor,
            person_id=person_id,
            action="share.invite",
            object=f"invite/{invite.id}",
            outcome="ok",
            now=now,
            detail=f"{access}" + (f", for account {for_account_id}" if for_account_id else ""),
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
        other = (
            invite is not None
            and invite.for_account_id is not None
            and invite.for_account_id != actor.account_id
        )
        if invite is None or other or invite.redeemed_at is not None or invite.expires_at <= now:
            record_event(
                session,
                actor,
                person_id=invite.person_id if invite and not other else None,
                action="share.redeem",
                object="invite",
                outcome="failed",
                now=now,
                detail="unknown" if invite is None or other else "used or expired",
            )
            refused = True
        else:
            invite.redeemed_at = now
            invite.redeemed_by = actor.account_id
            share = repo.active_share(invite.person_id, actor.account_id)
            if share is None:
                share = repo.add_share(invite.person_id, actor.account_id, now, invite.access)
            else:  # a new code replaces what the earlier share allowed
                share.access = invite.access
            record_event(
                session,
                actor,
                person_id=invite.person_id,
                action="share.redeem",
                object=f"share/{share.id}",
                outcome="ok",
                now=now,
            )
            view = _share_view(share, "")
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
    return [_share_view(s, name) for s, name in rows]


def list_patients(
    database: Database, actor: Actor, *, audit_as: str | None = None
) -> list[ShareView]:
    """The people who currently share with this clinician, directly or through a clinic
    they are a current member of (only those); one entry per person, with the widest
    access any of their shares gives (``manage`` over ``view``).

    ``audit_as`` (the route, for a page or API call that shows the list): every person
    listed gets a row in their audit trail -- the clinician saw their name -- through
    the one permission check, in one transaction (``check_access_many``); a person whose
    share ended in between is left out."""
    if actor.role != "clinician" or actor.account_id is None:
        return []
    with database.reader() as session:
        rows = ShareRepository(session).persons_of_clinician(actor.account_id)
    best: dict[int, ShareView] = {}
    for share, name in rows:
        seen = best.get(share.person_id)
        if seen is None or (seen.access == "view" and share.access == "manage"):
            best[share.person_id] = _share_view(share, name)
    views = sorted(best.values(), key=lambda v: (v.name, v.id))
    if audit_as is not None and views:
        allowed = set(
            check_access_many(database, actor, [v.person_id for v in views], "read", audit_as)
        )
        views = [v for v in views if v.person_id in allowed]
    return views


def share_with_clinic(
    database: Database,
    actor: Actor,
    code: str,
    access: str,
    *,
    now: dt.datetime | None = None,
) -> ShareView:
    """The person shares with a clinic by its share code, view only or view and manage
    (their choice); returns the share with the clinic's name. Sharing again with the
    same clinic replaces the earlier share (the new choice of access holds). Wrong
    codes are counted, as invite codes are."""
    person_id = _person_of(actor)
    _check_access_choice(access)
    if len(normalize_code(code)) != INVITE_LENGTH:
        raise InvalidInput.one(
            "share_code", f"a clinic's share code has {INVITE_LENGTH} letters and digits"
        )
    now = now or utcnow()
    with database.transaction() as session:
        failures = AuditRepository(session).count_recent(
            actor_account_id=actor.account_id,
            action="share.clinic",
            outcome="failed",
            since=now - dt.timedelta(hours=1),
        )
        if failures >= MAX_FAILED_REDEMPTIONS_PER_HOUR:
            raise InvalidInput.one("share_code", "too many wrong codes: try again in an hour")
        row = ClinicRepository(session).by_share_code(normalize_code(code))
        clinic = (row.id, row.name) if row is not None else None
        if clinic is None:
            record_event(
                session,
                actor,
                person_id=person_id,
                action="share.clinic",
                object="clinic",
                outcome="failed",
                now=now,
                detail="unknown code",
            )
    if clinic is None:  # the failure is committed (it counts), then refused
        raise InvalidInput.one("share_code", "no clinic has this code: check it with the clinic")
    with database.transaction() as session:
        repo = ShareRepository(session)
        clinic_id, clinic_name = clinic
        earlier = repo.active_clinic_share(person_id, clinic_id)
        if earlier is not None:
            repo.revoke(earlier, now)
        share = repo.add_clinic_share(person_id, clinic_id, now, access)
        record_event(
            session,
            actor,
            person_id=person_id,
            action="share.clinic",
            object=f"share/{share.id}",
            outcome="ok",
            now=now,
            detail=f"clinic {clinic_id}, {access}",
        )
        return _share_view(share, clinic_name)


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
