"""``nightbridge notify send [--once]``: email the notices waiting in the outbox (the
clinic's on-call address; docs/notifications.md). ``serve`` sends them itself unless
``NIGHTBRIDGE_SMTP_IN_SERVE=0``; this is for cron or a service of its own."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state

notify_app = typer.Typer(
    help="Emails to the clinic's on-call address (docs/notifications.md).",
    no_args_is_help=True,
)


@notify_app.command("send")
def send(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for cron).")] = False,
) -> None:
    """Send the due notices (retrying failed ones when their time comes); without
    --once, keep looking every 10 seconds until stopped."""
    import threading

    from nightbridge.core.errors import InvalidInput
    from nightbridge.services.notifications.worker import POLL, run_once

    st = state(ctx)
    settings = st.settings()
    if not settings.smtp.enabled:
        raise InvalidInput.one(
            "NIGHTBRIDGE_SMTP_HOST", "is not set: there is no mail relay to send through"
        )
    db = st.database()
    stop = threading.Event()
    while True:
        report = run_once(db, settings)
        if once or report.claimed or report.errors:
            emails = "email" if report.emails == 1 else "emails"
            notices = "notice" if report.sent == 1 else "notices"
            line = f"Sent {report.emails} {emails} ({report.sent} {notices})."
            if report.retrying:
                line += f" {report.retrying} will be tried again later."
            if report.failed:
                line += f" {report.failed} given up after the last attempt."
            if report.unrouted:
                line += f" {report.unrouted} had no on-call address."
            typer.echo(line)
        if once:
            return
        try:
            stop.wait(POLL.total_seconds())
        except KeyboardInterrupt:
            return


@notify_app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """How many notices are waiting, sent, given up (failed), had no on-call address
    (unrouted) or expired; and the last failure's kind of error. No address, no person."""
    import json

    from nightbridge.services.notifications.worker import outbox_status

    found = outbox_status(state(ctx).database())
    if as_json:
        typer.echo(json.dumps(found, sort_keys=True))
        return
    counts = found["counts"]
    typer.echo(", ".join(f"{counts.get(name, 0)} {name}" for name in STATUSES) + " notices.")
    if found["last_failure"]:
        last = found["last_failure"]
        typer.echo(f"Last given up: {last['at']} ({last['error']}).")


#: The states of a notice, in the order ``status`` prints them.
STATUSES = ("pending", "sent", "failed", "unrouted", "expired")


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
