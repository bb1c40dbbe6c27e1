"""The ``nightbridge`` command: the contract in docs/cli.md.

``--home``, ``--tz`` and ``--lang`` (cli/language.py) are accepted before the command name
and after it (``nightbridge metrics d.csv --tz Europe/Berlin``): ``hoist_global_options``
moves them in front before Typer parses. Command modules are registered by name in
``COMMAND_MODULES`` (a listed name without its module is an error); each has
``register(app)`` and imports its heavy dependencies inside the command, so
``nightbridge --help`` starts fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from nightbridge.cli import helptext
from nightbridge.cli.context import CliState
from nightbridge.cli.language import check_lang, choose_locale

#: Modules under nightbridge.cli.commands, each exposing ``register(app: typer.Typer)``.
COMMAND_MODULES: tuple[str, ...] = (
    "init",
    "profile",
    "metrics",
    "diary",
    "window",
    "score",
    "intake",
    "checkin",
    "alerts",
    "taper",
    "imports",
    "nights",
    "report",
    "export",
    "serve",
    "demo",
    "migrate",
    "backup",
    "account",
    "clinic",
    "summaries",
    "notify",
)

GLOBAL_OPTIONS = ("--home", "--tz", "--lang")

helptext.install()

app = typer.Typer(
    name="nightbridge",
    help="Nightbridge: a local-first sleep and recovery companion.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"nightbridge {version('nightbridge')}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="NIGHTBRIDGE_HOME",
            help="Folder of the person's SQLite store (default: $NIGHTBRIDGE_HOME, "
            "else the user data folder). NIGHTBRIDGE_DATABASE_URL selects PostgreSQL; "
            "every setting: docs/settings.md.",
        ),
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="IANA time zone; overrides the profile's.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=check_lang,
            help="Language of the messages: en or es (default: from LANG; docs/i18n.md).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = CliState(home=home, tz_override=tz)


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move ``--home X`` / ``--tz X`` (or ``--home=X``) to the front of ``argv``."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            elif i + 1 < len(argv):
                front.extend(argv[i : i + 2])
                i += 1
            else:
                rest.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"nightbridge.cli.commands.{name}").register(app)


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    from nightbridge.cli.errors import run_app

    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    choose_locale(args)
    run_app(app, args)
