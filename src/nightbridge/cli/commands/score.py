"""``nightbridge score INSTRUMENT ANSWERS [--json]``: score a questionnaire (nothing stored)."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("score")
    def score(
        ctx: typer.Context,
        instrument: Annotated[
            str, typer.Argument(help="phq9, gad7, cows (clinician), withdrawal, isi (total).")
        ],
        answers: Annotated[
            str, typer.Argument(help="Comma-separated item scores, e.g. 1,0,2,3,1,0,0,1,0.")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    ) -> None:
        """Score a questionnaire: total, band, and any safety alert its answers raise."""
        import datetime as dt
        from zoneinfo import ZoneInfo

        from nightbridge.cli.commands.alerts import alerts_json, parse_answers, print_alerts
        from nightbridge.cli.output import console, print_json
        from nightbridge.core.instruments import get_instrument
        from nightbridge.core.resources import with_resources
        from nightbridge.services.recovery.safety import region_resources
        from nightbridge.storage.database import SQLITE_FILENAME

        st = state(ctx)
        found = get_instrument(instrument)
        values = parse_answers(answers, "answers")
        # The person's region and zone when a store exists; no store is created for scoring,
        # and without one no region is assumed (the international lines are shown).
        region, zone = None, st.zone()
        if st.uses_postgres or (st.home_dir / SQLITE_FILENAME).exists():
            profile = st.profile()
            region, zone = profile.region, profile.tz
        day = dt.datetime.now(ZoneInfo(zone)).date()
        resources = region_resources(region)
        result = found.score(values, on=day, resources=resources.for_level("crisis"))
        alerts = [with_resources(a, resources) for a in result.alerts]
        if as_json:
            print_json(
                {
                    "instrument": result.instrument,
                    "total": result.total,
                    "band": result.band,
                    "items": list(result.items),
                    "validated": found.validated,
                    "alerts": alerts_json(alerts),
                }
            )
            return
        out = console()
        out.print(f"[bold]{found.title}[/bold]: total {result.total}, band {result.band}")
        if not found.validated:
            out.print("Nightbridge's own diary: not a validated scale.")
        print_alerts(alerts, empty=None)
