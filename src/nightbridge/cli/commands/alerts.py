"""``nightbridge alerts [--date D] [--json]``: the safety alerts in force on a date.

Also the shared printing of alerts for ``score``, ``intake add`` and ``checkin add``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nightbridge.cli.context import state

if TYPE_CHECKING:
    from nightbridge.core.alerts import Alert

_STYLE = {
    "emergency": "bold white on red",
    "crisis": "bold red",
    "urgent": "bold yellow",
    "advise": "bold cyan",
}
_WHAT = {
    "emergency": "call the emergency number now",
    "crisis": "contact a crisis line now",
    "urgent": "contact a clinician today",
    "advise": "raise it at the next contact",
}


def parse_answers(text: str, field: str) -> list[int]:
    """Comma-separated whole numbers (``1,0,2``); InvalidInput naming ``field``."""
    from nightbridge.core.errors import InvalidInput

    parts = [p.strip() for p in text.split(",")]
    values: list[int] = []
    for number, part in enumerate(parts, start=1):
        try:
            values.append(int(part))
        except ValueError:
            raise InvalidInput.one(
                field, f"answer {number} ({part!r}) is not a whole number"
            ) from None
    return values


def print_alerts(alerts: Sequence[Alert], *, empty: str | None = "No alerts.") -> None:
    """Each alert: level and what it means, the message, actions and where to get help."""
    from nightbridge.cli.output import console

    out = console()
    if not alerts:
        if empty:
            out.print(empty)
        return
    from nightbridge.core.wording import alert_title, level_name

    for alert in alerts:
        out.print(
            f"[{_STYLE[alert.level]}]{level_name(alert.level).upper()}[/] "
            f"({_WHAT[alert.level]}) [dim]{alert.date.isoformat()} "
            f"{alert_title(alert.code)}[/dim]"
        )
        out.print(f"  {alert.message}", markup=False)
        for action in alert.actions:
            out.print(f"  - {action}", markup=False)
        if alert.resources:
            lines = "; ".join(f"{r.name}: {r.reach}" for r in alert.resources)
            out.print(f"  Help: {lines}", markup=False)


def alerts_json(alerts: Sequence[Alert]) -> list[dict[str, Any]]:
    return [a.to_dict() for a in alerts]


def register(app: typer.Typer) -> None:
    @app.command("alerts")
    def alerts(
        ctx: typer.Context,
        date: Annotated[
            str | None, typer.Option("--date", help="The date (default: today, your zone).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    ) -> None:
        """The safety alerts in force on a date, most urgent first."""
        from zoneinfo import ZoneInfo

        from nightbridge.cli.commands.diary import parse_day
        from nightbridge.cli.output import print_json
        from nightbridge.services.recovery.safety import alerts_for

        st = state(ctx)
        day = parse_day(date, "date")
        person = st.owner_id()
        profile = st.profile()
        if day is None:
            day = dt.datetime.now(ZoneInfo(profile.tz)).date()
        found = alerts_for(st.database(), person, day, tz=profile.tz)
        if as_json:
            print_json(alerts_json(found))
        else:
            print_alerts(found, empty=f"No alerts on {day.isoformat()}.")
