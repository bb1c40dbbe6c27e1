"""``nightbridge account reset-password`` (recovery by whoever holds the store) and
``nightbridge account rotate-totp-key`` (a new key for the sealed TOTP secrets).

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


@account_app.command("rotate-totp-key")
def rotate_totp_key(ctx: typer.Context) -> None:
    """Seal every two-step login secret with a new key (NIGHTBRIDGE_TOTP_KEY_FILE)."""
    from nightbridge.services.accounts.totp_keys import TotpKeys, rotate_key

    st = state(ctx)
    keys = TotpKeys.of(st.settings())
    key_id, count = rotate_key(st.database(), keys)
    typer.echo(
        f"The TOTP key file {keys.path} now holds only the new key {key_id}; {count} "
        "two-step secrets were sealed again with it. Back up the new key file now, and "
        "keep the old one with the backups made before (they need it)."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(account_app, name="account")
