"""Authentication: passwords, lockout, TOTP and server-side sessions.

Controls (docs/security.md maps each to OWASP ASVS 5.0 and HIPAA 164.312(d)):

- Passwords are hashed with argon2id, memory 19 MiB or more, 2 iterations, 1 lane (the
  OWASP Password Storage Cheat Sheet minimum; RFC 9106 section 4); 12 to 1024
  characters, any characters (NIST SP 800-63B 5.1.1.2; ASVS 6.2.1, 6.2.9).
- Throttling that slows a guesser but never locks the owner out (NIST SP 800-63B
  5.2.2; ASVS 5.0 6.3.1), counted in the database under row locks read fresh, so that
  concurrent guesses on PostgreSQL are counted one by one:

  * per account: after ``lockout_after`` consecutive failures (password, TOTP code, or
    the current password on the account pages) the account is throttled for
    ``lockout_base`` doubled for every further failure, at most ``lockout_max``. While
    it is, attempts from browsers the account does not know are refused without being
    checked; a browser that has logged in to the account before (its device cookie,
    ``known_devices``) is still checked, so the owner with the right password (and
    TOTP) gets in whatever a stranger tries;
  * per client (its address as the trusted proxy reports it; an IPv6 /64): after
    ``client_failures`` failures within ``client_window`` the client is refused, for
    every account, for ``client_window`` (a known device of the account excepted).

  Every attempt is audited (``ok``, ``failed``, ``throttled``, ``locked`` for a disabled
  account), with the client's address.
- TOTP (RFC 6238, 30 s steps, 6 digits, +-1 step of drift) is required for clinicians
  and admins and can be turned on by a person; a code is accepted once (ASVS 6.5.1: no
  replay). The secret is stored sealed with a key kept outside the database
  (``totp_keys``).
- Sessions live in the database (so several processes can share PostgreSQL); the cookie
  holds 256 random bits and the table only their SHA-256. A new session id is issued at
  each privilege step (login, TOTP); idle timeout 30 min and absolute timeout 12 h
  (ASVS 7.3.1, 7.3.2); logout deletes the row (ASVS 7.4.1).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from nightbridge.core.errors import InvalidInput, NightbridgeError
from nightbridge.services.access import Actor
from nightbridge.services.accounts.totp_keys import TotpKeys
from nightbridge.services.audit import record_event
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.recovery_codes import RecoveryCodeRepository
from nightbridge.storage.repositories.sessions import WebSessionRepository
from nightbridge.storage.repositories.throttles import (
    KnownDeviceRepository,
    LoginThrottleRepository,
)
from nightbridge.storage.tables.accounts import AccountRow, LoginThrottleRow
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
    """Wrong username, password or code, too many tries, or the account is disabled.

    The message is the same for every cause so it reveals nothing about the account.
    """

    def __init__(self) -> None:
        super().__init__(
            "Wrong username, password or code, or too many tries from here. Check them "
            "and try again in a few minutes."
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """Where a login attempt comes from: the client's address (as the trusted reverse
    proxy reports it; uvicorn's ``--forwarded-allow-ips``) and the browser's device
    cookie, if it has one."""

    client: str = ""
    device: str | None = None


def client_key(address: str) -> str:
    """The throttle key of a client: its address, an IPv6 address's /64 (one customer's
    block), an IPv4-mapped address as IPv4."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return f"client:{address.strip()[:80] or 'unknown'}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"client:{ip.ipv4_mapped}"
        return f"client:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"client:{ip}"


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live session as the web layer sees it."""

    token: str  # the cookie value (never stored)
    csrf_token: str
    stage: str
    actor: Actor
    username: str = ""
    #: The account's chosen language (None: follow the browser).
    locale: str | None = None


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


def _client_blocked(client: LoginThrottleRow, now: dt.datetime) -> bool:
    return client.blocked_until is not None and client.blocked_until > now


def _register_client_failure(
    policy: AuthPolicy, client: LoginThrottleRow, now: dt.datetime
) -> None:
    if now - client.window_started_at > policy.client_window:
        client.failures, client.window_started_at = 0, now
    client.failures += 1
    if client.failures >= policy.client_failures:
        client.blocked_until = now + policy.client_window
        client.failures, client.window_started_at = 0, now


def _known(
    session: Session, policy: AuthPolicy, account_id: int, device: str | None, now: dt.datetime
) -> bool:
    if not device or len(device) > 200:
        return False
    since = now - policy.known_device_ttl
    return KnownDeviceRepository(session).is_known(account_id, hash_token(device), since)


def _where(attempt: Attempt) -> str:
    return f" from {attempt.client[:60]}" if attempt.client else ""


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
    attempt: Attempt | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, str]:
    """Check a username and password; return ``(account_id, next_stage)``.

    ``next_stage`` is ``full``, ``totp`` or ``enrol``. Raises ``LoginRefused``. Each
    attempt is audited; failures count towards the account's and the client's throttle
    in the same transaction, which holds both rows locked (client first, then account)
    and reads them fresh, so concurrent guesses are counted one after the other.
    """
    attempt = attempt or Attempt()
    now = now or utcnow()
    stage = "full"
    with database.transaction() as session:
        client = LoginThrottleRepository(session).get_for_update(client_key(attempt.client), now)
        account = AccountRepository(session).by_username_for_update(username.strip().lower())
        known = account is not None and _known(session, policy, account.id, attempt.device, now)
        where = _where(attempt)
        if _client_blocked(client, now) and not known:
            verify_password(policy, _dummy_hash(policy), password)  # same time as a real try
            outcome, detail = "throttled", f"too many failures{where}"
        elif account is None:
            verify_password(policy, _dummy_hash(policy), password)
            _register_client_failure(policy, client, now)
            outcome, detail = "failed", f"unknown username{where}"
        elif account.disabled:
            verify_password(policy, _dummy_hash(policy), password)
            _register_client_failure(policy, client, now)
            outcome, detail = "locked", f"disabled{where}"
        elif _is_locked(account, now) and not known:
            verify_password(policy, _dummy_hash(policy), password)
            outcome, detail = "throttled", f"account throttled, unknown browser{where}"
        elif not verify_password(policy, account.password_hash, password):
            _register_failure(policy, account, now)
            _register_client_failure(policy, client, now)
            outcome = "failed"
            detail = f"wrong password ({account.failed_logins} in a row){where}"
        else:
            if account.totp_confirmed:
                stage = "totp"
            elif account.role in policy.totp_roles:
                stage = "enrol"
            else:
                account.failed_logins = 0
                account.locked_until = None
            outcome, detail = "ok", f"password; next {stage}{where}"
        record_event(
            session,
            actor_of(account) if account is not None else Actor(None, "anonymous"),
            person_id=account.person_id if account is not None else None,
            action="login",
            object="account",
            outcome=outcome,
            detail=detail[:200],
            now=now,
        )
    if outcome != "ok" or account is None:
        raise LoginRefused()
    return account.id, stage


def check_current_password(
    database: Database,
    policy: AuthPolicy,
    account_id: int,
    password: str,
    *,
    purpose: str,
    attempt: Attempt | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Re-authentication on the account pages (a password change, turning on two-step
    login: ASVS 5.0 6.2.3, 7.5.1), throttled and audited like a login: a wrong password
    counts towards the account's and the client's throttle, and a throttled account
    refuses browsers it does not know. Raises ``InvalidInput`` on ``current_password``.
    """
    attempt = attempt or Attempt()
    now = now or utcnow()
    with database.transaction() as session:
        client = LoginThrottleRepository(session).get_for_update(client_key(attempt.client), now)
        account = AccountRepository(session).get_for_update(account_id)
        if account is None:
            raise LoginRefused()
        known = _known(session, policy, account.id, attempt.device, now)
        where = _where(attempt)
        if (_client_blocked(client, now) or _is_locked(account, now)) and not known:
            verify_password(policy, _dummy_hash(policy), password)
            outcome, detail = "throttled", f"too many failures{where}"
        elif not verify_password(policy, account.password_hash, password):
            _register_failure(policy, account, now)
            _register_client_failure(policy, client, now)
            outcome = "failed"
            detail = f"wrong current password ({account.failed_logins} in a row){where}"
        else:
            outcome, detail = "ok", f"current password{where}"
        record_event(
            session,
            actor_of(account),
            person_id=account.person_id,
            action="reauth",
            object=purpose,
            outcome=outcome,
            detail=detail[:200],
            now=now,
        )
    if outcome == "throttled":
        raise InvalidInput.one(
            "current_password", "too many wrong tries: try again in a few minutes"
        )
    if outcome != "ok":
        raise InvalidInput.one("current_password", "is not your current password")


def remember_device(
    database: Database,
    policy: AuthPolicy,
    account_id: int,
    device: str | None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """After a full login: the browser's device token (its own if it had one, else a new
    one), now known to ``account_id``; devices unused for ``known_device_ttl`` are
    forgotten."""
    now = now or utcnow()
    token = device if device and 20 <= len(device) <= 200 else secrets.token_urlsafe(32)
    with database.transaction() as session:
        devices = KnownDeviceRepository(session)
        devices.forget(account_id, before=now - policy.known_device_ttl)
        devices.remember(account_id, hash_token(token), now)
    return token


# --- TOTP -------------------------------------------------------------------------------


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def enrolment_secret(database: Database, account_id: int, session_key: str) -> tuple[str, str]:
    """The TOTP secret offered to ``account_id`` while it sets up two-step login, and
    its ``otpauth://`` URI. Nothing is written (a GET changes nothing): the secret is
    derived from this login session's own secret (``session_key``, its CSRF token), so
    reloading the page shows the same one, a new session offers a new one, and it is
    stored only when a code confirms it (``verify_totp(confirm=True, pending=...)``).
    """
    with database.reader() as session:
        account = AccountRepository(session).get(account_id)
        if account is None:
            raise LoginRefused()
        if account.totp_confirmed:
            raise InvalidInput.one("totp", "is already set up for this account")
        username = account.username
    message = f"nightbridge totp enrolment {account_id}".encode()
    digest = hmac.new(session_key.encode(), message, hashlib.sha256).digest()
    secret = base64.b32encode(digest[:20]).decode()  # 160 bits (RFC 4226 section 4)
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
    keys: TotpKeys,
    confirm: bool = False,
    pending: str | None = None,
    attempt: Attempt | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Accept a TOTP code once (no replay), or one of the account's recovery codes
    (``recovery_codes``: each works once). ``confirm`` finishes enrolment: the code is
    checked against ``pending`` (the secret the enrolment page showed) and that secret is
    stored, sealed with ``keys`` (``totp_keys``), once it matches; a new set of recovery
    codes is made then and returned (to be shown once; otherwise the list is empty).
    The key file is made on the first enrolment, never while another account holds a
    sealed secret (a lost file is reported: ``TotpKeyUnavailable``, nothing written).

    A wrong code counts towards the account's and the client's throttle like a wrong
    password, under the same row locks. Raises ``LoginRefused``.
    """
    from nightbridge.services.accounts import recovery_codes

    attempt = attempt or Attempt()
    now = now or utcnow()
    refused = True
    by_recovery = not confirm and recovery_codes.looks_like_recovery_code(code)
    shown, hashes = recovery_codes.new_codes(policy) if confirm else ([], [])
    with database.transaction() as session:
        client = LoginThrottleRepository(session).get_for_update(client_key(attempt.client), now)
        account = AccountRepository(session).get_for_update(account_id)
        stored = account.totp_secret if account else None
        if account is None or not (pending if confirm else stored):
            raise LoginRefused()
        # a recovery code stands in for a lost phone: it needs no key file
        secret = pending if confirm else "" if by_recovery else keys.open(account.id, stored or "")
        if not secret and not by_recovery:
            raise LoginRefused()
        known = _known(session, policy, account.id, attempt.device, now)
        where = _where(attempt)
        step = _matching_step(secret, code, now) if secret else None
        replay = (
            step is not None
            and account.totp_last_step is not None
            and (step <= account.totp_last_step)
        )
        if account.disabled or account.totp_confirmed == confirm:
            outcome, detail = "locked", f"disabled or wrong stage{where}"
        elif (_client_blocked(client, now) or _is_locked(account, now)) and not known:
            outcome, detail = "throttled", f"too many failures{where}"
        elif by_recovery:
            used, unused = recovery_codes.matching_code(session, policy, account.id, code)
            if used is None:
                _register_failure(policy, account, now)
                _register_client_failure(policy, client, now)
                outcome, detail = "failed", f"wrong recovery code{where}"
            else:
                used.used_at = now
                account.failed_logins = 0
                account.locked_until = None
                outcome, refused = "ok", False
                detail = f"recovery code ({unused - 1} left){where}"
        elif step is None or replay:
            _register_failure(policy, account, now)
            _register_client_failure(policy, client, now)
            outcome = "failed"
            detail = f"{'replayed' if replay else 'wrong'} code{where}"
        else:
            account.totp_last_step = step
            account.failed_logins = 0
            account.locked_until = None
            if confirm:
                first = not AccountRepository(session).any_totp_secret()
                account.totp_secret = keys.seal(account.id, secret, create=first)
                account.totp_confirmed = True
                RecoveryCodeRepository(session).replace(account.id, hashes, now)
            outcome, refused = "ok", False
            detail = f"{'totp enrolled, recovery codes made' if confirm else 'totp'}{where}"
        record_event(
            session,
            actor_of(account),
            person_id=account.person_id,
            action="login",
            object="totp",
            outcome=outcome,
            detail=detail[:200],
            now=now,
        )
    if refused:
        raise LoginRefused()
    return shown


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
            LoginThrottleRepository(session).purge(now, policy.client_window)
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
        row = WebSessionRepository(session).lookup(key)
    if row is None:
        return None
    expired = (
        now - row.last_seen_at > policy.idle_timeout
        or now - row.created_at > policy.absolute_timeout
        or (row.account_id is not None and (not row.account_exists or row.account_disabled))
    )
    if expired:
        if not read_only:
            end_session(database, token)
        return None
    if not read_only and now - row.last_seen_at >= policy.touch_every:
        with database.transaction() as session:
            WebSessionRepository(session).touch(key, now)
    if row.account_id is None or not row.account_exists:
        return SessionInfo(token, row.csrf_token, row.stage, Actor(None, "anonymous"))
    actor = Actor(
        account_id=row.account_id, role=row.account_role or "", person_id=row.account_person_id
    )
    return SessionInfo(
        token, row.csrf_token, row.stage, actor, row.account_username or "", row.account_locale
    )


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
