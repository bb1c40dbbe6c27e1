"""Run the Alembic migrations on a connection (``storage.schema.migrate`` holds the lock
and the transaction; this module is the only one that imports Alembic)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(
    connection: Connection,
    revision: str = "head",
    *,
    totp_sealer: Callable[[int, str], str] | None = None,
) -> None:
    """Upgrade inside ``connection``'s open transaction (the caller commits).
    ``totp_sealer(account_id, secret)``: seals the TOTP secrets still in the clear
    (migration 0020; ``services.accounts.totp_keys.TotpKeys.sealer``)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    config.attributes["totp_sealer"] = totp_sealer
    command.upgrade(config, revision)
