"""Every setting of a deployment, in one place (docs/settings.md lists them all).

``Settings`` is a plain frozen value. ``Settings.from_env(environ)`` reads the
``NIGHTBRIDGE_*`` variables (and uvicorn's ``FORWARDED_ALLOW_IPS``); the CLI then applies
its flags with ``dataclasses.replace``; ``create_app(database, settings=...)`` and the
services take the value and never read the environment themselves. ``to_env()`` is the
inverse of ``from_env`` (``serve --workers N`` hands the settings to its worker processes
through it).

Pure: the standard library only, nothing read but the mapping it is given, nothing
built at import time (the CLI imports it on its fastest path).

A value that cannot be read raises ``SettingRefused`` (an ``InvalidInput``) naming the
variable as the operator wrote it and the reason, so the CLI exits 2 with one line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nightbridge.core.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from argon2 import PasswordHasher

PREFIX = "NIGHTBRIDGE_"
#: Default largest device export, in MiB (5 GiB: a decade of Apple Watch nights is ~1-2 GiB).
DEFAULT_MAX_UPLOAD_MB = 5120.0
#: Default largest JSON or form body, in KiB (uploads have their own limit).
DEFAULT_MAX_BODY_KIB = 1024
SMTP_TLS_MODES = ("starttls", "tls", "none")


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost`` (what only this machine can reach;
    browsers treat plain http to these as secure, so Secure cookies work there)."""
    name = (host or "").strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class SettingRefused(InvalidInput):
    """A setting's value cannot be used (names the variable and the reason)."""


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    """The numbers of authentication; the defaults are the production values
    (``services.accounts.auth`` explains each control and its source)."""

    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    #: Consecutive failures after which an account is throttled: attempts from browsers
    #: it does not know are refused, unchecked, for ``lockout_base`` doubled for each
    #: further failure, at most ``lockout_max`` (browsers that logged in to it before
    #: may still try: the owner is never locked out by someone else's guesses).
    lockout_after: int = 5
    lockout_base: dt.timedelta = dt.timedelta(minutes=1)
    lockout_max: dt.timedelta = dt.timedelta(minutes=15)
    #: Failures from one client (its address; an IPv6 /64) within ``client_window``
    #: after which that client is refused for ``client_window``, for every account.
    client_failures: int = 20
    client_window: dt.timedelta = dt.timedelta(minutes=15)
    #: How long a browser that logged in stays known to the account.
    known_device_ttl: dt.timedelta = dt.timedelta(days=180)
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
class SmtpSettings:
    """The mail relay the clinic's notifications go through (nothing is sent unless
    ``host`` is set). ``tls``: ``starttls`` (port 587), ``tls`` (implicit, port 465) or
    ``none`` (a relay on this machine only)."""

    host: str | None = None
    port: int = 587
    sender: str | None = None
    #: The deployment's on-call address: told of red flags of the people who share
    #: with a clinician of this server directly (a clinic's own address wins for the
    #: people who share with that clinic; docs/notifications.md).
    oncall: str | None = None
    tls: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    #: A file holding the password (read at each send; e.g. a container secret).
    password_file: Path | None = None
    #: Seconds to wait for the relay before an attempt counts as failed.
    timeout: dt.timedelta = dt.timedelta(seconds=20)
    #: Attempts before a notice is given up (and recorded as failed).
    max_attempts: int = 8
    #: Hour of the day (0-23, in ``digest_zone``) the daily digest is sent; None: none.
    digest_hour: int | None = None
    digest_zone: str = "UTC"
    #: Run the sender inside each ``nightbridge serve`` worker (no: only
    #: ``nightbridge notify send`` from cron or a service sends).
    in_serve: bool = True

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def read_password(self) -> str | None:
        """The password, from ``password_file`` when set (trailing newline dropped)."""
        if self.password_file is not None:
            return self.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        return self.password


@dataclass(frozen=True, slots=True)
class Settings:
    """What a deployment may change. Defaults suit one person on their own machine."""

    # -- the store
    #: SQLAlchemy URL of a PostgreSQL store; None: the SQLite file in ``home``.
    database_url: str | None = None
    #: Folder of the SQLite store (None: the platform's user data folder).
    home: Path | None = None
    #: The key file that seals the TOTP secrets in the store (None: ``totp.key`` in
    #: ``home``). Kept outside the database; back it up with the store, apart from it.
    totp_key_file: Path | None = None
    #: How long a write waits its turn at SQLite's write lock before it is refused
    #: (503 with Retry-After on the web; nothing written).
    write_wait: dt.timedelta = dt.timedelta(seconds=30)
    # -- the server (`nightbridge serve`)
    host: str = "127.0.0.1"
    port: int = 8000
    #: Worker processes (None: one per CPU core).
    workers: int | None = None
    #: Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (the reverse proxy).
    forwarded_allow_ips: str = "127.0.0.1"
    # -- the web app
    auth: AuthPolicy = field(default_factory=AuthPolicy)
    #: Secure flag of the session cookie. Keep True: ``__Host-`` cookies need it, and
    #: browsers accept it on http://127.0.0.1 and http://localhost.
    secure_cookies: bool = True
    #: Send Strict-Transport-Security (behind a TLS proxy on a real host name).
    hsts: bool = False
    #: How long a sharing invite code stays valid.
    invite_ttl: dt.timedelta = dt.timedelta(hours=72)
    #: How long a password reset code an admin issued stays valid.
    reset_code_ttl: dt.timedelta = dt.timedelta(hours=24)
    #: Allow the first-run ``/setup`` page from other machines (default: loopback only).
    allow_remote_setup: bool = False
    #: Largest JSON or form body, in KiB (larger ones get 413 before they are read).
    max_body_kib: int = DEFAULT_MAX_BODY_KIB
    #: Largest device export accepted at /imports, in MiB (docs/web-imports.md).
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    #: Where uploads wait while imported (None: ``uploads/`` beside the SQLite store,
    #: else the user cache folder).
    upload_dir: Path | None = None
    #: A JSON file of extra crisis lines, same shape as content/crisis_resources.json.
    crisis_resources: Path | None = None
    #: The address people open Nightbridge at (https://nightbridge.example.org), for
    #: the links in emails; None: the link is left out and the email says so.
    public_url: str | None = None
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    #: Show tracebacks on the CLI (never on the web).
    debug: bool = False
    #: Honour the pseudo-locale ``xx`` (every message accented and ~40 % longer) from
    #: Accept-Language or the language cookie: for layout tests, never in production.
    pseudo_locale: bool = False
    #: The routers and page-context hooks to include (None: every one in web.registry).
    router_modules: tuple[str, ...] | None = None
    context_hooks: tuple[str, ...] | None = None

    @property
    def home_dir(self) -> Path:
        """``home``, else the platform's user data folder."""
        if self.home is not None:
            return self.home
        from platformdirs import user_data_path

        return user_data_path("nightbridge", appauthor=False)

    @property
    def totp_key_path(self) -> Path:
        """``totp_key_file``, else ``totp.key`` in ``home_dir``."""
        return self.totp_key_file if self.totp_key_file is not None else self.home_dir / "totp.key"

    @property
    def max_body_bytes(self) -> int:
        return self.max_body_kib * 1024

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers is not None else (os.cpu_count() or 1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings named in ``environ`` (default ``os.environ``); others default."""
        env = os.environ if environ is None else environ
        problems: list[Problem] = []
        values = _read_group(env, cls, PREFIX, problems, skip={"auth", "smtp"})
        auth = _read_group(env, AuthPolicy, PREFIX + "AUTH_", problems)
        smtp = _read_group(env, SmtpSettings, PREFIX + "SMTP_", problems)
        forwarded = env.get(PREFIX + "FORWARDED_ALLOW_IPS") or env.get("FORWARDED_ALLOW_IPS")
        if forwarded and forwarded.strip():
            values["forwarded_allow_ips"] = forwarded.strip()
        if problems:
            raise SettingRefused(problems)
        settings = cls(**values, auth=AuthPolicy(**auth), smtp=SmtpSettings(**smtp))
        check(settings)
        return settings

    def to_env(self) -> dict[str, str]:
        """The ``NIGHTBRIDGE_*`` variables that ``from_env`` reads back as these
        settings (defaults left out)."""
        env = _write_group(self, PREFIX, skip={"auth", "smtp"})
        env.update(_write_group(self.auth, PREFIX + "AUTH_"))
        env.update(_write_group(self.smtp, PREFIX + "SMTP_"))
        return env


#: Settings that are not read from the environment (they compose the app in code).
CODE_ONLY = frozenset({"router_modules", "context_hooks"})


def env_name(group_prefix: str, name: str) -> str:
    """``NIGHTBRIDGE_HSTS``, ``NIGHTBRIDGE_AUTH_LOCKOUT_AFTER``, ``NIGHTBRIDGE_SMTP_FROM``."""
    return group_prefix + {"sender": "FROM"}.get(name, name.upper())


def env_names() -> dict[str, str]:
    """Every setting's dotted name (``auth.lockout_after``) and its variable."""
    names: dict[str, str] = {}
    for group, prefix, owner in (
        ("", PREFIX, Settings),
        ("auth.", PREFIX + "AUTH_", AuthPolicy),
        ("smtp.", PREFIX + "SMTP_", SmtpSettings),
    ):
        for f in dataclasses.fields(owner):
            if f.name in CODE_ONLY or (owner is Settings and f.name in ("auth", "smtp")):
                continue
            names[group + f.name] = env_name(prefix, f.name)
    return names


def read_setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting (dotted name, e.g. ``crisis_resources``) read from the environment
    alone, for the few places that have no ``Settings`` handed to them."""
    group, _, leaf = name.rpartition(".")
    owner, prefix = {
        "": (Settings, PREFIX),
        "auth": (AuthPolicy, PREFIX + "AUTH_"),
        "smtp": (SmtpSettings, PREFIX + "SMTP_"),
    }[group]
    problems: list[Problem] = []
    chosen = {f.name for f in dataclasses.fields(owner)} - {leaf}
    values = _read_group(
        os.environ if environ is None else environ, owner, prefix, problems, skip=chosen
    )
    if problems:
        raise SettingRefused(problems)
    if leaf in values:
        return values[leaf]
    return getattr(owner(), leaf)


def check(settings: Settings) -> None:
    """Refuse values that parse but make no sense (a port of 0, a negative limit)."""
    problems: list[Problem] = []

    def need(ok: bool, group: str, name: str, reason: str) -> None:
        if not ok:
            problems.append(Problem(env_name(group, name), reason))

    need(0 < settings.port < 65536, PREFIX, "port", "must be between 1 and 65535")
    need(settings.workers is None or settings.workers >= 1, PREFIX, "workers", "must be 1 or more")
    need(settings.max_body_kib >= 1, PREFIX, "max_body_kib", "must be 1 or more")
    need(settings.max_upload_mb > 0, PREFIX, "max_upload_mb", "must be more than 0 MB")
    need(settings.invite_ttl.total_seconds() > 0, PREFIX, "invite_ttl", "must be longer than 0")
    need(settings.write_wait.total_seconds() > 0, PREFIX, "write_wait", "must be longer than 0")
    need(
        settings.reset_code_ttl.total_seconds() > 0,
        PREFIX,
        "reset_code_ttl",
        "must be longer than 0",
    )
    smtp = PREFIX + "SMTP_"
    need(settings.smtp.tls in SMTP_TLS_MODES, smtp, "tls", "must be starttls, tls or none")
    need(0 < settings.smtp.port < 65536, smtp, "port", "must be between 1 and 65535")
    need(settings.smtp.max_attempts >= 1, smtp, "max_attempts", "must be 1 or more")
    need(settings.smtp.timeout.total_seconds() > 0, smtp, "timeout", "must be longer than 0")
    need(
        not settings.smtp.host or bool(settings.smtp.sender),
        smtp,
        "sender",
        "is needed when NIGHTBRIDGE_SMTP_HOST is set (the address emails come from)",
    )
    for name in ("sender", "oncall"):
        address = getattr(settings.smtp, name)
        need(
            address is None or _looks_like_address(address),
            smtp,
            name,
            "is not an email address (name@example.org)",
        )
    hour = settings.smtp.digest_hour
    need(hour is None or 0 <= hour <= 23, smtp, "digest_hour", "must be between 0 and 23")
    need(_is_zone(settings.smtp.digest_zone), smtp, "digest_zone", "is not a time zone name")
    need(
        settings.smtp.password is None or settings.smtp.password_file is None,
        smtp,
        "password_file",
        "set either the password or the password file, not both",
    )
    if settings.public_url is not None:
        need(
            settings.public_url.startswith(("https://", "http://")),
            PREFIX,
            "public_url",
            "must start with https:// (or http://)",
        )
    if settings.database_url is not None:
        need(
            settings.database_url.startswith(("postgresql", "sqlite")),
            PREFIX,
            "database_url",
            "must start with postgresql:// (or postgresql+psycopg://) or sqlite://",
        )
    auth = settings.auth
    for name in (
        "argon2_memory_kib",
        "argon2_time_cost",
        "argon2_parallelism",
        "lockout_after",
        "client_failures",
    ):
        need(getattr(auth, name) >= 1, PREFIX + "AUTH_", name, "must be 1 or more")
    if problems:
        raise SettingRefused(problems)


def _looks_like_address(text: str) -> bool:
    """One address: something@domain, no spaces, commas or angle brackets."""
    local, at, domain = text.rpartition("@")
    return bool(at and local and "." in domain) and not re.search(r"[\s,<>]", text)


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


# -- reading and writing one value -------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_duration(text: str) -> dt.timedelta:
    """``90s``, ``15m``, ``12h``, ``3d`` (a bare number is refused: which unit?)."""
    found = _DURATION.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a duration; write it like 90s, 15m, 12h or 3d")
    return dt.timedelta(seconds=float(found.group(1)) * _UNIT_SECONDS[found.group(2).lower()])


def format_duration(value: dt.timedelta) -> str:
    seconds = value.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:f}".rstrip("0").rstrip(".") + "s"


def _parse(kind: str, text: str) -> Any:
    value = text.strip()
    if kind == "bool":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValueError(f"{text!r} is not yes or no (use 1/0, true/false, yes/no, on/off)")
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "float":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a finite number")
        return number
    if kind == "duration":
        return parse_duration(value)
    if kind == "names":
        if value.lower() == "none":
            return frozenset()
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    if kind == "path":
        if not value:
            raise ValueError("is empty")
        return Path(value).expanduser()
    return value  # str


def _format(kind: str, value: Any) -> str:
    if kind == "bool":
        return "1" if value else "0"
    if kind == "duration":
        return format_duration(value)
    if kind == "names":
        return ",".join(sorted(value)) or "none"
    if kind == "float":
        return repr(float(value))
    return str(value)


def _kind(f: dataclasses.Field[Any]) -> str:
    text = str(f.type).replace(" ", "")
    base = text.split("|")[0]
    return {
        "bool": "bool",
        "int": "int",
        "float": "float",
        "dt.timedelta": "duration",
        "frozenset[str]": "names",
        "Path": "path",
        "str": "str",
    }.get(base, "str")


def _read_group(
    env: Mapping[str, str],
    owner: type,
    prefix: str,
    problems: list[Problem],
    *,
    skip: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(owner):
        if f.name in skip or f.name in CODE_ONLY:
            continue
        name = env_name(prefix, f.name)
        raw = env.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            values[f.name] = _parse(_kind(f), raw)
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
    return values


def _write_group(
    value: Any, prefix: str, *, skip: frozenset[str] | set[str] = frozenset()
) -> dict[str, str]:
    env: dict[str, str] = {}
    blank = type(value)()
    for f in dataclasses.fields(value):
        if f.name in skip or f.name in CODE_ONLY:
            continue
        current = getattr(value, f.name)
        if current is None or current == getattr(blank, f.name):
            continue
        env[env_name(prefix, f.name)] = _format(_kind(f), current)
    return env


__all__ = [
    "CODE_ONLY",
    "DEFAULT_MAX_BODY_KIB",
    "DEFAULT_MAX_UPLOAD_MB",
    "AuthPolicy",
    "SettingRefused",
    "Settings",
    "SmtpSettings",
    "check",
    "env_name",
    "env_names",
    "format_duration",
    "parse_duration",
    "read_setting",
]
