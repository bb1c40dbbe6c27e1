"""``nightbridge taper --start AMOUNT --unit U --step-pct P --every-days N [--from D]
[--min-step AMOUNT] [--json]``: a taper schedule someone set (never a suggested dose,
never a default pace); ``--save`` stores it (nothing when it is the schedule in force;
a raise of today's target needs ``--confirm``); ``--history`` lists the changes."""

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


#: The option each refused setting was given with (errors name the question asked).
OPTIONS = {
    "start_amount": "--start",
    "unit": "--unit",
    "step_pct": "--step-pct",
    "every_days": "--every-days",
    "start": "--from",
    "min_step": "--min-step",
    "hold": "--hold",
    "substance": "--substance",
    "confirm_raise": "--confirm",
    "taper": "--save",
}


def as_options(exc):  # type: ignore[no-untyped-def]
    """The same refusal, each problem named by its option (``--step-pct``)."""
    from nightbridge.core.errors import InvalidInput, Problem

    return InvalidInput(
        Problem(OPTIONS.get(p.field, p.field), p.reason, p.row) for p in exc.problems
    )


def print_history(ctx: typer.Context, as_json: bool) -> None:
    from nightbridge.cli.output import console, print_json
    from nightbridge.services.recovery.taper import taper_history

    st = state(ctx)
    changes = taper_history(st.database(), st.owner_id())
    if as_json:
        print_json([c.to_dict() for c in changes])
        return
    out = console()
    if not changes:
        out.print("No taper saved yet.")
        return
    for change in changes:
        out.print(
            f"{change.at:%Y-%m-%d %H:%M} UTC, {change.what().lower()} by "
            f"{change.who('person')}"
            + (" (a raise of today's target, confirmed)" if change.raise_confirmed else ""),
            markup=False,
        )
        if change.before is not None:
            out.print(f"  from: {change.before}", markup=False)
        out.print(f"  to:   {change.after}", markup=False)


def register(app: typer.Typer) -> None:
    @app.command("taper")
    def taper(
        ctx: typer.Context,
        start: Annotated[
            str | None, typer.Option("--start", help="The amount now, per day (you set it).")
        ] = None,
        unit: Annotated[str, typer.Option("--unit", help="Unit of the amount, e.g. g or mg.")] = "",
        step_pct: Annotated[
            str | None,
            typer.Option("--step-pct", help="Percent cut per step, up to 25 (you set it)."),
        ] = None,
        every_days: Annotated[
            int | None, typer.Option("--every-days", help="Days per step (you set it).")
        ] = None,
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
        confirm: Annotated[
            bool,
            typer.Option(
                "--confirm",
                help="With --save: yes, raise today's target above the step in force.",
            ),
        ] = False,
        history: Annotated[
            bool,
            typer.Option(
                "--history", help="List the changes of your saved taper (who, when, what)."
            ),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    ) -> None:
        """A dated taper schedule from the settings you (or your clinician) chose."""
        from nightbridge.core.errors import InvalidInput

        if history:
            print_history(ctx, as_json)
            return
        try:
            _taper(
                ctx, start, unit, step_pct, every_days, from_, min_step, hold,
                clinician_override, substance, save, confirm, as_json,
            )  # fmt: skip
        except InvalidInput as exc:
            raise as_options(exc) from None


def _taper(  # type: ignore[no-untyped-def]
    ctx, start, unit, step_pct, every_days, from_, min_step, hold,
    clinician_override, substance, save, confirm, as_json,
) -> None:  # fmt: skip
    """The schedule (and with ``save``, the stored change) for ``taper``."""
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
    changed = True
    if save:
        from nightbridge.services.recovery.taper import set_taper

        person = st.owner_id()
        profile = st.profile()
        today = dt.datetime.now(ZoneInfo(profile.tz)).date()
        saved = set_taper(
            st.database(),
            person,
            start=first or today,
            confirm_raise=confirm,
            today=today,
            **settings,  # type: ignore[arg-type]
        )
        plan, changed = saved.plan, saved.changed
    else:
        day = first or dt.datetime.now(ZoneInfo(st.zone())).date()
        plan = build_taper(start=day, **settings)  # type: ignore[arg-type]
    if as_json:
        print_json({**plan.to_dict(), **({"saved": changed} if save else {})})
        return
    from rich.table import Table

    out = console()
    table = Table(title=f"Taper of {plan.substance}: {plan.step_pct}% every {plan.every_days} days")
    table.add_column("step", justify="right")
    table.add_column("from")
    table.add_column("amount per day", justify="right")
    for step in plan.steps:
        held = f" (held {step.held_days} more days)" if step.held_days else ""
        table.add_row(str(step.number), step.date.isoformat(), f"{step.amount} {step.unit}{held}")
    out.print(table)
    out.print("You can always hold a step longer. " + plan.end_warning, markup=False)
    if save:
        out.print(
            "Saved as your taper."
            if changed
            else "Nothing changed: this is the schedule in force, so nothing was stored."
        )
