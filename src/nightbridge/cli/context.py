"""What every command shares: the settings (where the store is), the zone override, the
owner person."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from nightbridge.core.profile import Profile
    from nightbridge.settings import Settings
    from nightbridge.storage.database import Database


@dataclass
class CliState:
    home: Path | None = None
    tz_override: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _database: Database | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """``NIGHTBRIDGE_*`` (docs/settings.md) with ``--home`` applied."""
        if self._settings is None:
            import dataclasses

            from nightbridge.settings import Settings

            settings = Settings.from_env()
            if self.home is not None:
                settings = dataclasses.replace(settings, home=self.home)
            self._settings = settings
        return self._settings

    @property
    def home_dir(self) -> Path:
        return self.settings().home_dir

    @property
    def uses_postgres(self) -> bool:
        return self.settings().database_url is not None

    def database(self, *, create: bool = True, check: bool = True) -> Database:
        """The store, checked whole (``storage.integrity``) and at this version's schema
        (``storage.schema.ensure_ready``): an empty store is set up on first use, an
        older one refused with "run nightbridge migrate", a newer or damaged one
        refused. ``check=False``: unchecked (``migrate`` and ``restore`` check their own)."""
        if self._database is None:
            from nightbridge.storage.database import Database, resolve_url

            home = self.home_dir
            if create and not self.uses_postgres:
                home.mkdir(parents=True, exist_ok=True)
            settings = self.settings()
            db = Database(
                resolve_url(home, settings.database_url),
                write_wait_s=settings.write_wait.total_seconds(),
            )
            if check:
                from nightbridge.storage.integrity import CLI_CHECK_MAX_BYTES, quick_check
                from nightbridge.storage.schema import ensure_ready

                try:
                    quick_check(db, max_bytes=CLI_CHECK_MAX_BYTES)
                    ensure_ready(db, create=create)
                except BaseException:
                    db.dispose()
                    raise
            self._database = db
        return self._database

    def owner_id(self) -> int:
        """The store's own person; created with the machine's zone on first use."""
        from nightbridge.core.profile import Profile
        from nightbridge.storage.repositories.persons import PersonRepository

        with self.database().transaction() as session:
            return PersonRepository(session).ensure_owner(Profile(tz=machine_zone()))

    def profile(self) -> Profile:
        """The owner's profile with ``--tz`` applied."""
        import dataclasses

        from nightbridge.storage.repositories.persons import PersonRepository

        person_id = self.owner_id()
        with self.database().reader() as session:
            profile = PersonRepository(session).get_profile(person_id)
        if self.tz_override:
            profile = dataclasses.replace(profile, tz=validate_zone(self.tz_override))
        return profile

    def zone(self) -> str:
        """``--tz`` if given, else the machine's zone (for commands that need no store)."""
        return validate_zone(self.tz_override) if self.tz_override else machine_zone()


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):  # pragma: no cover - the root callback always sets it
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def validate_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from nightbridge.core.errors import InvalidInput

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput.one("tz", f"unknown IANA time zone {name!r}") from None
    return name


def machine_zone() -> str:
    """The machine's IANA zone name (``$TZ``, /etc/timezone, /etc/localtime), else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and "/" in env:
        return env
    try:
        text = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if text:
            return text
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"
