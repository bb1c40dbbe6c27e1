"""``nightbridge demo [--days 42]``: fill the store with the demo people and print their
logins (the same data ``nightbridge serve --demo`` shows). Safe to repeat."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state


def load_and_print(
    ctx: typer.Context, days: int, *, as_json: bool = False, people: int | None = None
) -> None:
    """Load the demo (once) with a progress bar, then print the logins."""
    import sys

    from rich.console import Console
    from rich.progress import Progress

    from nightbridge.cli.output import print_json
    from nightbridge.services.accounts.totp_keys import TotpKeys
    from nightbridge.services.demo.demo import DEMO_CASELOAD, load_demo

    extra = DEMO_CASELOAD if people is None else people
    st = state(ctx)
    database = st.database()
    st.owner_id()
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("Loading the demo", total=days + 1 + extra)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        keys = TotpKeys.of(st.settings())
        logins = load_demo(database, days=days, keys=keys, progress=advance, caseload=extra)
    if as_json:
        print_json(logins.to_dict())
        return
    if not logins.loaded:
        typer.echo("The demo was already loaded; nothing was added.")
    for line in logins.lines(python=sys.executable):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        ctx: typer.Context,
        days: Annotated[
            int, typer.Option(min=14, max=366, help="Days of demo data, ending today.")
        ] = 42,
        as_json: Annotated[bool, typer.Option("--json", help="Print the logins as JSON.")] = False,
        people: Annotated[
            int,
            typer.Option(
                min=0, max=500, help="Invented people added to Dr. Lee's caseload (default 48)."
            ),
        ] = 48,
    ) -> None:
        """Fill the store with the demo person and clinician and print their logins."""
        load_and_print(ctx, days, as_json=as_json, people=people)
