"""diary: tables of the diary area

Revision ID: 0002_diary
Revises: 0001_persons
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_diary"
down_revision = "0001_persons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("bedtime", sa.String(40), nullable=False),
        sa.Column("lights_off", sa.String(40), nullable=False),
        sa.Column("sol_min", sa.Integer(), nullable=False),
        sa.Column("nwak", sa.Integer(), nullable=False),
        sa.Column("waso_min", sa.Integer(), nullable=False),
        sa.Column("final_wake", sa.String(40), nullable=False),
        sa.Column("out_of_bed", sa.String(40), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("rested", sa.Integer(), nullable=True),
        sa.Column("naps", sa.Integer(), nullable=True),
        sa.Column("naps_min", sa.Integer(), nullable=True),
        sa.Column("caffeine", sa.Integer(), nullable=True),
        sa.Column("last_caffeine", sa.String(8), nullable=True),
        sa.Column("alcohol", sa.Integer(), nullable=True),
        sa.Column("last_alcohol", sa.String(8), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_diary_entries_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entries")),
        sa.UniqueConstraint("person_id", "date", name=op.f("uq_diary_entries_person_id")),
    )


def downgrade() -> None:
    op.drop_table("diary_entries")
