"""Alembic environment: always run with a connection handed in by ``storage.migrate``."""

from __future__ import annotations

from alembic import context

from nightbridge.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic from its own CLI
    raise RuntimeError("run migrations through nightbridge.storage.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
