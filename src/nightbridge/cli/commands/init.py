"""``nightbridge init``: create the store in --home (safe to repeat)."""

from __future__ import annotations

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(ctx: typer.Context) -> None:
        """Create the store in --home (safe to repeat)."""
        st = state(ctx)
        st.database()
        st.owner_id()
        where = "the PostgreSQL database" if st.uses_postgres else str(st.home_dir)
        typer.echo(f"Nightbridge store ready in {where}.")
