"""window plans: the rise time and sleep window in force, one row per change

Revision ID: 0008_window_plans
Revises: 0007_import_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_window_plans"
down_revision = "0007_import_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "window_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rise", sa.String(5), nullable=False),
        sa.Column("window_min", sa.Integer(), nullable=True),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_window_plans_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_plans")),
    )
    op.create_index(op.f("ix_window_plans_person_id"), "window_plans", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_window_plans_person_id"), table_name="window_plans")
    op.drop_table("window_plans")
