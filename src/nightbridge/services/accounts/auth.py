"""Authentication: passwords, lockout, TOTP and server-side sessions.

Controls (docs/security.md maps each to OWASP ASVS 5.0 and HIPAA 164.312(d)):

- Passwords are hashed with argon2id, memory 19 MiB or more, 2 iterations, 1 lane (the
  OWASP Password Storage Cheat Sheet minimum; RFC 9106 section 4); 12 to 1024
  characters, any characters (NIST SP 800-63B 5.1.1.2; ASVS 6.2.1, 6.2.9).
- After ``lockout_after`` consecutive failures an account is locked for
  ``lockout_base`` doubled for every further failure, at most ``lockout_max``
  (NIST SP 800-63B 5.2.2 rate limiting; ASVS 6.3.1). Every attempt is audited.
- TOTP (RFC 6238, 30 s steps, 6 digits, +-1 step of drift) is required for clinicians
  and admins and can be turned on by a person; a code is accepted once (ASVS 6.5.1: no
  replay).
- Sessions live in the database (so several processes can share PostgreSQL); the cookie
  holds 256 random bits and the table only their SHA-256. A new session id is issued at
  each privilege step (login, TOTP); idle timeout 30 min and absolute timeout 12 h
  (ASVS 7.3.1, 7.3.2); logout deletes the row (ASVS 7.4.1).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from nightbridge.core.errors import InvalidInput, NightbridgeError
from nightbridge.services.access import Actor
from nightbridge.services.audit import record_event
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.sessions import WebSessionRepository
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.base import utcnow

#: Session stages: ``anonymous`` (only a CSRF token, e.g. the login form), ``totp``
#: (password accepted, TOTP code pending), ``enrol`` (password accepted, TOTP must be
#: set up first), ``full`` (logged in).
STAGES: tuple[str, ...] = ("anonymous", "totp", "enrol", "full")

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
TOTP_STEP_S = 30
ISSUER = "Nightbridge"


class LoginRefused(NightbridgeError):
    """Wrong username, password or code, or the account is locked or disabled.

    The message is the same for every cause so it reveals nothing about the account.
    """

    def __init__(self) -> None:
        super().__init__(
            "Wrong username, password or code, or the account is locked after repeated "
            "failures. Try again later."
        )


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live session as the web layer sees it."""

    token: str  # the cookie value (never stored)
    csrf_token: str
    stage: str
    actor: Actor
    username: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str, field_name: str = "password") -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput.one(field_name, f"needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInput.one(field_name, f"is longer than {MAX_PASSWORD_CHARS} characters")


def verify_password(policy: AuthPolicy, password_hash: str, password: str) -> bool:
    try:
        return policy.hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def actor_of(account: AccountRow) -> Actor:
    return Actor(account_id=account.id, role=account.role, person_id=account.person_id)


def _is_locked(account: AccountRow, now: dt.datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def _register_failure(policy: AuthPolicy, account: AccountRow, now: dt.datetime) -> None:
    account.failed_logins += 1
    duration = policy.lock_duration(account.failed_logins)
    account.locked_until = now + duration if duration is not None else None


@functools.cache
def _dummy_hash(policy: AuthPolicy) -> str:
    """A hash with the policy's cost, verified for unknown usernames so that they take
    as long as a wrong password (ASVS 6.3.8)."""
    return policy.hasher().hash("not-a-real-password-" + secrets.token_hex(8))


def authenticate(
    database: Database,
    policy: AuthPolicy,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
) -> tuple[int, str]:
    """Check a username and password; return ``(account_id, next_stage)``.

    ``next_stage`` is ``full``, ``totp`` or ``enrol``. Raises ``LoginRefused``. Each
    attempt is audited; failures count towards the lockout in the same transaction.
    """
    now = now or utcnow()
    stage = "full"
    with database.transaction() as session:
        accounts = AccountRepository(session)
        found = accounts.by_username(username.strip().lower())
        account = accounts.get_for_update(found.id) if found is not None else None
        if account is None:
            verify_password(policy, _dummy_hash(policy), password)  # same time as a real try
            outcome, detail = "failed", "unknown username"
        elif account.disabled or _is_locked(account, now):
            verify_password(policy, _dummy_hash(policy), password)  # same time as a real try
            outcome = "locked"
            detail = "disabled" if account.disabled else f"locked until {account.locked_until}"
        elif not verify_password(policy, account.password_hash, password):
            _register_failure(policy, account, now)
            outcome, detail = "failed", f"wrong password ({account.failed_logins} in a row)"
        else:
            if account.totp_confirmed:
                stage = "totp"
            elif account.role in policy.totp_roles:
                stage = "enrol"
            else:
                account.failed_logins = 0
                account.locked_until = None
            outcome, detail = "ok", f"password; next {stage}"
        record_event(
            session,
            actor_of(account) if account is not None else Actor(None, "anonymous"),
            person_id=account.person_id if account is not None else None,
            action="login",
            object="account",
            outcome=outcome,
            detail=detail,
            now=now,
        )
    if outcome != "ok" or account is None:
        raise LoginRefused()
    return account.id, stage


# --- TOTP -------------------------------------------------------------------------------


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def start_enrolment(database: Database, account_id: int) -> tuple[str, str]:
    """The TOTP secret being set up for ``account_id`` and its ``otpauth://`` URI.

    A new secret is drawn the first time; until a code confirms it, the same secret is
    shown again (so reloading the page does not break an authenticator app's entry).
    """
    with database.transaction() as session:
        account = AccountRepository(session).get(account_id)
        if account is None:
            raise LoginRefused()
        if account.totp_confirmed:
            raise InvalidInput.one("totp", "is already set up for this account")
        if not account.totp_secret:
            account.totp_secret = pyotp.random_base32()
        secret, username = account.totp_secret, account.username
    return secret, totp_uri(secret, username)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP_S
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_STEP_S), code):
            return step
    return None


def verify_totp(
    database: Database,
    policy: AuthPolicy,
    account_id: int,
    code: str,
    *,
    confirm: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Accept a TOTP code once (no replay); ``confirm`` finishes enrolment.

    A wrong code counts towards the lockout like a wrong password. Raises
    ``LoginRefused``.
    """
    now = now or utcnow()
    refused = True
    with database.transaction() as session:
        account = AccountRepository(session).get_for_update(account_id)
        if account is None or not account.totp_secret:
            raise LoginRefused()
        step = _matching_step(account.totp_secret, code, now)
        replay = (
            step is not None
            and account.totp_last_step is not None
            and (step <= account.totp_last_step)
        )
        if account.disabled or _is_locked(account, now) or account.totp_confirmed == confirm:
            outcome, detail = "locked", "locked, disabled or wrong stage"
        elif step is None or replay:
            _register_failure(policy, account, now)
            outcome, detail = "failed", "replayed code" if replay else "wrong code"
        else:
            account.totp_last_step = step
            account.failed_logins = 0
            account.locked_until = None
            if confirm:
                account.totp_confirmed = True
            outcome, detail, refused = "ok", "totp enrolled" if confirm else "totp", False
        record_event(
            session,
            actor_of(account),
            person_id=account.person_id,
            action="login",
            object="totp",
            outcome=outcome,
            detail=detail,
            now=now,
        )
    if refused:
        raise LoginRefused()


# --- sessions ---------------------------------------------------------------------------


def open_session(
    database: Database,
    *,
    account_id: int | None = None,
    stage: str = "anonymous",
    replaces: str | None = None,
    now: dt.datetime | None = None,
    policy: AuthPolicy | None = None,
) -> tuple[str, str]:
    """A new session (a new id, always); returns ``(token, csrf_token)``.

    ``replaces`` is the old cookie value, whose row is deleted (session fixation:
    ASVS 7.2.4). With ``policy``, every session past its idle or absolute timeout is
    purged in the same transaction (done at each login step, so the table stays small).
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    with database.transaction() as session:
        sessions = WebSessionRepository(session)
        if replaces:
            sessions.delete(hash_token(replaces))
        if policy is not None and account_id is not None:
            sessions.purge(
                idle_before=now - policy.idle_timeout,
                created_before=now - policy.absolute_timeout,
            )
        sessions.create(
            hash_token(token), account_id=account_id, stage=stage, csrf_token=csrf_token, now=now
        )
    return token, csrf_token


def purge_sessions(database: Database, policy: AuthPolicy, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    with database.transaction() as session:
        WebSessionRepository(session).purge(
            idle_before=now - policy.idle_timeout, created_before=now - policy.absolute_timeout
        )


def resolve_session(
    database: Database,
    policy: AuthPolicy,
    token: str | None,
    *,
    now: dt.datetime | None = None,
    read_only: bool = False,
) -> SessionInfo | None:
    """The live session for a cookie value, or None (unknown, expired, account gone).

    An expired session's row is deleted. ``last_seen_at`` is written at most once per
    ``policy.touch_every`` so reads do not each cost a write. With ``read_only`` (a page
    that must never wait on the write lock: "Need help now") nothing is written: an
    expired session is only not used, and the last-seen time is left as it was.
    """
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    key = hash_token(token)
    with database.reader() as session:
        row = WebSessionRepository(session).get(key)
        account = (
            AccountRepository(session).get(row.account_id)
            if row is not None and row.account_id is not None
            else None
        )
    if row is None:
        return None
    expired = (
        now - row.last_seen_at > policy.idle_timeout
        or now - row.created_at > policy.absolute_timeout
        or (row.account_id is not None and (account is None or account.disabled))
    )
    if expired:
        if not read_only:
            end_session(database, token)
        return None
    if not read_only and now - row.last_seen_at >= policy.touch_every:
        with database.transaction() as session:
            WebSessionRepository(session).touch(key, now)
    if account is None:
        return SessionInfo(token, row.csrf_token, row.stage, Actor(None, "anonymous"))
    return SessionInfo(token, row.csrf_token, row.stage, actor_of(account), account.username)


def end_session(database: Database, token: str) -> None:
    """Delete the server-side session (logout; ASVS 7.4.1)."""
    with database.transaction() as session:
        WebSessionRepository(session).delete(hash_token(token))


def end_other_sessions(database: Database, account_id: int, keep_token: str | None) -> None:
    """Log the account out everywhere else (after a password change; ASVS 7.4.3)."""
    with database.transaction() as session:
        WebSessionRepository(session).delete_for_account(
            account_id, keep=hash_token(keep_token) if keep_token else None
        )
