"""How ``--help`` shows an option's value: its own placeholder (``--date DATE``,
``--bedtime HH:MM`` where a ``metavar`` is given), never Typer's type tags (``<str>``,
``<bool>``); a flag shows none, an argument only its name.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption

_original = TyperOption.display_type_rich


def _option_placeholder(self: TyperOption, ctx: Any) -> str | None:
    if self.is_flag or self.count:
        return None
    if self.metavar is not None:
        return self.metavar
    if self.type_descriptor.is_choice:
        shown = _original(self, ctx)
        return shown.strip("<>") if shown else None
    return (self.name or "value").upper()


def _argument_placeholder(self: TyperArgument, ctx: Any) -> str | None:
    return None


def install() -> None:
    """Use the placeholders above in every command's help (idempotent)."""
    TyperOption.display_type_rich = _option_placeholder  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_placeholder  # type: ignore[method-assign]
