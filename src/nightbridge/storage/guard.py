"""The storage guard: nothing is written that the store would refuse with an error.

Before every flush, each new or changed row is checked against its columns: text
without control or broken characters (``core.values``; PostgreSQL cannot store a NUL)
and no longer than a ``String(n)`` column holds (SQLite would keep it, PostgreSQL
refuses it), whole numbers within an ``Integer`` column, numbers within a
``Numeric(p, s)`` column's digits, finite ``Float`` values. A value that breaks one is
refused with ``InvalidInput`` naming the column (which is the field's name wherever a
form or the API writes it), so the request answers 422 and nothing is written -- on
SQLite as on PostgreSQL.

This is the last line: the web app's request check, the API models and the parsers of
``core`` refuse such values earlier, with the question the person saw.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, Numeric, String, Text, event, inspect
from sqlalchemy.orm import Session

from nightbridge.core.errors import InvalidInput, Problem
from nightbridge.core.values import int_problem, text_problem


class GuardedSession(Session):
    """The session every ``Database`` unit of work uses."""


def column_problem(column_type: Any, value: Any) -> str | None:
    """Why ``value`` cannot be stored in a column of ``column_type``, or None."""
    if value is None:
        return None
    if isinstance(column_type, String | Text) and isinstance(value, str):
        reason = text_problem(value)
        if reason:
            return reason
        length = getattr(column_type, "length", None)
        if length is not None and len(value) > length:
            return f"is longer than {length} characters"
        return None
    if isinstance(column_type, Integer) and isinstance(value, int) and not isinstance(value, bool):
        if isinstance(column_type, BigInteger):
            return None if -(2**63) <= value < 2**63 else "is too large"
        return int_problem(value)
    if isinstance(column_type, Float) and isinstance(value, float | int):
        return None if math.isfinite(value) else "must be a finite number"
    if isinstance(column_type, Numeric) and isinstance(value, Decimal | float | int):
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
        if not number.is_finite():
            return "must be a finite number"
        precision, scale = column_type.precision, column_type.scale or 0
        if precision is not None and abs(number) >= Decimal(10) ** (precision - scale):
            return f"is too large (less than {10 ** (precision - scale)})"
    return None


def row_problems(row: Any) -> list[Problem]:
    """Every value of a mapped row its columns cannot hold."""
    problems: list[Problem] = []
    state = inspect(row)
    for attribute in state.mapper.column_attrs:
        column = attribute.columns[0]
        value = state.dict.get(attribute.key)
        reason = column_problem(column.type, value)
        if reason:
            problems.append(Problem(attribute.key, reason))
    return problems


def values_problems(table: Any, row: Any) -> list[Problem]:
    """``row_problems`` for the values of a Core statement (``storage.upsert``), which
    the flush check does not see."""
    columns = getattr(table, "__table__", table).columns
    problems: list[Problem] = []
    for name, value in row.items():
        reason = column_problem(columns[name].type, value)
        if reason:
            problems.append(Problem(name, reason))
    return problems


@event.listens_for(GuardedSession, "before_flush")
def _guard(session: Session, _context: Any, _instances: Any) -> None:
    problems: list[Problem] = []
    for row in [*session.new, *session.dirty]:
        problems.extend(row_problems(row))
    if problems:
        raise InvalidInput(problems)
