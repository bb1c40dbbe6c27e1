"""Clinics (workspaces): creating one, its members, invites and share code.

Tidepool's clinic workspaces are the model (docs/clinics.md): a site admin creates a
clinic and names its first clinic admin; a clinic admin invites clinician accounts
(an invite is bound to the account it was made for, expires after
``CLINIC_INVITE_TTL`` and is used once; one admin has at most ``MAX_OPEN_INVITES``
open), removes members, shows and rotates the clinic's share code and sets the on-call
email address. People share with the clinic by its share code
(``services.accounts.sharing.share_with_clinic``). Every change is audited; every
permission is decided by ``services.access.authorize_clinic``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.services.access import Actor, authorize_clinic, authorize_clinic_create
from nightbridge.services.audit import record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.shares import ShareRepository
from nightbridge.storage.tables.base import utcnow
from nightbridge.storage.tables.clinics import CLINIC_ROLES, ClinicRow

#: The share code's letters: no look-alikes (0/O, 1/I/L, U), as invite codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12
#: How long a clinic's invitation to a clinician stays open.
CLINIC_INVITE_TTL = dt.timedelta(days=7)
#: Open invitations one clinic admin may have at a time.
MAX_OPEN_INVITES = 5
MAX_NAME = 120
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
ROLE_WORDS = {"clinic_admin": "clinic admin", "clinician": "clinician"}
#: The actor of ``nightbridge clinic create`` and the demo: the machine holding the store.
HOST = Actor(account_id=None, role="host", person_id=None)


@dataclass(frozen=True, slots=True)
class ClinicView:
    id: int
    name: str
    role: str  # the actor's role in it ("" for a site admin)
    created_at: dt.datetime
    share_code: str | None = None  # for its clinic admins only (formatted)
    on_call_email: str | None = None  # for its clinic admins only

    @property
    def is_admin(self) -> bool:
        return self.role == "clinic_admin"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "share_code": self.share_code,
            "on_call_email": self.on_call_email,
        }


@dataclass(frozen=True, slots=True)
class MemberView:
    id: int
    account_id: int
    username: str
    role: str
    added_at: dt.datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "account_id": self.account_id,
            "username": self.username,
            "role": self.role,
            "added_at": self.added_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ClinicInviteView:
    id: int
    clinic_id: int
    clinic_name: str
    username: str  # the invited account
    role: str
    created_at: dt.datetime
    expires_at: dt.datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "clinic_id": self.clinic_id,
            "clinic_name": self.clinic_name,
            "username": self.username,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ClinicDetail:
    clinic: ClinicView
    members: list[MemberView]
    invites: list[ClinicInviteView]  # open ones; for clinic admins only
    people: int  # how many people share with the clinic now

    def to_dict(self) -> dict[str, object]:
        return {
            **self.clinic.to_dict(),
            "members": [m.to_dict() for m in self.members],
            "invites": [i.to_dict() for i in self.invites],
            "people": self.people,
        }


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_share_code(repo: ClinicRepository) -> str:
    """A fresh random share code (12 * log2(30) = 58.9 bits), not used by another clinic."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not repo.code_taken(raw):
            return raw


def _view(clinic: ClinicRow, role: str) -> ClinicView:
    admin = role == "clinic_admin"
    return ClinicView(
        clinic.id,
        clinic.name,
        role,
        clinic.created_at,
        share_code=format_code(clinic.share_code) if admin else None,
        on_call_email=clinic.on_call_email if admin else None,
    )


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput.one("clinic_name", "is empty: give the clinic's name")
    if len(name) > MAX_NAME:
        raise InvalidInput.one("clinic_name", f"is longer than {MAX_NAME} characters")
    return name


def _clinician_account(accounts: AccountRepository, username: str, field: str) -> int:
    row = accounts.by_username(username.strip())
    if row is None or row.role != "clinician" or row.disabled:
        raise InvalidInput.one(field, "no clinician account has this username")
    return row.id


def create_clinic(
    database: Database,
    actor: Actor,
    *,
    name: str,
    admin_username: str,
    now: dt.datetime | None = None,
) -> ClinicView:
    """A site admin (or ``HOST``: the CLI) creates a clinic and names its first clinic
    admin (a clinician account)."""
    authorize_clinic_create(actor)
    now = now or utcnow()
    name = _clean_name(name)
    with database.transaction() as session:
        admin_id = _clinician_account(AccountRepository(session), admin_username, "admin_username")
        repo = ClinicRepository(session)
        clinic = repo.create(name, new_share_code(repo), now)
        member = repo.add_member(clinic.id, admin_id, "clinic_admin", now)
        record_event(
            session, actor, person_id=None, action="clinic.create",
            object=f"clinic/{clinic.id}", outcome="ok", now=now,
        )  # fmt: skip
        record_event(
            session, actor, person_id=None, action="clinic.member.add",
            object=f"clinic/{clinic.id}/member/{member.id}", outcome="ok", now=now,
            detail=f"account {admin_id} as clinic_admin",
        )  # fmt: skip
        return ClinicView(
            clinic.id, clinic.name, "", clinic.created_at,
            share_code=format_code(clinic.share_code) if actor.role == "host" else None,
        )  # fmt: skip


def list_clinics(database: Database, actor: Actor) -> list[ClinicView]:
    """A clinician's clinics (with their role in each); every clinic for a site admin
    (names only); nothing for anyone else."""
    with database.reader() as session:
        repo = ClinicRepository(session)
        if actor.role == "admin" and actor.account_id is not None:
            return [ClinicView(c.id, c.name, "", c.created_at) for c in repo.all()]
        if actor.role != "clinician" or actor.account_id is None:
            return []
        return [_view(c, role) for c, role in repo.clinics_of(actor.account_id)]


def clinic_detail(
    database: Database, actor: Actor, clinic_id: int, *, now: dt.datetime | None = None
) -> ClinicDetail:
    """The clinic as a member sees it: its members and how many people share with it;
    a clinic admin also sees the share code, the on-call address and open invites."""
    now = now or utcnow()
    with database.reader() as session:
        role = authorize_clinic(session, actor, clinic_id, "view")
        repo = ClinicRepository(session)
        clinic = repo.get(clinic_id)
        if clinic is None:  # pragma: no cover - authorize_clinic found its membership
            raise NotFound(f"no clinic {clinic_id}")
        members = [
            MemberView(m.id, m.account_id, name, m.role, m.added_at)
            for m, name in repo.members(clinic_id)
        ]
        invites = (
            [
                ClinicInviteView(
                    i.id, clinic_id, clinic.name, name, i.role, i.created_at, i.expires_at
                )
                for i, name in repo.open_invites_of_clinic(clinic_id, now)
            ]
            if role == "clinic_admin"
            else []
        )
        people = len(
            {s.person_id for s, _ in ShareRepository(session).persons_of_clinic(clinic_id)}
        )
        return ClinicDetail(_view(clinic, role), members, invites, people)


def invite_clinician(
    database: Database,
    actor: Actor,
    clinic_id: int,
    *,
    username: str,
    role: str = "clinician",
    now: dt.datetime | None = None,
    ttl: dt.timedelta = CLINIC_INVITE_TTL,
) -> ClinicInviteView:
    """A clinic admin invites one clinician account (the invite is bound to it)."""
    if role not in CLINIC_ROLES:
        raise InvalidInput.one("role", "choose clinician or clinic admin")
    now = now or utcnow()
    with database.transaction() as session:
        authorize_clinic(session, actor, clinic_id, "admin")
        repo = ClinicRepository(session)
        account_id = _clinician_account(AccountRepository(session), username, "username")
        if repo.current_membership(clinic_id, account_id) is not None:
            raise InvalidInput.one("username", "is already a member of this clinic")
        if repo.open_invite_to(clinic_id, account_id, now) is not None:
            raise InvalidInput.one("username", "already has an open invite to this clinic")
        assert actor.account_id is not None
        if repo.count_open_by_inviter(actor.account_id, now) >= MAX_OPEN_INVITES:
            raise InvalidInput.one(
                "username",
                f"you have {MAX_OPEN_INVITES} open invites: wait until one is accepted, "
                "declined or expires",
            )
        invite = repo.add_invite(
            clinic_id, account_id, role, invited_by=actor.account_id, now=now,
            expires_at=now + ttl,
        )  # fmt: skip
        record_event(
            session, actor, person_id=None, action="clinic.invite",
            object=f"clinic/{clinic_id}/invite/{invite.id}", outcome="ok", now=now,
            detail=f"account {account_id} as {role}",
        )  # fmt: skip
        clinic = repo.get(clinic_id)
        assert clinic is not None
        return ClinicInviteView(
            invite.id, clinic_id, clinic.name, username.strip(), role, now, now + ttl
        )


def pending_invites(
    database: Database, actor: Actor, *, now: dt.datetime | None = None
) -> list[ClinicInviteView]:
    """The open invites made for this account (only it sees them)."""
    if actor.role != "clinician" or actor.account_id is None:
        return []
    now = now or utcnow()
    with database.reader() as session:
        return [
            ClinicInviteView(i.id, i.clinic_id, clinic_name, "", i.role, i.created_at, i.expires_at)
            for i, clinic_name in ClinicRepository(session).open_invites_for(actor.account_id, now)
        ]


def answer_invite(
    database: Database,
    actor: Actor,
    invite_id: int,
    *,
    accept: bool,
    now: dt.datetime | None = None,
) -> ClinicView | None:
    """The invited clinician accepts (joins the clinic) or declines; an invite made for
    another account is ``NotFound``; a used, ended or expired one is refused."""
    now = now or utcnow()
    with database.transaction() as session:
        repo = ClinicRepository(session)
        invite = repo.invite_for_update(invite_id)
        if (
            invite is None
            or actor.role != "clinician"
            or actor.account_id is None
            or invite.account_id != actor.account_id
        ):
            raise NotFound(f"no invite {invite_id}")
        if invite.accepted_at is not None or invite.ended_at is not None:
            raise InvalidInput.one("invite", "was already answered")
        if invite.expires_at <= now:
            raise InvalidInput.one("invite", "has expired: ask the clinic's admin for a new one")
        clinic = repo.get(invite.clinic_id)
        assert clinic is not None
        if not accept:
            invite.ended_at = now
            repo.flush()
            record_event(
                session, actor, person_id=None, action="clinic.invite.decline",
                object=f"clinic/{clinic.id}/invite/{invite.id}", outcome="ok", now=now,
            )  # fmt: skip
            return None
        invite.accepted_at = now
        member = repo.current_membership(clinic.id, actor.account_id)
        if member is None:
            member = repo.add_member(clinic.id, actor.account_id, invite.role, now)
        record_event(
            session, actor, person_id=None, action="clinic.member.add",
            object=f"clinic/{clinic.id}/member/{member.id}", outcome="ok", now=now,
            detail=f"account {actor.account_id} as {member.role} (invite {invite.id})",
        )  # fmt: skip
        return _view(clinic, member.role)


def remove_member(
    database: Database,
    actor: Actor,
    clinic_id: int,
    member_id: int,
    *,
    now: dt.datetime | None = None,
) -> None:
    """A clinic admin removes a member (or a member leaves): from the next request on,
    they see nothing of the people who share with the clinic. The last clinic admin
    cannot be removed (the clinic would have nobody to run it)."""
    now = now or utcnow()
    with database.transaction() as session:
        repo = ClinicRepository(session)
        member = repo.member(member_id)
        leaving = member is not None and member.account_id == actor.account_id
        authorize_clinic(session, actor, clinic_id, "view" if leaving else "admin")
        if member is None or member.clinic_id != clinic_id or member.removed_at is not None:
            raise NotFound(f"no member {member_id}")
        if member.role == "clinic_admin" and repo.count_admins(clinic_id) <= 1:
            raise InvalidInput.one(
                "member", "is the clinic's only admin: invite another admin first"
            )
        repo.remove(member, now)
        record_event(
            session, actor, person_id=None, action="clinic.member.remove",
            object=f"clinic/{clinic_id}/member/{member.id}", outcome="ok", now=now,
            detail=f"account {member.account_id}",
        )  # fmt: skip


def rotate_share_code(
    database: Database, actor: Actor, clinic_id: int, *, now: dt.datetime | None = None
) -> str:
    """A new share code; the old one stops working at once (existing shares stay)."""
    now = now or utcnow()
    with database.transaction() as session:
        authorize_clinic(session, actor, clinic_id, "admin")
        repo = ClinicRepository(session)
        clinic = repo.get(clinic_id)
        assert clinic is not None
        clinic.share_code = new_share_code(repo)
        repo.flush()
        record_event(
            session, actor, person_id=None, action="clinic.code",
            object=f"clinic/{clinic_id}", outcome="ok", now=now,
        )  # fmt: skip
        return format_code(clinic.share_code)


def set_on_call_email(
    database: Database,
    actor: Actor,
    clinic_id: int,
    email: str | None,
    *,
    now: dt.datetime | None = None,
) -> str | None:
    """Where alert emails for the clinic go (empty: none). No health data is sent there."""
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise InvalidInput.one("on_call_email", "is not an email address (name@example.org)")
    now = now or utcnow()
    with database.transaction() as session:
        authorize_clinic(session, actor, clinic_id, "admin")
        clinic = ClinicRepository(session).get(clinic_id)
        assert clinic is not None
        clinic.on_call_email = email
        session.flush()
        record_event(
            session, actor, person_id=None, action="clinic.on_call",
            object=f"clinic/{clinic_id}", outcome="ok", now=now,
            detail="set" if email else "cleared",
        )  # fmt: skip
    return email


__all__ = [
    "CLINIC_INVITE_TTL",
    "HOST",
    "MAX_OPEN_INVITES",
    "ClinicDetail",
    "ClinicInviteView",
    "ClinicView",
    "MemberView",
    "answer_invite",
    "clinic_detail",
    "create_clinic",
    "invite_clinician",
    "list_clinics",
    "pending_invites",
    "remove_member",
    "rotate_share_code",
    "set_on_call_email",
]
