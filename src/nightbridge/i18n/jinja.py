"""Jinja2 environments that speak the locale in force: the i18n extension
(``{% trans %}``, ``_()``, newstyle gettext, so that placeholders are escaped and
formatted by the extension) and the formatting filters (``number``, ``date``, ``clock``,
``weekday``, ``hours`` ...). The web pages and the report both use it.
"""

from __future__ import annotations

from typing import Any

from nightbridge.i18n import context as i18n_context
from nightbridge.i18n import formatting
from nightbridge.i18n.locales import LOCALES


def install(env: Any) -> None:
    """The i18n extension and the formatting filters, on a Jinja environment."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(
        i18n_context.gettext,
        i18n_context.ngettext,
        newstyle=True,
        pgettext=i18n_context.pgettext,
    )
    # ``value | tr``: the translation of a message held in a variable (a label from a
    # table marked N_, a refusal's reason). Unlike ``_()`` it neither %-formats nor marks
    # the result safe, so a value holding user input stays escaped and a "%" is kept.
    env.filters["tr"] = i18n_context.gettext
    env.globals["current_locale"] = i18n_context.current_locale
    env.globals["offered_locales"] = LOCALES
    env.filters.update(
        number=formatting.format_number,
        percent=formatting.format_percent,
        date=formatting.format_date,
        clock=formatting.format_time,
        datetime=formatting.format_datetime,
        weekday=formatting.format_weekday,
        hours=formatting.format_hours,
        day=formatting.format_day,
    )
