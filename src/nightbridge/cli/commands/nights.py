"""``nightbridge nights``: device nights from imported exports (definitions.md section 7).

One row per main sleep per source and date, oldest first; ``chosen`` marks the source
that speaks for the night. ``--json`` prints the list of docs/cli.md.
"""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("nights")
    def nights_command(
        ctx: typer.Context,
        source: Annotated[
            str | None, typer.Option("--source", help="Only this source's nights.")
        ] = None,
        start: Annotated[
            str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")
        ] = None,
        end: Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Device nights (main sleeps), oldest first."""
        from nightbridge.cli.commands.diary import parse_day
        from nightbridge.cli.output import console, print_json
        from nightbridge.core.errors import InvalidInput
        from nightbridge.services.devices.devices import device_nights

        first = parse_day(start, "from")
        last = parse_day(end, "to")
        if first and last and last < first:
            raise InvalidInput.one("to", "is before --from")
        st = state(ctx)
        nights = device_nights(st.database(), st.owner_id(), source=source, start=first, end=last)
        if as_json:
            print_json([n.to_dict() for n in nights])
            return
        out = console()
        if not nights:
            out.print("No device nights. Import an export with `nightbridge import`.")
            return
        from rich.markup import escape
        from rich.table import Table

        table = Table(title="Device nights")
        for header in ("date", "source", "chosen", "TIB", "TST", "SOL", "WASO", "SE %"):
            left = header in ("date", "source")
            table.add_column(header, justify="left" if left else "right", no_wrap=left)
        for stage in ("light", "deep", "REM"):
            table.add_column(stage, justify="right")
        for n in nights:
            table.add_row(
                n.date.isoformat(),
                escape(n.source),
                "yes" if n.chosen else "",
                f"{n.tib_min}*" if n.in_bed_source else str(n.tib_min),
                str(n.tst_min),
                "-" if n.session_only else str(n.sol_min),
                str(n.waso_min),
                "- (session)" if n.session_only else f"{n.se_pct:.1f}",
                *(str(n.stages[s]) if s in n.stages else "" for s in ("light", "deep", "rem")),
            )
        out.print(table)
        out.print(
            "Minutes: TIB in bed, TST asleep, SOL to fall asleep, WASO awake after falling "
            "asleep. One source speaks for each night (stages first, then most asleep)."
        )
        borrowed = sorted({f"{n.source} <- {n.in_bed_source}" for n in nights if n.in_bed_source})
        if borrowed:
            out.print(
                "* In bed (and so SOL and SE) from another source's in-bed record: "
                + escape("; ".join(borrowed))
                + "."
            )
        if any(n.session_only for n in nights):
            out.print(
                "- (session): this source gave only its sleep session, not time in bed: the "
                "figure is the session, so SOL and SE are not known for that night."
            )
