"""persons: the person and their settings

Revision ID: 0001_persons
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_persons"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("region", sa.String(8), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("safety_critical_job", sa.Boolean(), nullable=False),
        sa.Column("floor_min", sa.Integer(), nullable=False),
        sa.Column("raise_at_pct", sa.Float(), nullable=False),
        sa.Column("lower_at_pct", sa.Float(), nullable=False),
        sa.Column("step_min", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )


def downgrade() -> None:
    op.drop_table("persons")
