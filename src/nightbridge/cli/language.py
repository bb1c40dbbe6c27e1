"""The language of the command's messages (docs/i18n.md, docs/cli.md).

``--lang es`` (before or after the command's name), else the POSIX variables in their
order (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``LANG=es_US.UTF-8`` gives
Spanish), else English. A language Nightbridge does not offer is English, never an error
(``--lang`` with one is refused, exit 2). JSON output (``--json``) is never translated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from nightbridge.i18n.context import set_locale
from nightbridge.i18n.locales import DEFAULT_LOCALE, LOCALES, normalise

POSIX_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def locale_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the POSIX variables ask for (the first one set decides; ``LANGUAGE``
    may list several, ``es:en``)."""
    env = os.environ if environ is None else environ
    for name in POSIX_VARIABLES:
        value = (env.get(name) or "").strip()
        if not value:
            continue
        for tag in value.split(":"):
            found = normalise(tag.split(".", 1)[0].split("@", 1)[0])
            if found:
                return found
        if name != "LANGUAGE":
            return DEFAULT_LOCALE  # LC_ALL=C, LANG=fr_FR: set, and not one we offer
    return DEFAULT_LOCALE


def lang_option(argv: list[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` in ``argv``, if given."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def choose_locale(argv: list[str], environ: Mapping[str, str] | None = None) -> str:
    """The command's language: ``--lang`` when it names an offered one, else the
    environment's; set as the locale in force for the command."""
    given = lang_option(argv)
    locale = (normalise(given) if given else None) or locale_from_environment(environ)
    set_locale(locale)
    return locale


def check_lang(value: str | None) -> str | None:
    """Typer callback of ``--lang``: an offered language, else a usage error naming it."""
    if value is None or normalise(value) in LOCALES:
        return value
    import typer

    offered = ", ".join(LOCALES)
    raise typer.BadParameter(f"{value!r} is not a language Nightbridge offers ({offered})")
