"""``nightbridge checkin add --date D [--symptom NAME=0..4]... [--flag NAME]...
[--function 1..5] [--self-harm-thoughts yes|no] [--phq9 ANSWERS] [--gad7 ANSWERS]``."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state
from nightbridge.i18n import gettext as _

checkin_app = typer.Typer(help="The daily check-in.", no_args_is_help=True)


def parse_symptoms(values: list[str]) -> dict[str, int]:
    """``NAME=0..4`` pairs; InvalidInput naming ``symptom`` when malformed."""
    from nightbridge.core.errors import InvalidInput

    found: dict[str, int] = {}
    for value in values:
        name, sep, score = value.partition("=")
        if not sep or not name.strip():
            raise InvalidInput.one("symptom", f"{value!r} is not NAME=SCORE (e.g. aches=2)")
        try:
            found[name.strip()] = int(score.strip())
        except ValueError:
            raise InvalidInput.one(
                f"symptom {name.strip()}", f"{score.strip()!r} is not 0..4"
            ) from None
    return found


def parse_yes_no(text: str | None) -> bool | None:
    from nightbridge.core.errors import InvalidInput

    if text is None:
        return None
    key = text.strip().lower()
    if key in ("yes", "y", "true"):
        return True
    if key in ("no", "n", "false"):
        return False
    raise InvalidInput.one("self-harm-thoughts", f"{text!r} is not yes or no")


@checkin_app.command("add")
def add(
    ctx: typer.Context,
    date: Annotated[str, typer.Option("--date", help="The day this check-in is for (YYYY-MM-DD).")],
    symptom: Annotated[
        list[str] | None, typer.Option("--symptom", help="NAME=0..4 (0 none ... 4 extreme).")
    ] = None,
    flag: Annotated[
        list[str] | None, typer.Option("--flag", help="A red flag, e.g. chest_pain.")
    ] = None,
    function: Annotated[
        int | None, typer.Option("--function", help="How well you managed today, 1..5.")
    ] = None,
    self_harm_thoughts: Annotated[
        str | None,
        typer.Option("--self-harm-thoughts", help="Any thoughts of ending your life? yes or no."),
    ] = None,
    phq9: Annotated[str | None, typer.Option("--phq9", help="PHQ-9 answers, 9 x 0..3.")] = None,
    gad7: Annotated[str | None, typer.Option("--gad7", help="GAD-7 answers, 7 x 0..3.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Record the day's check-in; any alert it raises is shown at once."""
    from nightbridge.cli.commands.alerts import alerts_json, parse_answers, print_alerts
    from nightbridge.cli.commands.diary import parse_day
    from nightbridge.cli.output import console, print_json
    from nightbridge.services.recovery.checkins import record_checkin

    st = state(ctx)
    day = parse_day(date, "date")
    assert day is not None  # --date is required by the option itself
    symptoms = parse_symptoms(symptom or [])
    harm = parse_yes_no(self_harm_thoughts)
    phq9_answers = parse_answers(phq9, "phq9") if phq9 is not None else None
    gad7_answers = parse_answers(gad7, "gad7") if gad7 is not None else None
    person = st.owner_id()
    profile = st.profile()
    result = record_checkin(
        st.database(),
        person,
        day,
        symptoms=symptoms,
        flags=flag or [],
        function=function,
        self_harm_thoughts=harm,
        phq9=phq9_answers,
        gad7=gad7_answers,
        tz=profile.tz,
    )
    if as_json:
        print_json({"checkin": result.checkin.to_dict(), "alerts": alerts_json(result.alerts)})
        return
    out = console()
    stored = result.checkin
    score = stored.withdrawal_score
    summary = _("Check-in for %(date)s saved.") % {"date": day.isoformat()}
    if score is not None:
        summary += " " + _(
            "Withdrawal symptoms %(score)s of 68 (%(band)s; Nightbridge's own diary, "
            "not validated)."
        ) % {"score": score, "band": stored.withdrawal_band}
    out.print(summary, markup=False)
    print_alerts(result.alerts, empty=None)


def register(app: typer.Typer) -> None:
    app.add_typer(checkin_app, name="checkin")
