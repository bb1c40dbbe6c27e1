"""Numbers, dates and times in the locale's own way (CLDR data through Babel): one place,
so that every page and the report write ``7.5 h`` and ``lunes, 7 de diciembre`` the same.

Every function takes the locale explicitly or uses the one in force; the pseudo-locale
formats as English. Clock times follow the locale (``23:30`` in Spanish, ``11:30 PM`` in
US English).
"""

from __future__ import annotations

import datetime as dt

from nightbridge.i18n.context import current_locale
from nightbridge.i18n.locales import DEFAULT_LOCALE, LOCALES

#: The CLDR locale used for each language (US English: Nightbridge's first users are in
#: the US; Spanish: the Latin American and US variety, ``es_US``).
CLDR: dict[str, str] = {"en": "en_US", "es": "es_US"}
DATE_STYLES = ("short", "medium", "long", "full")


def _cldr(locale: str | None) -> str:
    chosen = locale or current_locale()
    return CLDR.get(chosen if chosen in LOCALES else DEFAULT_LOCALE, "en_US")


def format_number(
    value: float | int, digits: int | None = None, *, locale: str | None = None
) -> str:
    """``value`` with the locale's separators; ``digits`` fixes the decimals shown."""
    from babel.numbers import format_decimal

    if digits is None:
        return str(format_decimal(value, locale=_cldr(locale)))
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(round(value, digits), format=pattern, locale=_cldr(locale)))


def format_percent(value: float, *, locale: str | None = None) -> str:
    """A fraction (0.85) as a percentage (``85 %`` in Spanish, ``85%`` in English)."""
    from babel.numbers import format_percent as babel_percent

    return str(babel_percent(value, locale=_cldr(locale)))


def format_date(value: dt.date, style: str = "medium", *, locale: str | None = None) -> str:
    """A calendar date: ``style`` one of short, medium, long, full, or a CLDR pattern
    (``EEE d MMM``)."""
    from babel.dates import format_date as babel_date

    return str(babel_date(value, format=style, locale=_cldr(locale)))


def format_time(
    value: dt.time | dt.datetime, style: str = "short", *, locale: str | None = None
) -> str:
    """A clock time (``short``: hours and minutes) as the locale writes it. A datetime is
    shown as its own wall clock (no zone conversion here)."""
    from babel.dates import format_time as babel_time

    clock = value.time() if isinstance(value, dt.datetime) else value
    return str(babel_time(clock, format=style, locale=_cldr(locale)))


def format_datetime(value: dt.datetime, style: str = "medium", *, locale: str | None = None) -> str:
    """A date and clock time, as the wall clock of ``value`` (no zone conversion)."""
    from babel.dates import format_datetime as babel_datetime

    naive = value.replace(tzinfo=None)
    return str(babel_datetime(naive, format=style, locale=_cldr(locale)))


def format_weekday(value: dt.date, width: str = "wide", *, locale: str | None = None) -> str:
    """The day of the week of ``value`` (``wide``: lunes; ``abbreviated``: lun)."""
    from babel.dates import get_day_names

    return str(get_day_names(width, locale=_cldr(locale))[value.weekday()])


def format_hours(minutes: float, *, locale: str | None = None) -> str:
    """A duration in minutes as hours with one decimal and the unit (``7.5 h``,
    ``7,5 h``)."""
    return f"{format_number(minutes / 60, 1, locale=locale)} h"


#: How the pages wrote days before translation (kept for English), and the CLDR patterns
#: of the same shape for other languages.
_DAY_STYLES = {
    "long": ("%A %d %B", "EEEE d 'de' MMMM"),
    "short": ("%a %d %b", "EEE d MMM"),
    "day_month": ("%d %b", "d MMM"),
    "day_month_year": ("%d %b %Y", "d MMM y"),
}


def format_day(value: dt.date, style: str = "long", *, locale: str | None = None) -> str:
    """A day as the pages show it: ``long`` (Monday 07 December / lunes 7 de diciembre)
    or ``short`` (Mon 07 Dec / lun 7 dic)."""
    english, pattern = _DAY_STYLES[style]
    chosen = locale or current_locale()
    if chosen not in LOCALES or chosen == DEFAULT_LOCALE:
        return value.strftime(english)
    return format_date(value, pattern, locale=chosen)
