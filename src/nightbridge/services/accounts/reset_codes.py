"""One-time password reset codes an admin issues (issue 14 item 5).

A person or clinician who forgot their password asks an admin (the site's
``admin``, or a clinic admin for their clinic's members and the people who share with
the clinic: ``services.access.may_issue_reset_code`` decides), who checks who is asking
by their own means (a phone call, in person) and issues a code for that one account:

- 16 characters from the invite alphabet (78.6 bits), shown once to the admin as
  ``XXXX-XXXX-XXXX-XXXX``; only its SHA-256 is stored (a random code of this length that
  expires needs no slow hash); a new code ends the account's open ones;
- it expires after ``Settings.reset_code_ttl`` (24 h), works once, and only with the
  username of the account it was made for;
- on ``/reset`` the holder types the username, the code and a new password; attempts
  are throttled and audited exactly like logins (``auth``: per account, per client, the
  owner's known browsers excepted); a wrong, used, expired or another account's code is
  one and the same refusal;
- a reset sets the new password, ends every session of the account, forgets the
  browsers it knew and clears its throttle (two-step login stays as it was: the code
  replaces the password only);
- the issue and the use are audited with the account's person, so a person sees both
  on "Who looked at my data"; every account sees them on its account page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from nightbridge.core.errors import NightbridgeError, NotFound
from nightbridge.services.access import Actor, may_issue_reset_code
from nightbridge.services.accounts.accounts import normalize_username
from nightbridge.services.accounts.auth import (
    Attempt,
    _client_blocked,
    _is_locked,
    _known,
    _register_client_failure,
    _register_failure,
    _where,
    actor_of,
    client_key,
    validate_password,
)
from nightbridge.services.audit import record_event
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.recovery_codes import ResetCodeRepository
from nightbridge.storage.repositories.sessions import WebSessionRepository
from nightbridge.storage.repositories.throttles import (
    KnownDeviceRepository,
    LoginThrottleRepository,
)
from nightbridge.storage.tables.base import utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 16
RESET_TTL = dt.timedelta(hours=24)


class ResetRefused(NightbridgeError):
    """The same words for every cause: nothing about the account or the code is revealed."""

    def __init__(self) -> None:
        super().__init__(
            "That username and reset code do not match an open code, or there were too many "
            "tries from here. Check them, or ask for a new code."
        )


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str  # shown once, never stored
    account_id: int
    username: str
    expires_at: dt.datetime


def _normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_reset_code(code: str) -> str:
    return hashlib.sha256(b"nightbridge reset code " + _normalize(code).encode()).hexdigest()


def issue_reset_code(
    database: Database,
    actor: Actor,
    account_id: int,
    *,
    ttl: dt.timedelta = RESET_TTL,
    now: dt.datetime | None = None,
) -> IssuedCode:
    """A new one-time code for ``account_id`` (the account's open codes end)."""
    now = now or utcnow()
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    with database.transaction() as session:
        may_issue_reset_code(session, actor, account_id)
        account = AccountRepository(session).get_for_update(account_id)
        if account is None:
            raise NotFound(f"no account {account_id}")
        codes = ResetCodeRepository(session)
        ended = codes.close_open(account_id, now)
        codes.create(
            account_id,
            hash_reset_code(raw),
            issued_by=actor.account_id,
            now=now,
            expires_at=now + ttl,
        )
        record_event(
            session,
            actor,
            person_id=account.person_id,
            action="account.reset_code",
            object=f"account/{account_id}",
            outcome="ok",
            detail=f"expires {(now + ttl).isoformat(timespec='minutes')}"
            + (f"; {ended} earlier code ended" if ended else ""),
            now=now,
        )
        username = account.username
    shown = "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))
    return IssuedCode(shown, account_id, username, now + ttl)


def redeem_reset_code(
    database: Database,
    policy: AuthPolicy,
    username: str,
    code: str,
    new_password: str,
    *,
    attempt: Attempt | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Set ``username``'s password with a reset code; returns the account id. Raises
    ``InvalidInput`` for a short or long new password (nothing checked or counted), else
    ``ResetRefused`` for anything wrong with the username or the code."""
    validate_password(new_password, "new_password")
    attempt = attempt or Attempt()
    now = now or utcnow()
    try:
        name = normalize_username(username)
    except NightbridgeError:
        name = ""
    new_hash = policy.hasher().hash(new_password)
    ok = False
    with database.transaction() as session:
        client = LoginThrottleRepository(session).get_for_update(client_key(attempt.client), now)
        account = AccountRepository(session).by_username_for_update(name) if name else None
        known = account is not None and _known(session, policy, account.id, attempt.device, now)
        where = _where(attempt)
        row = ResetCodeRepository(session).by_hash_for_update(hash_reset_code(code))
        if _client_blocked(client, now) and not known:
            outcome, detail = "throttled", f"too many failures{where}"
        elif account is None:
            _register_client_failure(policy, client, now)
            outcome, detail = "failed", f"unknown username{where}"
        elif account.disabled:
            _register_client_failure(policy, client, now)
            outcome, detail = "locked", f"disabled{where}"
        elif _is_locked(account, now) and not known:
            outcome, detail = "throttled", f"account throttled, unknown browser{where}"
        elif row is None or row.account_id != account.id or row.used_at or row.expires_at <= now:
            _register_failure(policy, account, now)
            _register_client_failure(policy, client, now)
            why = (
                "unknown code"
                if row is None
                else "another account's code"
                if row.account_id != account.id
                else "used code"
                if row.used_at
                else "expired code"
            )
            outcome, detail = "failed", f"{why}{where}"
        else:
            row.used_at = now
            account.password_hash = new_hash
            account.failed_logins = 0
            account.locked_until = None
            WebSessionRepository(session).delete_for_account(account.id)
            KnownDeviceRepository(session).forget(account.id)
            outcome, detail, ok = "ok", f"with a reset code; sessions ended{where}", True
        record_event(
            session,
            actor_of(account) if account is not None else Actor(None, "anonymous"),
            person_id=account.person_id if account is not None else None,
            action="account.password.reset",
            object=f"account/{account.id}" if account is not None else "account",
            outcome=outcome,
            detail=detail[:200],
            now=now,
        )
    if not ok or account is None:
        raise ResetRefused()
    return account.id
