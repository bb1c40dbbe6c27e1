"""toolkit: program progress, nudge dismissals, relapse plan, cravings, weekly check-ins,
thought records, evening log items, reminder times

Revision ID: 0006_toolkit
Revises: 0005_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_toolkit"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None

_TABLES = (
    "toolkit_reminders",
    "toolkit_evening_logs",
    "toolkit_thought_records",
    "toolkit_weekly_checkins",
    "toolkit_cravings",
    "toolkit_relapse_plans",
    "toolkit_nudge_dismissals",
    "toolkit_lessons_done",
    "toolkit_programs",
)


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"],
        ["persons.id"],
        name=op.f(f"fk_{table}_person_id_persons"),
        ondelete="CASCADE",
    )


def _indexed_person(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_person_id"), table, ["person_id"])


def upgrade() -> None:
    op.create_table(
        "toolkit_programs",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _person_fk("toolkit_programs"),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_toolkit_programs")),
    )
    op.create_table(
        "toolkit_lessons_done",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        _person_fk("toolkit_lessons_done"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_lessons_done")),
        sa.UniqueConstraint("person_id", "week", name=op.f("uq_toolkit_lessons_done_person_id")),
    )
    _indexed_person("toolkit_lessons_done")
    op.create_table(
        "toolkit_nudge_dismissals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("dismissed_on", sa.Date(), nullable=False),
        _person_fk("toolkit_nudge_dismissals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_nudge_dismissals")),
        sa.UniqueConstraint(
            "person_id", "code", name=op.f("uq_toolkit_nudge_dismissals_person_id")
        ),
    )
    _indexed_person("toolkit_nudge_dismissals")
    op.create_table(
        "toolkit_relapse_plans",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("warning_signs", sa.JSON(), nullable=False),
        sa.Column("coping_steps", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _person_fk("toolkit_relapse_plans"),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_toolkit_relapse_plans")),
    )
    op.create_table(
        "toolkit_cravings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("helped", sa.Text(), nullable=False),
        _person_fk("toolkit_cravings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_cravings")),
    )
    _indexed_person("toolkit_cravings")
    op.create_table(
        "toolkit_weekly_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("support", sa.Integer(), nullable=False),
        sa.Column("cravings", sa.Integer(), nullable=False),
        sa.Column("stress", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _person_fk("toolkit_weekly_checkins"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_weekly_checkins")),
        sa.UniqueConstraint(
            "person_id", "week_start", name=op.f("uq_toolkit_weekly_checkins_person_id")
        ),
    )
    _indexed_person("toolkit_weekly_checkins")
    op.create_table(
        "toolkit_thought_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("thought", sa.Text(), nullable=False),
        sa.Column("belief_before", sa.Integer(), nullable=False),
        sa.Column("evidence_for", sa.Text(), nullable=False),
        sa.Column("evidence_against", sa.Text(), nullable=False),
        sa.Column("balanced", sa.Text(), nullable=False),
        sa.Column("belief_after", sa.Integer(), nullable=True),
        _person_fk("toolkit_thought_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_thought_records")),
    )
    _indexed_person("toolkit_thought_records")
    op.create_table(
        "toolkit_evening_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("screens_last_hour", sa.Boolean(), nullable=True),
        sa.Column("bedroom_temp_c", sa.Float(), nullable=True),
        sa.Column("nap_start", sa.String(5), nullable=True),
        _person_fk("toolkit_evening_logs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_evening_logs")),
        sa.UniqueConstraint("person_id", "date", name=op.f("uq_toolkit_evening_logs_person_id")),
    )
    _indexed_person("toolkit_evening_logs")
    op.create_table(
        "toolkit_reminders",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("morning_at", sa.String(5), nullable=False),
        sa.Column("evening_at", sa.String(5), nullable=False),
        _person_fk("toolkit_reminders"),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_toolkit_reminders")),
    )


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
