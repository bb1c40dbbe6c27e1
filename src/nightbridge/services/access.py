"""The one permission check: who may read or change whose health data.

Rules (docs/security.md; OWASP ASVS 5.0 8.2.2 object-level authorization, 8.3.2
changes take effect immediately):

- a ``person`` reads and writes only their own data;
- a ``clinician`` reads a person's data while the person shares it (a share not
  revoked) with them directly, or with a clinic they are a CURRENT member of (either
  clinic role); they ``manage`` it (settings, taper, notes, a COWS rating: a clinical
  act on the person's record) only through a share whose ``access`` is ``manage`` --
  with ``view`` shares alone, ``manage`` is ``Forbidden``;
  they never write the person's own entries (diary, check-ins, intake): ``Forbidden``;
  whoever may read may ``review`` (acknowledge the person's alerts: docs/caseload.md);
- an ``admin`` manages accounts, creates clinics, and reads no health data at all;
- only the person sees the audit trail of their data (``audit``);
- anyone else (anonymous) reads nothing.

Password reset codes (``may_issue_reset_code``): a site ``admin`` issues one for any
account but their own; a current ``clinic_admin`` for the other current members of
their clinic and for the people who share with the clinic (a share not revoked);
anyone else gets ``NotFound``.

Clinics (``authorize_clinic``): a current member ``view``s the clinic (its members);
only a current ``clinic_admin`` does ``admin`` (invite, remove, share code, on-call
address) -- another member gets ``Forbidden``; anyone else ``NotFound``. Only a site
``admin`` (or ``host``: the CLI on the machine that holds the store) creates a clinic
(``authorize_clinic_create``).

Someone else's data is ``NotFound`` (a 404, never a 403: its existence is not
revealed). ``Forbidden`` (403) is kept for data the actor may see but not change.
The check reads the shares and clinic membership tables on every call, so a
revocation, or a member's removal from the clinic, takes effect on the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nightbridge.core.errors import NightbridgeError, NotFound
from nightbridge.core.values import MAX_INT
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.audit import AuditRepository
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.shares import (
    ShareRepository,
    current_clinics_of,
    persons_shared_with,
)
from nightbridge.storage.tables.base import utcnow

#: Account roles.
ROLES: tuple[str, ...] = ("person", "clinician", "admin")

#: Actions on a person's data: ``read``; ``write`` the person's own entries;
#: ``manage`` settings, taper schedule, clinician notes, COWS ratings, a person's tags
#: and assigned clinician; ``review`` acknowledge the person's alerts (whoever may read
#: them may: any clinician on the team, docs/caseload.md); ``audit``: see who looked at
#: the data (the person alone).
ACTIONS: tuple[str, ...] = ("read", "write", "manage", "review", "audit")

#: Actions on a clinic: ``view`` it (members, pending invites); ``admin``: invite and
#: remove members, see and rotate the share code, set the on-call address.
CLINIC_ACTIONS: tuple[str, ...] = ("view", "admin")


class Forbidden(NightbridgeError):
    """The actor may see this person's data but may not do this to it."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: an account (with its role and, for a person, their persons row)."""

    account_id: int | None
    role: str
    person_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account_id is None


ANONYMOUS = Actor(account_id=None, role="anonymous", person_id=None)


def authorize(session: Session, actor: Actor, person_id: int, action: str) -> None:
    """Return if ``actor`` may ``action`` the data of ``person_id``; raise otherwise.

    Raises ``NotFound`` when the actor may not know the data exists, ``Forbidden``
    when they may see it but not do ``action``, ``ValueError`` for an unknown action
    (a programming error, not input).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor.role == "person" and actor.person_id is not None and actor.person_id == person_id:
        return
    if actor.role == "clinician" and actor.account_id is not None:
        access = ShareRepository(session).access_of(person_id, actor.account_id)
        if access is not None:
            if action in ("read", "review") or (action == "manage" and access == "manage"):
                return
            if action == "manage":
                raise Forbidden("this person shares their data with you to view only")
            if action == "write":
                raise Forbidden("clinicians cannot write a person's own entries")
    raise NotFound(f"no person {person_id}")


def authorize_clinic(session: Session, actor: Actor, clinic_id: int, action: str) -> str:
    """Return the actor's role in the clinic if they may ``action`` it; raise otherwise.

    ``NotFound`` for anyone who is not a current member (the clinic's existence is not
    revealed), ``Forbidden`` for a member who is not a clinic admin asking ``admin``.
    Membership is read on every call: a removed member is refused on the next request.
    """
    if action not in CLINIC_ACTIONS:
        raise ValueError(f"unknown clinic action {action!r}")
    role = None
    if actor.role == "clinician" and actor.account_id is not None and 1 <= clinic_id <= MAX_INT:
        role = ClinicRepository(session).role_of(clinic_id, actor.account_id)
    if role is None:
        raise NotFound(f"no clinic {clinic_id}")
    if action == "admin" and role != "clinic_admin":
        raise Forbidden("only the clinic's admins can do this")
    return role


def authorize_clinic_create(actor: Actor) -> None:
    """Only a site admin creates clinics (and names the first clinic admin), or whoever
    works on the machine that holds the store (role ``host``: the CLI and the demo; no
    web request is ever that actor)."""
    if actor.role == "host" and actor.account_id is None:
        return
    if actor.role != "admin" or actor.account_id is None:
        raise NotFound("only a site admin creates clinics")


def _authorize_and_audit(
    session: Session, actor: Actor, person_id: int, action: str, object: str
) -> NightbridgeError | None:
    """``authorize`` and append its audit row (allowed or refused); returns the refusal.

    An id no row can have (0, negative, or beyond the store's integers: a path of
    ``/api/persons/99999999999999999999``) is refused like an unknown person, without a
    query; its audit row keeps the refusal, with no person (the column cannot hold it).
    """
    if not 1 <= person_id <= MAX_INT:
        AuditRepository(session).append(
            at=utcnow(),
            actor_account_id=actor.account_id,
            actor_role=actor.role,
            person_id=None,
            action=action,
            object=object,
            outcome="denied",
            detail="no such person: the id is out of range",
        )
        return NotFound("no such person")
    refusal: NightbridgeError | None = None
    try:
        authorize(session, actor, person_id, action)
        outcome = "allowed"
    except NotFound as exc:
        refusal, outcome = exc, "denied"
    except Forbidden as exc:
        refusal, outcome = exc, "forbidden"
    AuditRepository(session).append(
        at=utcnow(),
        actor_account_id=actor.account_id,
        actor_role=actor.role,
        person_id=person_id,
        action=action,
        object=object,
        outcome=outcome,
    )
    return refusal


def authorize_and_audit(
    session: Session, actor: Actor, person_id: int, action: str, object: str
) -> NightbridgeError | None:
    """``authorize`` and its audit row inside the caller's transaction, for a write that
    must commit with its check (a review of alerts): the refusal is returned, not
    raised, so the caller commits the audit row of a refusal and then raises it."""
    return _authorize_and_audit(session, actor, person_id, action, object)


def readable_persons(session: Session, actor: Actor) -> Any:
    """The persons whose data ``actor`` may read, as a subquery of person ids, for a
    list read in one statement (the clinician's caseload); None when the actor lists
    no one (not a clinician). The same rule as ``authorize`` for ``read``: an active
    share with them, or with a clinic they are a current member of."""
    if actor.role != "clinician" or actor.account_id is None:
        return None
    return persons_shared_with(actor.account_id).scalar_subquery()


def clinics_of(actor: Actor) -> Any:
    """The clinics ``actor`` is a current member of, as a subquery of clinic ids (whose
    tags and assignments they see on the caseload); None for anyone but a clinician."""
    if actor.role != "clinician" or actor.account_id is None:
        return None
    return current_clinics_of(actor.account_id)


def check_access(
    database: Database, actor: Actor, person_id: int, action: str, object: str
) -> None:
    """``authorize`` and append its audit row (allowed or refused) in one transaction.

    The audit row is committed even when access is refused, then the refusal is
    raised; this is what the web layer's ``PersonScope`` dependency calls.
    """
    with database.transaction() as session:
        refusal = _authorize_and_audit(session, actor, person_id, action, object)
    if refusal is not None:
        raise refusal


def check_own_write(
    database: Database, actor: Actor, person_id: int, action: str, object: str
) -> None:
    """``check_access`` for a person changing their own data, whose permission needs no
    query: within a web request its audit row is queued and committed by the request's
    own write transaction (``storage.deferred``: one transaction per request, not two);
    anything else is ``check_access``."""
    from nightbridge.storage.deferred import defer

    own = actor.role == "person" and actor.person_id is not None and actor.person_id == person_id
    if own and action == "write" and 1 <= person_id <= MAX_INT:
        row = {
            "at": utcnow(),
            "actor_account_id": actor.account_id,
            "actor_role": actor.role,
            "person_id": person_id,
            "action": action,
            "object": object,
            "outcome": "allowed",
        }
        if defer(row):
            return
    check_access(database, actor, person_id, action, object)


def check_access_many(
    database: Database, actor: Actor, person_ids: Iterable[int], action: str, object: str
) -> list[int]:
    """``check_access`` for several people in ONE transaction: the ids ``actor`` may
    ``action``, in the order given. Every person gets their own audit row (allowed or
    refused), as with ``check_access``; a list page such as the clinician's triage then
    writes once instead of once per person."""
    with database.transaction() as session:
        return [
            person_id
            for person_id in person_ids
            if _authorize_and_audit(session, actor, person_id, action, object) is None
        ]


def check_access_then_audit(
    database: Database, actor: Actor, person_id: int, action: str, object: str
) -> Callable[[], None]:
    """``check_access`` for a page that must never wait on the store's write lock ("Need
    help now", while an import or anything else is writing): the check runs in a read
    snapshot, and the audit row of an allowed access is appended by the function
    returned, which the page runs once its response has gone out. A refusal is audited
    at once (as ``check_access`` does) and raised."""
    with database.reader() as session:
        try:
            authorize(session, actor, person_id, action)
        except (NotFound, Forbidden):
            allowed = False
        else:
            allowed = True
    if not allowed:
        check_access(database, actor, person_id, action, object)

    def audit() -> None:
        with database.transaction() as session:
            _authorize_and_audit(session, actor, person_id, action, object)

    return audit


def may_issue_reset_code(session: Session, actor: Actor, account_id: int) -> None:
    """Raise ``NotFound`` unless ``actor`` may issue a one-time password reset code for
    ``account_id`` (the module's rules). Never for one's own account: that password is
    changed with the current one, or reset by someone else."""
    from nightbridge.storage.repositories.accounts import AccountRepository

    refused = NotFound(f"no account {account_id}")
    if actor.account_id is None or actor.account_id == account_id:
        raise refused
    if actor.role == "admin":
        return
    target = AccountRepository(session).get(account_id)
    if actor.role != "clinician" or target is None:
        raise refused
    clinics = ClinicRepository(session)
    mine = {c.id for c, role in clinics.clinics_of(actor.account_id) if role == "clinic_admin"}
    if not mine:
        raise refused
    if {c.id for c, _ in clinics.clinics_of(target.id)} & mine:
        return
    if target.person_id is not None:
        shares = ShareRepository(session)
        if any(shares.active_clinic_share(target.person_id, c) for c in mine):
            return
    raise refused
