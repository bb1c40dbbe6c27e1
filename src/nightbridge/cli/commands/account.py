"""``nightbridge account reset-password``: recovery by whoever holds the store.

A self-hosting person who forgets their password resets it here, on the machine that
holds the store (``services.accounts.recovery`` says why that grants nothing new). The
new password is asked twice without echo, or read from standard input with
``--password-stdin`` (one line), never taken as an argument: arguments end up in shell
history and in the process list.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from nightbridge.cli.context import state

account_app = typer.Typer(help="Accounts on this store.", no_args_is_help=True)


@account_app.command("reset-password")
def reset_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account's username.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the new password from standard input."),
    ] = False,
) -> None:
    """Set a new password for USERNAME; every session of the account ends."""
    from nightbridge.services.accounts.recovery import reset_password_on_host

    if password_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        new = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    st = state(ctx)
    account = reset_password_on_host(st.database(), st.settings().auth, username, new)
    typer.echo(
        f"The password of {account.username} is changed; every session of the account "
        "has ended. It is written in the account's activity."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(account_app, name="account")
