"""The gettext catalogues: ``nightbridge/locale/<lang>/LC_MESSAGES/messages.po``, read
with Babel and compiled in memory the first time a language is used in this process
(so no compiled ``.mo`` file is kept in the repository or can go stale).

A fuzzy entry is not used (it is a guess waiting for a translator). English has no
catalogue: the messages are the English text.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
import threading
from importlib import resources
from typing import Any

from nightbridge.i18n.locales import DEFAULT_LOCALE, PSEUDO_LOCALE
from nightbridge.i18n.pseudo import pseudo_translate

DOMAIN = "messages"
_lock = threading.Lock()
_cache: dict[str, stdlib_gettext.NullTranslations] = {}


def catalogue_path(locale: str) -> Any:
    """Where the ``.po`` file of ``locale`` lives (a Traversable)."""
    return resources.files("nightbridge").joinpath("locale", locale, "LC_MESSAGES", f"{DOMAIN}.po")


def read_catalogue(locale: str) -> Any:
    """The Babel ``Catalog`` of ``locale`` as written in its ``.po`` file."""
    from babel.messages.pofile import read_po

    with catalogue_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


class PseudoTranslations(stdlib_gettext.NullTranslations):
    """Every message through ``pseudo_translate`` (the ``xx`` layout test locale)."""

    def gettext(self, message: str) -> str:
        return pseudo_translate(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_translate(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo_translate(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_translate(msgid1 if n == 1 else msgid2)


def _compile(locale: str) -> stdlib_gettext.NullTranslations:
    if locale == DEFAULT_LOCALE:
        return stdlib_gettext.NullTranslations()
    if locale == PSEUDO_LOCALE:
        return PseudoTranslations()
    if not catalogue_path(locale).is_file():
        return stdlib_gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(locale), use_fuzzy=False)
    buffer.seek(0)
    return stdlib_gettext.GNUTranslations(buffer)


def translations(locale: str) -> stdlib_gettext.NullTranslations:
    """The compiled translations of ``locale`` (English: none; unknown: none)."""
    found = _cache.get(locale)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(locale)
        if found is None:
            found = _cache[locale] = _compile(locale)
    return found
