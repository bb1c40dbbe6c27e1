"""Turning errors into exit codes and plain messages (docs/cli.md).

0 success; 2 the input was refused (one line per problem on stderr; nothing stored);
1 anything else. An unexpected error is named by its kind only (``OperationalError``):
its message may hold the values that caused it, health data included
(``nightbridge.logsafe``); a damaged SQLite store is named as such
(``storage.integrity``). The full traceback is shown only with ``NIGHTBRIDGE_DEBUG=1``.
"""

from __future__ import annotations

import sys
import traceback

import click
import typer

from nightbridge.core.errors import InvalidInput, NightbridgeError
from nightbridge.i18n import gettext as _
from nightbridge.logsafe import error_name

# Typer 0.29+ vendors its own click (typer._click); older Typer uses click itself. Usage
# errors from either are "input refused" (exit 2).
_EXIT: tuple[type[BaseException], ...] = (click.exceptions.Exit, typer.Exit)
_ABORT: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.Abort)
_USAGE: tuple[type[BaseException], ...] = (click.ClickException,)
try:
    from typer.exceptions import TyperException

    _USAGE = (*_USAGE, TyperException)
except ImportError:  # pragma: no cover - older Typer
    pass


def run_app(app: typer.Typer, args: list[str]) -> None:
    try:
        app(args=args, prog_name="nightbridge", standalone_mode=False)
    except _EXIT as exc:
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except _ABORT:
        print(_("Aborted."), file=sys.stderr)
        sys.exit(1)
    except _USAGE as exc:  # usage errors: bad option, missing argument, unreadable file
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(_("error: %(message)s") % {"message": exc}, file=sys.stderr)
        sys.exit(2)
    except InvalidInput as exc:
        for problem in exc.problems:
            print(_("error: %(message)s") % {"message": problem}, file=sys.stderr)
        sys.exit(2)
    except NightbridgeError as exc:
        print(_("error: %(message)s") % {"message": exc}, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(_("Interrupted."), file=sys.stderr)
        sys.exit(1)
    except Exception as exc:
        if _debug():
            traceback.print_exc()
        from nightbridge.storage.integrity import damaged_sentence, is_damage

        if is_damage(exc):  # SQLite stopped at a damaged page: say so, never a guess
            message = damaged_sentence("the store")
            print(_("error: %(message)s") % {"message": message}, file=sys.stderr)
            sys.exit(1)
        print(
            _(
                "error: something went wrong (%(kind)s). Nothing was half-written. "
                "Set NIGHTBRIDGE_DEBUG=1 to see the details."
            )
            % {"kind": error_name(exc)},
            file=sys.stderr,
        )
        sys.exit(1)


def _debug() -> bool:
    """The ``debug`` setting (``NIGHTBRIDGE_DEBUG``); off when it cannot be read."""
    from nightbridge.settings import SettingRefused, read_setting

    try:
        return bool(read_setting("debug"))
    except SettingRefused:
        return False
