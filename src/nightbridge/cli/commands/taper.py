"""``nightbridge taper --start AMOUNT --unit U --step-pct P --every-days N [--from D]
[--min-step AMOUNT] [--json]``: a taper schedule someone set (never a suggested dose)."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state


def parse_hold(text: str):  # type: ignore[no-untyped-def]
    """``STEP:DAYS`` -> Hold; InvalidInput naming ``hold``."""
    from nightbridge.core.errors import InvalidInput
    from nightbridge.core.taper import Hold

    step, _sep, days = text.partition(":")
    try:
        return Hold(int(step), int(days))
    except ValueError:
        raise InvalidInput.one("hold", f"{text!r} is not STEP:DAYS (e.g. 3:7)") from None


def register(app: typer.Typer) -> None:
    @app.command("taper")
    def taper(
        ctx: typer.Context,
        start: Annotated[
            str, typer.Option("--start", help="The amount now, per day (you set it).")
        ],
        unit: Annotated[str, typer.Option("--unit", help="Unit of the amount, e.g. g or mg.")],
        step_pct: Annotated[
            str, typer.Option("--step-pct", help="Percent cut per step (up to 25).")
        ] = "10",
        every_days: Annotated[int, typer.Option("--every-days", help="Days per step.")] = 7,
        from_: Annotated[
            str | None, typer.Option("--from", help="First day (default: today).")
        ] = None,
        min_step: Annotated[
            str | None, typer.Option("--min-step", help="Smallest cut (default 5% of start).")
        ] = None,
        hold: Annotated[
            list[str] | None, typer.Option("--hold", help="STEP:DAYS, keep a step longer.")
        ] = None,
        clinician_override: Annotated[
            bool,
            typer.Option("--clinician-override", help="A clinician allows steps above 25%."),
        ] = False,
        substance: Annotated[str, typer.Option("--substance", help="What is tapered.")] = "kratom",
        save: Annotated[bool, typer.Option("--save", help="Store it as your taper.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    ) -> None:
        """A dated taper schedule from the settings you (or your clinician) chose."""
        import datetime as dt
        from zoneinfo import ZoneInfo

        from nightbridge.cli.commands.diary import parse_day
        from nightbridge.cli.output import console, print_json
        from nightbridge.core.taper import build_taper

        st = state(ctx)
        first = parse_day(from_, "from")
        holds = [parse_hold(h) for h in hold or []]
        settings = {
            "start_amount": start,
            "unit": unit,
            "step_pct": step_pct,
            "every_days": every_days,
            "min_step": min_step,
            "holds": holds,
            "clinician_override": clinician_override,
            "substance": substance,
        }
        if save:
            from nightbridge.services.recovery.taper import set_taper

            person = st.owner_id()
            profile = st.profile()
            day = first or dt.datetime.now(ZoneInfo(profile.tz)).date()
            plan = set_taper(st.database(), person, start=day, **settings)  # type: ignore[arg-type]
        else:
            day = first or dt.datetime.now(ZoneInfo(st.zone())).date()
            plan = build_taper(start=day, **settings)  # type: ignore[arg-type]
        if as_json:
            print_json(plan.to_dict())
            return
        from rich.table import Table

        out = console()
        table = Table(
            title=f"Taper of {plan.substance}: {plan.step_pct}% every {plan.every_days} days"
        )
        table.add_column("step", justify="right")
        table.add_column("from")
        table.add_column("amount per day", justify="right")
        for step in plan.steps:
            held = f" (held {step.held_days} more days)" if step.held_days else ""
            table.add_row(
                str(step.number), step.date.isoformat(), f"{step.amount} {step.unit}{held}"
            )
        out.print(table)
        out.print("You can always hold a step longer. " + plan.end_warning, markup=False)
        if save:
            out.print("Saved as your taper.")
