"""The base of every JSON API input model: the rules that need the field's type.

``web.values.check_values`` has already refused control characters and numbers beyond
the store's integers anywhere in the body. ``ApiModel`` adds, for every field of every
model that derives from it (``tests/web/test_bad_values.py`` checks they all do):

- ``true``/``false`` where a number belongs is refused, not read as 1/0 (pydantic's lax
  mode would; ASVS 5.0 15.3.5, no type juggling);
- whatever the field became after validation is held to ``core.values``: whole numbers
  within the store's integers (``"99999999999"`` given for a count), other numbers finite
  and of a sane size, days within the usable years (``0001-01-01``).

A refusal is a pydantic error on the field, so it reaches the one 422 shape with the
field's name (``web.app``).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any, Union

from pydantic import BaseModel, ValidationInfo, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import PydanticCustomError

from nightbridge.core.values import day_problem, int_problem, number_problem

_UNIONS = (Union, types.UnionType)


def _admits(annotation: Any, kind: type) -> bool:
    """Whether ``annotation`` takes a value of ``kind`` as it is."""
    if annotation is Any or annotation is object or annotation is kind:
        return True
    origin = typing.get_origin(annotation)
    if origin in _UNIONS:
        return any(_admits(arg, kind) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _admits(typing.get_args(annotation)[0], kind)
    return False


def _container_args(annotation: Any, value: Any) -> tuple[Any, ...] | None:
    """The item annotations of the container in ``annotation`` that ``value`` is."""
    origin = typing.get_origin(annotation)
    if origin in _UNIONS:
        for arg in typing.get_args(annotation):
            found = _container_args(arg, value)
            if found is not None:
                return found
        return None
    if origin is typing.Annotated:
        return _container_args(typing.get_args(annotation)[0], value)
    if isinstance(value, dict) and origin is dict:
        return typing.get_args(annotation)
    if isinstance(value, list) and origin in (list, tuple, set, frozenset):
        return typing.get_args(annotation)
    return None


def bool_problem(value: Any, annotation: Any) -> str | None:
    """Why ``value`` holds ``true``/``false`` where ``annotation`` wants a number, or None."""
    if isinstance(value, bool):
        return None if _admits(annotation, bool) else "should be a number, not true or false"
    args = _container_args(annotation, value)
    if not args:
        return None
    if isinstance(value, dict) and len(args) == 2:
        items: list[Any] = list(value.values())
        item_type = args[1]
    else:
        items, item_type = list(value), args[0]
    for item in items:
        problem = bool_problem(item, item_type)
        if problem:
            return problem
    return None


def value_problem(value: Any) -> str | None:
    """Why a validated value breaks ``core.values`` (recursing into containers), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return int_problem(value)
    if isinstance(value, float | Decimal):
        return number_problem(value)
    if isinstance(value, dt.date):
        return day_problem(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            problem = value_problem(item)
            if problem:
                return problem
    return None


class ApiModel(BaseModel):
    """Base of the API's input models (see the module's docstring)."""

    @field_validator("*", mode="wrap")
    @classmethod
    def _held_to_core_values(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        problem = bool_problem(value, field.annotation if field else Any)
        if problem:
            raise PydanticCustomError("nightbridge_value", problem)
        result = handler(value)
        problem = value_problem(result)
        if problem:
            raise PydanticCustomError("nightbridge_value", problem)
        return result
