"""``nightbridge migrate``: bring the store to this version's schema, once, under the lock.

Commands and servers only check the schema version (``storage.schema``); an older store
is upgraded here, after a backup, before the workers restart (docs/deploy.md).
"""

from __future__ import annotations

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate(ctx: typer.Context) -> None:
        """Upgrade the store to this version's schema (safe to repeat; back up first)."""
        from nightbridge.services.accounts.totp_keys import TotpKeys
        from nightbridge.storage.integrity import quick_check
        from nightbridge.storage.schema import describe, migrate

        st = state(ctx)
        database = st.database(check=False)
        try:
            quick_check(database)
            sealer = TotpKeys.of(st.settings()).sealer()
            before, after = migrate(database, totp_sealer=sealer)
            where = describe(database)
        finally:
            database.dispose()
        if before.revision == after.revision:
            typer.echo(f"{where[0].upper()}{where[1:]} is up to date (schema {after.revision}).")
        else:
            was = before.revision or "empty"
            typer.echo(
                f"{where[0].upper()}{where[1:]} migrated from schema {was} to {after.revision}."
            )
