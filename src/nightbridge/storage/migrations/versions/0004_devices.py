"""devices: tables of the devices area

Revision ID: 0004_devices
Revises: 0003_safety
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_devices"
down_revision = "0003_safety"
branch_labels = None
depends_on = None


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"],
        ["persons.id"],
        name=op.f(f"fk_{table}_person_id_persons"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "device_samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("start_offset_s", sa.Integer(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("end_offset_s", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("stage", sa.String(16), nullable=True),
        sa.Column("key", sa.String(32), nullable=False),
        _person_fk("device_samples"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_samples")),
        sa.UniqueConstraint("person_id", "key", name=op.f("uq_device_samples_person_id")),
    )
    op.create_index("ix_device_samples_person_start", "device_samples", ["person_id", "start_at"])
    op.create_table(
        "device_nights",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("is_nap", sa.Boolean(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("start_offset_s", sa.Integer(), nullable=False),
        sa.Column("end_at", sa.DateTime(), nullable=False),
        sa.Column("end_offset_s", sa.Integer(), nullable=False),
        sa.Column("tst_min", sa.Integer(), nullable=False),
        sa.Column("tib_min", sa.Integer(), nullable=False),
        sa.Column("sol_min", sa.Integer(), nullable=False),
        sa.Column("waso_min", sa.Integer(), nullable=False),
        sa.Column("se_pct", sa.Float(), nullable=False),
        sa.Column("light_min", sa.Integer(), nullable=True),
        sa.Column("deep_min", sa.Integer(), nullable=True),
        sa.Column("rem_min", sa.Integer(), nullable=True),
        _person_fk("device_nights"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_nights")),
    )
    op.create_index("ix_device_nights_person_date", "device_nights", ["person_id", "date"])
    op.create_table(
        "device_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exercise_min", sa.Float(), nullable=False),
        _person_fk("device_activity"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_activity")),
        sa.UniqueConstraint(
            "person_id", "source", "date", name=op.f("uq_device_activity_person_id")
        ),
    )
    op.create_table(
        "device_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("samples_added", sa.Integer(), nullable=False),
        sa.Column("samples_skipped", sa.Integer(), nullable=False),
        sa.Column("nights", sa.Integer(), nullable=False),
        _person_fk("device_imports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_imports")),
    )


def downgrade() -> None:
    op.drop_table("device_imports")
    op.drop_table("device_activity")
    op.drop_index("ix_device_nights_person_date", table_name="device_nights")
    op.drop_table("device_nights")
    op.drop_index("ix_device_samples_person_start", table_name="device_samples")
    op.drop_table("device_samples")
