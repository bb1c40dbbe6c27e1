"""``nightbridge summaries rebuild``: recompute every person's summary (the clinician's
list reads them; every write keeps them current, so this is for repair and checks)."""

from __future__ import annotations

import typer

from nightbridge.cli.context import state

summaries_app = typer.Typer(
    help="The per-person summaries the clinician's list reads.", no_args_is_help=True
)


@summaries_app.command("rebuild")
def rebuild(ctx: typer.Context) -> None:
    """Recompute every person's summary from their data, in one transaction."""
    from nightbridge.services.clinic.summaries import rebuild_summaries

    count = rebuild_summaries(state(ctx).database())
    typer.echo(f"Rebuilt the summaries of {count} {'person' if count == 1 else 'people'}.")


def register(app: typer.Typer) -> None:
    app.add_typer(summaries_app, name="summaries")
