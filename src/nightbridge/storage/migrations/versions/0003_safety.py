"""safety: intake events, check-ins, recorded alerts, tapers and their holds

Revision ID: 0003_safety
Revises: 0002_diary
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_safety"
down_revision = "0002_diary"
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
        "intake_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("substance", sa.String(120), nullable=False),
        sa.Column("substance_class", sa.String(40), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("product", sa.String(200), nullable=True),
        sa.Column("strain", sa.String(200), nullable=True),
        sa.Column("batch", sa.String(200), nullable=True),
        sa.Column("lab_tested", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _person_fk("intake_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_events")),
    )
    op.create_index(
        "ix_intake_events_person_local_date", "intake_events", ["person_id", "local_date"]
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("function", sa.Integer(), nullable=True),
        sa.Column("self_harm_thoughts", sa.Boolean(), nullable=True),
        sa.Column("withdrawal_score", sa.Integer(), nullable=True),
        sa.Column("phq9", sa.JSON(), nullable=True),
        sa.Column("phq9_total", sa.Integer(), nullable=True),
        sa.Column("gad7", sa.JSON(), nullable=True),
        sa.Column("gad7_total", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _person_fk("checkins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("person_id", "date", name=op.f("uq_checkins_person_id")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        _person_fk("alerts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("person_id", "date", "code", name=op.f("uq_alerts_person_id")),
    )
    op.create_table(
        "tapers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("substance", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("start_amount", sa.Numeric(12, 3), nullable=False),
        sa.Column("step_pct", sa.Numeric(6, 2), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("min_step", sa.Numeric(12, 3), nullable=True),
        sa.Column("clinician_override", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _person_fk("tapers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tapers")),
    )
    op.create_index(op.f("ix_tapers_person_id"), "tapers", ["person_id"])
    op.create_table(
        "taper_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("taper_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["taper_id"],
            ["tapers.id"],
            name=op.f("fk_taper_holds_taper_id_tapers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taper_holds")),
    )
    op.create_index(op.f("ix_taper_holds_taper_id"), "taper_holds", ["taper_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_taper_holds_taper_id"), table_name="taper_holds")
    op.drop_table("taper_holds")
    op.drop_index(op.f("ix_tapers_person_id"), table_name="tapers")
    op.drop_table("tapers")
    op.drop_table("alerts")
    op.drop_table("checkins")
    op.drop_index("ix_intake_events_person_local_date", table_name="intake_events")
    op.drop_table("intake_events")
