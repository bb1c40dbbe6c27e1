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
    with op.batch_alter_table("persons") as batch:
        batch.add_column(
            sa.Column("screened", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("located", sa.Boolean(), nullable=False, server_default=sa.false())
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
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("located")
        batch.drop_column("screened")
