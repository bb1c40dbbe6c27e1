"""Which persons a unit of work changed, so their summaries are refreshed before it commits.

Every write to a table a summary is derived from (``SOURCES``) is noticed here, whatever
wrote it: rows added, changed or deleted through the session (``after_flush``) and
statements run through it (``do_orm_execute``: an INSERT's ``person_id`` values, an
UPDATE or DELETE's ``person_id = ...`` condition). ``Database.transaction`` then
refreshes those persons' summaries in the same transaction (``refresh_changed``), so a
summary is never behind the data it is made from. A statement whose persons cannot be
told (no ``person_id`` condition) marks every person: correct, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from nightbridge.storage.guard import GuardedSession

#: Tables whose rows feed the per-person summary (``storage.tables.summaries``).
SOURCES: frozenset[str] = frozenset(
    {
        "persons",
        "diary_entries",
        "checkins",
        "intake_events",
        "alerts",
        "tapers",
        "taper_holds",
        "device_nights",
        "questionnaire_scores",
    }
)
_KEY = "nightbridge_changed_persons"
#: Marks every person (a statement whose persons cannot be told).
EVERYONE = -1


def changed_persons(session: Session) -> set[int]:
    """The persons marked so far in this unit of work (``EVERYONE`` among them: all)."""
    found: set[int] = session.info.setdefault(_KEY, set())
    return found


def mark_changed(session: Session, person_ids: Iterable[int]) -> None:
    changed_persons(session).update(int(p) for p in person_ids if p is not None)
    _bump(session)


_GENERATION = "nightbridge_source_writes"


def _bump(session: Session) -> None:
    session.info[_GENERATION] = session.info.get(_GENERATION, 0) + 1


def remembered(session: Session, key: Any, load: Any) -> Any:
    """``load()``, kept for this unit of work until its next write to a table of
    ``SOURCES`` (any person, through the session or ``storage.upsert``): a second read
    of the same thing in one transaction (a write's alert evaluation, then the summary
    refresh before it commits) costs no statement. Only for values that are read from
    ``SOURCES`` tables and never changed by the caller."""
    memo: dict[Any, tuple[int, Any]] = session.info.setdefault("nightbridge_remembered", {})
    generation = session.info.get(_GENERATION, 0)
    kept = memo.get(key)
    pending = session.new or session.dirty or session.deleted  # load() autoflushes them
    if kept is not None and kept[0] == generation and not pending:
        return kept[1]
    value = load()
    memo[key] = (session.info.get(_GENERATION, 0), value)
    return value


def take_changed(session: Session) -> set[int]:
    """The marked persons, cleared (the refresh itself writes, and must not loop)."""
    return set(session.info.pop(_KEY, set()))


def _table_name(obj: Any) -> str | None:
    table = getattr(obj, "__table__", None)
    return table.name if table is not None else None


def _person_of(session: Session, obj: Any, table: str) -> int | None:
    if table == "persons":
        return obj.id
    if table == "taper_holds":
        from nightbridge.storage.tables.safety import TaperRow

        with session.no_autoflush:
            taper = session.get(TaperRow, obj.taper_id)
        return taper.person_id if taper is not None else None
    return getattr(obj, "person_id", None)


@event.listens_for(GuardedSession, "after_flush")
def _notice_rows(session: Session, _context: Any) -> None:
    # after the flush: new rows have their ids; new/dirty/deleted still list them
    for obj in [*session.new, *session.dirty, *session.deleted]:
        table = _table_name(obj)
        if table in SOURCES:
            _bump(session)
            person = _person_of(session, obj, table)
            if person is not None:
                changed_persons(session).add(person)


def _statement_table(statement: Any) -> str | None:
    table = getattr(statement, "table", None)
    return getattr(table, "name", None)


def _persons_in_where(statement: Any, column: str) -> set[int] | None:
    found: set[int] = set()
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    for node in visitors.iterate(where):
        if (
            isinstance(node, BinaryExpression)
            and getattr(node.left, "name", None) == column
            and isinstance(node.right, BindParameter)
            and node.operator.__name__ == "eq"
        ):
            found.add(int(node.right.effective_value))
    return found or None


@event.listens_for(GuardedSession, "do_orm_execute")
def _notice_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = _statement_table(state.statement)
    if table not in SOURCES:
        return
    persons: set[int] | None = None
    if state.is_insert:
        params = state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        persons = {int(r["person_id"]) for r in rows if r and r.get("person_id") is not None}
        persons = persons or None
    else:
        persons = _persons_in_where(state.statement, "id" if table == "persons" else "person_id")
    mark_changed(state.session, persons if persons is not None else [EVERYONE])
