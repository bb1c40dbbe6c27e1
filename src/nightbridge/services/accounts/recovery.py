"""Account recovery by whoever holds the store.

A person who runs Nightbridge for themselves and forgets their password must not lose
their data. Whoever can run ``nightbridge`` against the store on its own machine can
already read every row of it, so resetting a password there grants no new power; it is
the same trust as the machine's own login (OWASP Forgot Password Cheat Sheet: recovery
through a channel the user already controls). The web never offers it; there, an admin
(or a clinic admin) issues a one-time reset code instead (``reset_codes``, ``/reset``).

The reset ends every session of the account, forgets the browsers it knew, clears the
account's throttle, and is audited (actor role ``host``), so the person sees on "Who
looked at my data" that it happened.
"""

from __future__ import annotations

from nightbridge.core.errors import InvalidInput
from nightbridge.services.access import Actor
from nightbridge.services.accounts.accounts import AccountView, normalize_username
from nightbridge.services.accounts.auth import validate_password
from nightbridge.services.audit import record_event
from nightbridge.settings import AuthPolicy
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.sessions import WebSessionRepository
from nightbridge.storage.repositories.throttles import KnownDeviceRepository

#: The audit actor of a change made on the machine that holds the store.
HOST = Actor(account_id=None, role="host", person_id=None)


def reset_password_on_host(
    database: Database, policy: AuthPolicy, username: str, new_password: str
) -> AccountView:
    """Set ``username``'s password to ``new_password``; end its sessions; audit it."""
    validate_password(new_password, "new password")
    name = normalize_username(username)
    new_hash = policy.hasher().hash(new_password)
    with database.transaction() as session:
        row = AccountRepository(session).by_username_for_update(name)
        if row is None:
            raise InvalidInput.one("username", f"no account is called {username!r}")
        row.password_hash = new_hash
        row.failed_logins = 0
        row.locked_until = None
        WebSessionRepository(session).delete_for_account(row.id)
        KnownDeviceRepository(session).forget(row.id)
        record_event(
            session,
            HOST,
            person_id=row.person_id,
            action="account.password.reset",
            object=f"account/{row.id}",
            outcome="ok",
            detail="reset on the machine that holds the store; sessions ended",
        )
        return AccountView.from_row(row)
