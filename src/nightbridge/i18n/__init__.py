"""Languages: which one a request or a command speaks, its translated messages and its
numbers and dates (docs/i18n.md).

- ``locales``: the languages offered, ``negotiate`` (an ``Accept-Language`` header) and
  ``normalise`` (a tag a person or a setting gave).
- ``catalogs``: the gettext catalogues, compiled from ``nightbridge/locale/<lang>/
  LC_MESSAGES/messages.po`` when first used (no ``.mo`` file is shipped), and the
  pseudo-locale ``xx`` that lengthens every message to find clipped text.
- ``context``: the locale in force (a context variable set per request or per command)
  and ``gettext``/``ngettext``/``N_`` that read it.
- ``formatting``: numbers, dates and times for the locale (Babel's CLDR data), one place.
- ``extract``: the messages the code and templates hold (Babel's extractors), for the
  catalogue check and ``scripts/i18n.py``.

English is the source language and the default; a message without a translation is
shown in English (never blank).
"""

from __future__ import annotations

from nightbridge.i18n.context import (
    N_,
    current_locale,
    gettext,
    ngettext,
    pgettext,
    use_locale,
)
from nightbridge.i18n.locales import DEFAULT_LOCALE, LOCALES, PSEUDO_LOCALE, negotiate, normalise

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "N_",
    "PSEUDO_LOCALE",
    "current_locale",
    "gettext",
    "negotiate",
    "ngettext",
    "normalise",
    "pgettext",
    "use_locale",
]
