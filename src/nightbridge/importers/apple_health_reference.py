"""Apple Health ``export.xml`` read by a real XML parser: the correctness reference.

:func:`read_apple_health_reference` parses the whole document with expat and yields the
same objects as the fast path, :func:`nightbridge.importers.apple_health.read_apple_health`,
in the same order; the tests hold the two together on every sample file and on generated
exports. It is ~10x slower (every element is parsed), so Nightbridge imports with the fast
path and keeps this one as the yardstick.

Hardening (the checks of ``defusedxml``, applied to a raw expat parser):

- the prolog is checked by :func:`~nightbridge.importers.apple_health.read_prolog`
  (entity declarations and external DTDs refused, UTF-8 only, root ``<HealthData>``) and
  then dropped: the internal DTD subset is never parsed (export version 12 shipped a
  malformed ATTLIST that breaks expat), so no entity can be declared;
- parameter-entity parsing is off, and handlers refuse any entity declaration, external
  entity reference or DOCTYPE that still reaches the parser; an undeclared entity
  reference is a well-formedness error, reported as ``InvalidInput``;
- stray ``\\x0b`` characters (seen in older exports) are dropped before parsing; any other
  well-formedness error is refused with its byte offset.

Mapping and skips are those of the fast path (``SLEEP_VALUES``; ActivitySummary ->
DailyActivity); dates are parsed here with ``datetime.strptime(..., "%Y-%m-%d %H:%M:%S
%z")``, independently of the fast path's parser. Workouts are not read by either path.
Sources: expat (J. Clark; Python ``xml.parsers.expat``); defusedxml (C. Heimes) for the
list of attacks; W3C XML 1.0 (5th ed.).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NoReturn
from xml.parsers import expat

from nightbridge.core.errors import InvalidInput
from nightbridge.core.samples import DailyActivity, SleepSample
from nightbridge.importers.apple_health import (
    ACTIVITY_SOURCE,
    SLEEP_TYPE,
    SLEEP_VALUES,
    AppleHealthStats,
    read_prolog,
)

MiB = 1024 * 1024
_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def refuse(reason: str, field_name: str = "file") -> InvalidInput:
    return InvalidInput.one(field_name, reason)


def _parse_date(text: str, field_name: str, where: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, _FORMAT)
    except ValueError as exc:
        raise refuse(
            f"{text!r} {where} is not a YYYY-MM-DD HH:MM:SS +HHMM date", field_name
        ) from exc


def _forbid(what: str) -> Callable[..., NoReturn]:
    def handler(*_args: Any) -> NoReturn:
        raise refuse(f"contains {what}; Nightbridge refuses it")

    return handler


def read_apple_health_reference(
    fileobj: BinaryIO, *, stats: AppleHealthStats | None = None, chunk_bytes: int = 1 * MiB
) -> Iterator[SleepSample | DailyActivity]:
    """Sleep samples and activity days of ``export.xml``, parsed element by element."""
    stats = stats if stats is not None else AppleHealthStats()
    body, base = read_prolog(fileobj)
    parser = expat.ParserCreate(encoding="UTF-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _forbid("an entity declaration")
    parser.UnparsedEntityDeclHandler = _forbid("an unparsed entity declaration")
    parser.ExternalEntityRefHandler = _forbid("an external entity reference")
    parser.StartDoctypeDeclHandler = _forbid("a second DOCTYPE")
    pending: list[SleepSample | DailyActivity] = []

    def where() -> str:
        return f"at byte offset {base + parser.CurrentByteIndex}"

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "Record" and attributes.get("type") == SLEEP_TYPE:
            value = attributes.get("value", "")
            mapped = SLEEP_VALUES.get(value)
            if mapped is None:
                stats.skip(f"unknown sleep value {value!r}")
                return
            for required in ("sourceName", "startDate", "endDate"):
                if required not in attributes:
                    raise refuse(f"sleep record {where()} has no {required}", required)
            begin = _parse_date(attributes["startDate"], "startDate", where())
            end = _parse_date(attributes["endDate"], "endDate", where())
            if end < begin:
                stats.skip("sleep record ends before it starts")
                return
            stats.sleep_records += 1
            pending.append(SleepSample(attributes["sourceName"], begin, end, *mapped))
        elif name == "ActivitySummary":
            minutes = attributes.get("appleExerciseTime")
            if minutes is None:
                stats.skip("activity summary without appleExerciseTime")
                return
            try:
                day = dt.date.fromisoformat(attributes.get("dateComponents", ""))
                exercise = float(minutes)
            except ValueError as exc:
                raise refuse(
                    f"activity summary {where()} has a bad dateComponents or appleExerciseTime",
                    "dateComponents",
                ) from exc
            if not 0 <= exercise <= 24 * 60:
                raise refuse(
                    f"activity summary {where()} has {exercise} exercise minutes",
                    "appleExerciseTime",
                )
            stats.activity_days += 1
            pending.append(DailyActivity(ACTIVITY_SOURCE, day, exercise))

    parser.StartElementHandler = start

    def feed(data: bytes, final: bool) -> None:
        try:
            parser.Parse(data.replace(b"\x0b", b""), final)
        except expat.ExpatError as exc:
            message = expat.ErrorString(exc.code) if exc.code else str(exc)
            raise refuse(f"is not well-formed XML ({message}) {where()}") from exc

    feed(body, False)
    yield from pending
    pending.clear()
    while chunk := fileobj.read(chunk_bytes):
        feed(chunk, False)
        yield from pending
        pending.clear()
    feed(b"", True)
    yield from pending
