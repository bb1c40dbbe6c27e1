"""What any value may be before it is used or stored: the request-level rules shared by the
web app's request check, the API models, the parsers of ``core`` and the storage guard.

A value that breaks one of these rules is refused with a sentence (``InvalidInput``), never
passed on to fail deep inside (a 500): OWASP ASVS 5.0 2.2.1 (validate every input against
its expected structure and limits) and 15.3.5 (correct types, no type juggling).

- **Text** holds no control character but tab, line feed and carriage return (a NUL cannot
  be stored by PostgreSQL; an escape sequence can rewrite a terminal), and no unpaired
  surrogate (it is not a character and cannot be encoded).
- **Whole numbers** fit a 32-bit signed integer, the ``integer`` of PostgreSQL that every
  count and id is stored in.
- **Other numbers** (amounts, percentages) are finite and at most ``MAX_NUMBER`` in size.
- **Days** lie between ``EARLIEST_DAY`` and ``LATEST_DAY``: a diary date of 0001-01-01
  would break every date sum made from it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from nightbridge.core.errors import InvalidInput

MIN_INT = -(2**31)
MAX_INT = 2**31 - 1
#: Largest amount or other non-whole number taken (a million of any unit).
MAX_NUMBER = 1_000_000
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)
#: Control characters allowed in text: tab, line feed, carriage return.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be taken (a control character, an unpaired surrogate), or None."""
    for char in text:
        code = ord(char)
        if (code < 32 or 127 <= code < 160) and char not in ALLOWED_CONTROLS:
            return f"contains a control character ({_describe(char)}), which cannot be kept"
        if 0xD800 <= code <= 0xDFFF:
            return f"contains a broken character ({_describe(char)}, half of a pair)"
    return None


def int_problem(number: int) -> str | None:
    """Why a whole number cannot be taken (outside a 32-bit integer), or None."""
    if number > MAX_INT:
        return f"is too large (at most {MAX_INT})"
    if number < MIN_INT:
        return f"is too small (at least {MIN_INT})"
    return None


def number_problem(number: float | Decimal) -> str | None:
    """Why a number cannot be taken (not finite, or beyond ``MAX_NUMBER``), or None."""
    if isinstance(number, Decimal):
        if not number.is_finite():
            return "must be a finite number"
    elif not math.isfinite(number):
        return "must be a finite number"
    if abs(float(number)) > MAX_NUMBER:
        return f"is too large (at most {MAX_NUMBER:,})".replace(",", " ")
    return None


def day_problem(day: dt.date) -> str | None:
    """Why a day cannot be taken (before 1900 or after 2199), or None."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if day < EARLIEST_DAY or day > LATEST_DAY:
        years = f"{EARLIEST_DAY.year} to {LATEST_DAY.year}"
        return f"{day.isoformat()} is not a date we can use (years {years})"
    return None


def parse_day(text: str, field: str) -> dt.date:
    """A ``YYYY-MM-DD`` date within the usable years; InvalidInput naming ``field``."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.one(field, f"{text!r} is not a date (YYYY-MM-DD)") from None
    problem = day_problem(day)
    if problem:
        raise InvalidInput.one(field, problem)
    return day
