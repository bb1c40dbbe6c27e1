"""``nightbridge window --rise HH:MM [--current MIN] [--date D] [--json] [--accept]`` (docs/cli.md).

``--rise`` and ``--current`` default to the plan in force (``services.sleep.window.current_plan``);
``--accept`` stores the answer as the plan in force (an extension of docs/cli.md).
"""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state

#: What ``window`` says until the restriction-safety screen is answered (exit 2).
SCREEN_HOWTO = (
    "no sleep window until the safety questions are answered: sleep restriction is not "
    "safe with some conditions. Answer with `nightbridge profile set --condition NAME` "
    "(repeat for each that applies: bipolar, psychosis, seizures, sleep_apnea_untreated, "
    "parasomnia, fall_risk, pregnancy, unstable_illness, liver_disease; add "
    "--safety-critical-job if sleepiness is dangerous in your work), or "
    "`nightbridge profile set --clear-conditions` for none of these"
)


def register(app: typer.Typer) -> None:
    @app.command("window")
    def window(
        ctx: typer.Context,
        rise: Annotated[
            str | None,
            typer.Option("--rise", help="Your fixed rise time, HH:MM (default: the one stored)."),
        ] = None,
        current: Annotated[
            int | None,
            typer.Option(
                "--current",
                help="The window in force, minutes (default: the one stored; omit to start).",
            ),
        ] = None,
        date: Annotated[
            str | None, typer.Option("--date", help="The morning to answer for (default today).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
        accept: Annotated[
            bool,
            typer.Option("--accept", help="Store this rise time and window as the plan in force."),
        ] = False,
    ) -> None:
        """The sleep window (CBT-I sleep restriction or compression) for the stored diary."""
        from nightbridge.cli.commands.diary import override_zone, parse_day
        from nightbridge.cli.output import console, print_json
        from nightbridge.core.errors import InvalidInput
        from nightbridge.services.sleep.diary import local_today
        from nightbridge.services.sleep.profile import ScreenNeeded
        from nightbridge.services.sleep.window import (
            accept_advice,
            parse_rise,
            sleep_window,
            withdrawal_for,
        )

        st = state(ctx)
        rise_time = parse_rise(rise) if rise is not None else None
        on = parse_day(date, "date")
        person = st.owner_id()
        db = st.database()
        zone = override_zone(ctx)
        try:
            advice = sleep_window(
                db,
                person,
                rise=rise_time,
                current=current,
                on=on,
                withdrawal=withdrawal_for(db, person, on, tz=zone),
                tz=zone,
            )
        except ScreenNeeded:
            raise InvalidInput.one("screen", SCREEN_HOWTO) from None
        plan = (
            accept_advice(
                db, person, advice, by="person", on=on or (local_today(zone) if zone else None)
            )
            if accept
            else None
        )
        if as_json:
            doc = advice.to_dict()
            if plan is not None:
                doc["plan"] = plan.to_dict()
            print_json(doc)
            return
        from nightbridge.core.wording import action_words

        out = console()
        doc = advice.to_dict()
        if advice.action == "collect":
            out.print(f"[bold]Keep the diary[/bold]: {advice.nights_needed} more nights needed.")
        elif advice.window_min is None:
            out.print(f"[bold]{action_words(advice.action).capitalize()}[/bold].")
        else:
            out.print(
                f"[bold]{action_words(advice.action).capitalize()}[/bold]: "
                f"{advice.window_min} min in bed, bed at {doc['bedtime']}, up at {doc['rise']}."
            )
        out.print(
            f"Used {advice.nights_used} nights: mean sleep {advice.mean_tst_min} min, "
            f"pooled sleep efficiency {advice.pooled_se_pct} %."
        )
        for reason in advice.reasons:
            out.print(f"- {reason}", markup=False)
        if plan is not None:
            what = (
                f"window {plan.window_min} min, bed at {plan.bedtime:%H:%M}"
                if plan.bedtime is not None
                else "no window yet"
            )
            out.print(
                f"Stored as your plan from {plan.set_on.isoformat()}: up at "
                f"{plan.rise:%H:%M}, {what}.",
                markup=False,
            )
