"""TOTP recovery codes: ten single-use codes that stand in for a two-step code when the
phone is lost (ASVS 5.0 6.5.1, 6.5.2; NIST SP 800-63B 5.1.2 "look-up secrets").

- Made at TOTP enrolment and whenever the account asks for a new set (after its current
  password: ``check_current_password``), which deletes the old set; shown once, never
  stored: each is kept as an argon2id hash with the login policy's cost (like a
  password), so the database alone gives none of them away.
- Each is 12 characters from the invite alphabet (no look-alikes; 58.9 bits), shown as
  ``XXXX-XXXX-XXXX``; case, spaces and dashes do not matter when typed.
- At login one may be typed in place of the six-digit code (``auth.verify_totp``): it
  works once, counts as a failure when wrong (the same throttle as a wrong code), and its
  use is audited with how many are left.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.orm import Session

from nightbridge.core.errors import NotFound
from nightbridge.services.access import Actor
from nightbridge.services.accounts.auth import (
    Attempt,
    check_current_password,
    verify_password,
)
from nightbridge.services.audit import record_event
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.recovery_codes import RecoveryCodeRepository
from nightbridge.storage.tables.accounts import RecoveryCodeRow
from nightbridge.storage.tables.base import utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
COUNT = 10
LENGTH = 12


def normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    """A recovery code (12 letters and digits), not a six-digit TOTP code."""
    plain = normalize(code)
    return len(plain) == LENGTH and all(ch in ALPHABET for ch in plain)


def new_codes(policy: AuthPolicy) -> tuple[list[str], list[str]]:
    """``COUNT`` new codes as shown (``XXXX-XXXX-XXXX``) and their hashes."""
    hasher = policy.hasher()
    shown, hashes = [], []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        shown.append("-".join(raw[i : i + 4] for i in range(0, LENGTH, 4)))
        hashes.append(hasher.hash(raw))
    return shown, hashes


def matching_code(
    session: Session, policy: AuthPolicy, account_id: int, code: str
) -> tuple[RecoveryCodeRow | None, int]:
    """The account's unused code that ``code`` is, and how many unused codes it has."""
    if not looks_like_recovery_code(code):
        return None, 0
    plain = normalize(code)
    unused = RecoveryCodeRepository(session).unused(account_id)
    for row in unused:
        if verify_password(policy, row.code_hash, plain):
            return row, len(unused)
    return None, len(unused)


def codes_left(database: Database, account_id: int) -> int:
    with database.reader() as session:
        return len(RecoveryCodeRepository(session).unused(account_id))


def regenerate_codes(
    database: Database,
    policy: AuthPolicy,
    actor: Actor,
    current_password: str,
    *,
    attempt: Attempt | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """A new set for the actor's own account, after its current password (throttled and
    audited as every re-authentication); the old set stops working. Returns the codes,
    to be shown once."""
    if actor.account_id is None:
        raise NotFound("no account")
    with database.reader() as session:
        account = AccountRepository(session).get(actor.account_id)
        if account is None or not account.totp_confirmed:
            raise NotFound("two-step login is not on for this account")
    check_current_password(
        database,
        policy,
        actor.account_id,
        current_password,
        purpose="account/recovery-codes",
        attempt=attempt,
    )
    now = now or utcnow()
    shown, hashes = new_codes(policy)
    with database.transaction() as session:
        RecoveryCodeRepository(session).replace(actor.account_id, hashes, now)
        record_event(
            session,
            actor,
            person_id=actor.person_id,
            action="account.recovery_codes",
            object=f"account/{actor.account_id}",
            outcome="ok",
            detail=f"{COUNT} new recovery codes; the old ones no longer work",
            now=now,
        )
    return shown
