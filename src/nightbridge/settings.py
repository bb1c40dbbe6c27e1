"""Every setting of a deployment, in one place.

Pure: the standard library only; nothing is built at import time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """The numbers of authentication; the defaults are the production values
    (``services.accounts.auth`` explains each control and its source)."""

    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    lockout_after: int = 5
    lockout_base: dt.timedelta = dt.timedelta(minutes=1)
    lockout_max: dt.timedelta = dt.timedelta(hours=1)
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    absolute_timeout: dt.timedelta = dt.timedelta(hours=12)
    touch_every: dt.timedelta = dt.timedelta(seconds=60)
    totp_roles: frozenset[str] = field(default_factory=lambda: frozenset({"clinician", "admin"}))

    def hasher(self) -> PasswordHasher:
        from argon2 import PasswordHasher

        return PasswordHasher(
            time_cost=self.argon2_time_cost,
            memory_cost=self.argon2_memory_kib,
            parallelism=self.argon2_parallelism,
        )

    def lock_duration(self, failures: int) -> dt.timedelta | None:
        """How long ``failures`` consecutive failures lock the account (None: not locked)."""
        if failures < self.lockout_after:
            return None
        doubled = self.lockout_base * int(2 ** min(failures - self.lockout_after, 20))
        return min(doubled, self.lockout_max)


@dataclass(frozen=True, slots=True)
class Settings:
    """What a deployment may change (docs/web.md lists them)."""

    auth: AuthPolicy = field(default_factory=AuthPolicy)
    #: Secure flag of the session cookie. Keep True: ``__Host-`` cookies need it, and
    #: browsers accept it on http://127.0.0.1 and http://localhost.
    secure_cookies: bool = True
    #: Send Strict-Transport-Security (behind a TLS proxy on a real host name).
    hsts: bool = False
    #: How long a sharing invite code stays valid.
    invite_ttl: dt.timedelta = dt.timedelta(hours=72)
    #: Allow the first-run ``/setup`` page from other machines (default: loopback only).
    allow_remote_setup: bool = False
    #: Largest device export accepted at /imports, in MiB (None: NIGHTBRIDGE_MAX_UPLOAD_MB,
    #: else 5120). Where uploads wait while imported (None: NIGHTBRIDGE_UPLOAD_DIR, else
    #: uploads/ beside the SQLite store, else the user cache folder). docs/web-imports.md
    max_upload_mb: float | None = None
    upload_dir: Path | None = None
    #: The routers to include (None: every module listed in web.registry).
    router_modules: tuple[str, ...] | None = None
    context_hooks: tuple[str, ...] | None = None
