"""``nightbridge intake add SUBSTANCE AMOUNT UNIT [--at DATETIME]``: log intake.

Nightbridge logs what was taken; it never suggests an amount.
"""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state

intake_app = typer.Typer(
    help="The intake log (substance, amount, unit, time).", no_args_is_help=True
)


def parse_at(text: str | None, zone: str):  # type: ignore[no-untyped-def]
    """``--at``: an ISO datetime (with or without offset), ``YYYY-MM-DD HH:MM``, or
    ``HH:MM`` (today); a time without an offset is in ``zone``. None -> now."""
    import datetime as dt
    import re
    from zoneinfo import ZoneInfo

    from nightbridge.core.errors import InvalidInput

    if text is None:
        return None
    raw = text.strip()
    tz = ZoneInfo(zone)
    if re.fullmatch(r"\d{1,2}:\d{2}", raw):
        hours, minutes = (int(p) for p in raw.split(":"))
        if hours > 23 or minutes > 59:
            raise InvalidInput.one("at", f"{text!r} is not a clock time")
        today = dt.datetime.now(tz).date()
        return dt.datetime.combine(today, dt.time(hours, minutes), tzinfo=tz)
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.one(
            "at", f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM, or HH:MM for today)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


@intake_app.command("add")
def add(
    ctx: typer.Context,
    substance: Annotated[str, typer.Argument(help="What was taken, e.g. kratom, beer, zolpidem.")],
    amount: Annotated[str, typer.Argument(help="How much (a number greater than 0).")],
    unit: Annotated[str, typer.Argument(help="g, mg, ml, drinks, cups, capsules or pills.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When (YYYY-MM-DDTHH:MM, or HH:MM today; default now)."),
    ] = None,
    product: Annotated[str | None, typer.Option(help="Product or brand.")] = None,
    strain: Annotated[str | None, typer.Option(help="Strain (kratom).")] = None,
    batch: Annotated[str | None, typer.Option(help="Batch or lot number.")] = None,
    lab_tested: Annotated[
        bool | None, typer.Option("--lab-tested/--not-lab-tested", help="Was the batch lab-tested?")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Log one intake; warns at once about risky combinations that day."""
    from nightbridge.cli.commands.alerts import alerts_json, print_alerts
    from nightbridge.cli.output import console, print_json
    from nightbridge.services.recovery.intake import log_intake

    st = state(ctx)
    person = st.owner_id()
    profile = st.profile()
    result = log_intake(
        st.database(),
        person,
        substance,
        amount,
        unit,
        parse_at(at, profile.tz),
        product=product,
        strain=strain,
        batch=batch,
        lab_tested=lab_tested,
        note=note,
        tz=profile.tz,
    )
    if as_json:
        print_json(
            {
                "event": result.event.to_dict(),
                "date": result.local_date.isoformat(),
                "interactions": [i.to_dict() for i in result.interactions],
                "alerts": alerts_json(result.alerts),
            }
        )
        return
    out = console()
    event = result.event
    out.print(
        f"Logged {event.substance} {event.amount:g} {event.unit} on "
        f"{result.local_date.isoformat()} ({event.substance_class}).",
        markup=False,
    )
    for interaction in result.interactions:
        if interaction.severity == "caution":
            out.print(f"Caution: {interaction.why} ({interaction.source})", markup=False)
    print_alerts(result.alerts, empty=None)


def register(app: typer.Typer) -> None:
    app.add_typer(intake_app, name="intake")
