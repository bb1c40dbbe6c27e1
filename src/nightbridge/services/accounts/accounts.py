"""Accounts: create (a person account also creates the person), list, change password,
unlock, disable. Admins manage accounts; they never read health data (services.access).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nightbridge.core.errors import InvalidInput, NotFound, Problem
from nightbridge.core.profile import Profile
from nightbridge.services.access import ROLES, Actor
from nightbridge.services.accounts.auth import (
    Attempt,
    AuthPolicy,
    LoginRefused,
    check_current_password,
    end_other_sessions,
    hash_token,
    validate_password,
)
from nightbridge.services.audit import record_event
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.recovery_codes import RecoveryCodeRepository
from nightbridge.storage.repositories.sessions import WebSessionRepository
from nightbridge.storage.repositories.throttles import KnownDeviceRepository
from nightbridge.storage.tables.accounts import AccountRow
from nightbridge.storage.tables.base import utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,79}$")


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    username: str
    role: str
    person_id: int | None
    totp_confirmed: bool
    failed_logins: int
    locked_until: dt.datetime | None
    disabled: bool
    created_at: dt.datetime
    locale: str | None = None

    @classmethod
    def from_row(cls, row: AccountRow) -> AccountView:
        return cls(
            id=row.id,
            username=row.username,
            role=row.role,
            person_id=row.person_id,
            totp_confirmed=row.totp_confirmed,
            failed_logins=row.failed_logins,
            locked_until=row.locked_until,
            disabled=row.disabled,
            created_at=row.created_at,
            locale=row.locale,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "person_id": self.person_id,
            "totp_confirmed": self.totp_confirmed,
            "failed_logins": self.failed_logins,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
            "locale": self.locale,
        }


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidInput.one(
            "username",
            "use 3 to 80 characters: letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit",
        )
    return name


def create_account(
    database: Database,
    policy: AuthPolicy,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    profile: Profile | None = None,
    person_id: int | None = None,
    by: Actor | None = None,
    first_only: bool = False,
    tz: str | None = None,
    region: str | None = None,
    ask_location: bool = False,
) -> int:
    """Create an account; for role ``person`` also the persons row (unless ``person_id``
    links an existing one). Returns the account id.

    ``tz``, ``region``: the new person's time zone and region, chosen by whoever creates
    the account (checked as ``profile set`` checks them); with ``ask_location`` (the
    admin's page and API) a person account is refused without both, so nobody is
    silently UTC and US. The person answers the restriction screen at first login.

    ``first_only``: the first-run setup -- refused (``NotFound``) once any account
    exists; a person account then becomes the store's owner (the person the CLI acts
    for), so the CLI and the web app share one person's data.
    """
    problems: list[Problem] = []
    try:
        name = normalize_username(username)
    except InvalidInput as exc:
        problems.extend(exc.problems)
        name = ""
    try:
        validate_password(password)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if role not in ROLES:
        problems.extend(InvalidInput.one("role", f"must be one of {', '.join(ROLES)}").problems)
    if len(display_name) > 120:
        problems.extend(InvalidInput.one("display_name", "is longer than 120 characters").problems)
    if role == "person" and person_id is None and (ask_location or tz or region):
        from nightbridge.services.sleep.profile import located_profile

        profile = located_profile(profile or Profile(), tz, region, problems)
    if problems:
        raise InvalidInput(problems)
    password_hash = policy.hasher().hash(password)
    with database.transaction() as session:
        accounts = AccountRepository(session)
        if first_only and accounts.any():
            raise NotFound("setup is done: accounts exist")
        if accounts.username_taken(name):
            raise InvalidInput.one("username", "is already taken")
        if role == "person" and person_id is None and first_only:
            person_id = PersonRepository(session).ensure_owner(profile or Profile())
        elif role == "person" and person_id is None:
            person_id = PersonRepository(session).create(
                profile or Profile(), display_name=display_name or name
            )
        elif role != "person":
            person_id = None
        row = accounts.create(name, password_hash, role, person_id)
        record_event(
            session,
            by or Actor(None, "system"),
            person_id=person_id,
            action="account.create",
            object=f"account/{row.id}",
            outcome="ok",
            detail=f"role {role}",
        )
        return row.id


def has_accounts(database: Database) -> bool:
    """Whether any account exists (before the first, ``/setup`` is open)."""
    with database.reader() as session:
        return bool(AccountRepository(session).any())


def get_account(database: Database, account_id: int) -> AccountView:
    with database.reader() as session:
        row = AccountRepository(session).get(account_id)
        if row is None:
            raise NotFound(f"no account {account_id}")
        return AccountView.from_row(row)


def list_accounts(database: Database) -> list[AccountView]:
    with database.reader() as session:
        return [AccountView.from_row(row) for row in AccountRepository(session).all()]


def set_account_locale(database: Database, actor: Actor, locale: str | None) -> str | None:
    """The actor's own account speaks ``locale`` from now on (``en``, ``es``; None or
    an empty value: follow the browser). Another value is refused, naming the
    question; nothing is written then."""
    from nightbridge.i18n import LOCALES

    if actor.account_id is None:
        raise NotFound("no account")
    chosen = (locale or "").strip().lower() or None
    if chosen is not None and chosen not in LOCALES:
        offered = ", ".join(LOCALES)
        raise InvalidInput.one("locale", f"is not a language Nightbridge offers ({offered})")
    with database.transaction() as session:
        row = AccountRepository(session).get(actor.account_id)
        if row is None:
            raise NotFound("no account")
        row.locale = chosen
    return chosen


def change_password(
    database: Database,
    policy: AuthPolicy,
    actor: Actor,
    *,
    current: str,
    new: str,
    keep_token: str | None = None,
    attempt: Attempt | None = None,
) -> None:
    """Change the actor's own password after checking the current one (throttled and
    audited like a login: ``check_current_password``); every other session of the
    account is ended and the browsers it knew are forgotten but this one."""
    if actor.account_id is None:
        raise NotFound("no account")
    validate_password(new, "new_password")
    attempt = attempt or Attempt()
    check_current_password(
        database, policy, actor.account_id, current, purpose="account/password", attempt=attempt
    )
    new_hash = policy.hasher().hash(new)
    with database.transaction() as session:
        row = AccountRepository(session).get(actor.account_id)
        if row is None:
            raise LoginRefused()
        row.password_hash = new_hash
        devices = KnownDeviceRepository(session)
        devices.forget(row.id)
        if attempt.device:
            devices.remember(row.id, hash_token(attempt.device), utcnow())
        record_event(
            session,
            actor,
            person_id=row.person_id,
            action="account.password",
            object=f"account/{row.id}",
            outcome="ok",
        )
    end_other_sessions(database, actor.account_id, keep_token)


def update_account(
    database: Database,
    admin: Actor,
    account_id: int,
    *,
    unlock: bool = False,
    disabled: bool | None = None,
    reset_totp: bool = False,
    end_sessions: bool = False,
) -> AccountView:
    """Admin: clear a lockout; disable or re-enable; reset a lost TOTP factor (the next
    login sets up a new one); end every session of the account (ASVS 7.4.5)."""
    if admin.role != "admin":
        raise NotFound(f"no account {account_id}")
    with database.transaction() as session:
        row = AccountRepository(session).get(account_id)
        if row is None:
            raise NotFound(f"no account {account_id}")
        changes = []
        if unlock:
            row.failed_logins = 0
            row.locked_until = None
            changes.append("unlocked")
        if disabled is not None:
            if disabled and row.id == admin.account_id:
                raise InvalidInput.one("disabled", "you cannot disable your own account")
            row.disabled = disabled
            changes.append("disabled" if disabled else "enabled")
        if reset_totp:
            row.totp_secret = None
            row.totp_confirmed = False
            row.totp_last_step = None
            RecoveryCodeRepository(session).delete_for_account(row.id)
            changes.append("totp reset")
        if reset_totp or end_sessions or disabled:
            WebSessionRepository(session).delete_for_account(row.id)
            changes.append("sessions ended")
        record_event(
            session,
            admin,
            person_id=None,
            action="account.update",
            object=f"account/{row.id}",
            outcome="ok",
            detail=", ".join(changes),
            now=utcnow(),
        )
        return AccountView.from_row(row)
