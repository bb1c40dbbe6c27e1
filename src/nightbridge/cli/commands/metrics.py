"""``nightbridge metrics FILE.csv [--json]``: per-night metrics of a diary CSV; nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("metrics")
    def metrics(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="A diary CSV (docs/cli.md, Diary CSV).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    ) -> None:
        """Compute each night's metrics from a diary CSV (works without a store).

        Times are placed in --tz, else the machine's zone. A file with a bad row is
        refused whole: one line per problem on stderr, exit code 2.
        """
        from nightbridge.cli.commands.diary import open_input, print_nights
        from nightbridge.cli.output import print_json
        from nightbridge.services.sleep.diary import metrics_from_file

        zone = state(ctx).zone()
        with open_input(file) as handle:
            nights = metrics_from_file(handle, tz=zone)
        if as_json:
            print_json([n.to_dict() for n in nights])
        else:
            print_nights(nights, title=f"Diary nights ({zone})")
