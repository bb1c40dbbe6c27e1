"""``nightbridge backup --out FILE`` and the store half of ``nightbridge restore FILE``
(docs/deploy.md, "Backups and restore drills"; ``storage.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nightbridge.cli.context import CliState, state

PG_HINT = (
    "A PostgreSQL store is backed up with pg_dump and restored with pg_restore: "
    "scripts/pg-backup and scripts/pg-restore (docs/deploy.md)."
)


def _summary(rows: dict[str, int]) -> str:
    filled = sum(1 for n in rows.values() if n)
    return f"{len(rows)} tables ({filled} with rows), {sum(rows.values())} rows"


def restore_store(ctx: typer.Context, path: Path) -> None:
    """Restore a backup file made by ``nightbridge backup`` into a fresh home."""
    from nightbridge.storage.backup import restore_sqlite
    from nightbridge.storage.schema import StoreRefused

    st = state(ctx)
    if st.uses_postgres:
        raise StoreRefused(f"nothing was restored. {PG_HINT}")
    copied = restore_sqlite(path, st.home_dir)
    typer.echo(f"Restored {_summary(copied.rows)} from {path} into {st.home_dir}.")
    database = st.database(check=False)
    try:
        from nightbridge.services.accounts.totp_keys import TotpKeys
        from nightbridge.storage.schema import migrate

        before, after = migrate(database, totp_sealer=TotpKeys.of(st.settings()).sealer())
    finally:
        database.dispose()
    if before.revision != after.revision:
        typer.echo(
            f"Migrated the restored store from schema {before.revision} to {after.revision}."
        )
    _remind_key_file(st, restored=True)


def _remind_key_file(st: CliState, *, restored: bool) -> None:
    """The TOTP key file is never inside the backup (it must not travel with the data
    it protects): say where it must be kept, or put back."""
    from nightbridge.services.accounts.totp_keys import TotpKeys
    from nightbridge.storage.repositories.accounts import AccountRepository

    keys = TotpKeys.of(st.settings())
    database = st.database(check=False)
    try:
        with database.reader() as session:
            sealed = AccountRepository(session).any_totp_secret()
    finally:
        database.dispose()
    if not sealed:
        return
    if restored and not keys.exists():
        typer.echo(
            "The restored store holds two-step login secrets, sealed with a TOTP key file "
            f"that is not in the backup. Copy the key file backed up with it to {keys.path} "
            "(mode 0600) before serving, or those accounts cannot log in."
        )
    elif not restored:
        typer.echo(
            f"Two-step login secrets in it are sealed with the key file {keys.path}, which "
            "is not in the backup: keep a copy of that file with your backups, stored apart "
            "from them."
        )


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup(
        ctx: typer.Context,
        out: Annotated[Path, typer.Option("--out", help="The backup file to write (a new file).")],
    ) -> None:
        """Copy the whole SQLite store to FILE, safely while `serve` runs (checked first)."""
        from nightbridge.storage.backup import backup_sqlite
        from nightbridge.storage.database import SQLITE_FILENAME
        from nightbridge.storage.schema import StoreRefused

        st = state(ctx)
        if st.uses_postgres:
            raise StoreRefused(f"no backup was written. {PG_HINT}")
        copied = backup_sqlite(st.home_dir / SQLITE_FILENAME, out)
        typer.echo(
            f"Backed up {_summary(copied.rows)} (schema {copied.revision}) to {out}. "
            "Restore it with: nightbridge --home NEW_FOLDER restore " + str(out)
        )
        _remind_key_file(st, restored=False)
