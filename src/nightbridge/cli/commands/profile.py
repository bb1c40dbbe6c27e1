"""``nightbridge profile set | show``: the person's settings (docs/cli.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nightbridge.cli.context import state

if TYPE_CHECKING:
    from nightbridge.core.profile import Profile

profile_app = typer.Typer(help="The person's settings.", no_args_is_help=True)


@profile_app.command("set")
def set_(
    ctx: typer.Context,
    region: Annotated[
        str | None,
        typer.Option(
            help="Where you are, for crisis lines: US, CA, UK, IE, AU, NZ, DE, FR, ES, IT or NL "
            "(the regions of content/crisis_resources.json).",
        ),
    ] = None,
    condition: Annotated[
        list[str] | None,
        typer.Option(
            "--condition",
            help="A condition that applies (repeat for several; replaces the list and "
            "answers the safety questions; no sleep window until they are answered): "
            "bipolar, psychosis, "
            "seizures, sleep_apnea_untreated, parasomnia, fall_risk, pregnancy, "
            "unstable_illness, liver_disease.",
        ),
    ] = None,
    clear_conditions: Annotated[
        bool,
        typer.Option(
            "--clear-conditions",
            help="None of these: answers the safety questions with no condition.",
        ),
    ] = False,
    safety_critical_job: Annotated[
        bool | None,
        typer.Option(
            "--safety-critical-job/--no-safety-critical-job",
            help="A job or daily task where sleepiness is dangerous (driving, machinery).",
        ),
    ] = None,
    floor_min: Annotated[
        int | None, typer.Option("--floor-min", help="Shortest sleep window, minutes.")
    ] = None,
    raise_at_pct: Annotated[
        float | None, typer.Option("--raise-at-pct", help="Lengthen the window at SE >= this.")
    ] = None,
    lower_at_pct: Annotated[
        float | None, typer.Option("--lower-at-pct", help="Shorten the window at SE < this.")
    ] = None,
    step_min: Annotated[
        int | None, typer.Option("--step-min", help="Window change per week, minutes.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
) -> None:
    """Change the settings; --tz (global) sets the time zone. Prints the profile."""
    from nightbridge.services.sleep.profile import update_profile

    st = state(ctx)
    conditions: list[str] | None = [] if clear_conditions else condition
    profile = update_profile(
        st.database(),
        st.owner_id(),
        tz=st.tz_override,
        region=region,
        conditions=conditions,
        safety_critical_job=safety_critical_job,
        floor_min=floor_min,
        raise_at_pct=raise_at_pct,
        lower_at_pct=lower_at_pct,
        step_min=step_min,
    )
    _show(profile, as_json)


@profile_app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
) -> None:
    """Print the settings."""
    from nightbridge.services.sleep.profile import get_profile

    st = state(ctx)
    _show(get_profile(st.database(), st.owner_id()), as_json)


def _show(profile: Profile, as_json: bool) -> None:
    from nightbridge.cli.output import print_json
    from nightbridge.services.sleep.profile import profile_dict

    doc = profile_dict(profile)
    if as_json:
        print_json(doc)
        return
    for key, value in doc.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        typer.echo(f"{key}: {shown if shown != '' else '-'}")


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")
