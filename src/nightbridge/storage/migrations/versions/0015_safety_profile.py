"""persons: whether the restriction-safety screen was answered, and whether the time
zone and region were chosen (issue 10 item 2)

"Screen answered" must be told apart from "no conditions": a person who has not
answered gets no sleep window. A person who already recorded a condition or a
safety-critical job (with ``profile set``) has answered; everyone else is asked.
Nobody is taken to have chosen their zone and region: the first login asks them.

Revision ID: 0015_safety_profile
Revises: 0014_person_summaries
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_safety_profile"
down_revision = "0014_person_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both dialects, never a batch copy of ``persons``: on SQLite a
    # batch drops and recreates the table, and with foreign keys on, dropping it would
    # cascade to every row that refers to a person (diary, check-ins, summaries...).
    op.add_column(
        "persons", sa.Column("screened", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "persons", sa.Column("located", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    persons = sa.table(
        "persons",
        sa.column("id", sa.Integer),
        sa.column("conditions", sa.JSON),
        sa.column("safety_critical_job", sa.Boolean),
        sa.column("screened", sa.Boolean),
    )
    bind = op.get_bind()
    answered = [
        row.id
        for row in bind.execute(
            sa.select(persons.c.id, persons.c.conditions, persons.c.safety_critical_job)
        )
        if row.conditions or row.safety_critical_job
    ]
    if answered:
        bind.execute(sa.update(persons).where(persons.c.id.in_(answered)).values(screened=True))


def downgrade() -> None:
    # ALTER TABLE .. DROP COLUMN (SQLite 3.35+ and PostgreSQL), for the reason above
    op.execute("ALTER TABLE persons DROP COLUMN located")
    op.execute("ALTER TABLE persons DROP COLUMN screened")
