"""The locale in force, and the gettext functions that read it.

The web sets it per request (``web.i18n``), the CLI once per command (``--lang`` or
``LANG``); code that builds a message a person reads calls ``gettext`` (imported as
``_``) and gets it in their language. ``N_`` marks a message for extraction where it is
defined (a table of labels) and is translated where it is shown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from nightbridge.i18n.catalogs import translations
from nightbridge.i18n.locales import DEFAULT_LOCALE

_locale: ContextVar[str] = ContextVar("nightbridge_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _locale.get()


def set_locale(locale: str) -> None:
    """Set the locale for the rest of this context (a request's thread, a command)."""
    _locale.set(locale)


@contextlib.contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Speak ``locale`` inside the block."""
    token = _locale.set(locale)
    try:
        yield
    finally:
        _locale.reset(token)


def gettext(message: str) -> str:
    return translations(_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_locale.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_locale.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here."""
    return message
