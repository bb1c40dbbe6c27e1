"""Every row one person owns in a table, as plain values: the record files of the CSV
export (docs/exports.md), for the kinds that have no typed file of their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.storage.tables import Base


class PersonRecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, table_name: str, person_id: int) -> tuple[list[str], list[dict[str, Any]]]:
        """The table's columns (``person_id`` left out: it is the person exported) and
        the person's rows, in primary-key order."""
        table = Base.metadata.tables[table_name]
        columns = [c.name for c in table.columns if c.name != "person_id"]
        query = (
            select(*(table.c[name] for name in columns))
            .where(table.c.person_id == person_id)
            .order_by(*table.primary_key.columns)
        )
        return columns, [dict(row._mapping) for row in self.session.execute(query)]
