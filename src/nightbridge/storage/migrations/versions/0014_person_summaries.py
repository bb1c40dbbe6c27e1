"""person summaries: the clinician's list read from one row per person

One row per person (``person_summaries``) holding what the triage list shows and sorts
by -- alert levels by date, the trend's inputs and its letters for the coming days,
the last entry, 7-day sleep figures, the latest questionnaire totals, taper adherence
and the newest device night -- kept up to date by every write (issue 11 item 3).

The backfill (every existing person's row, ``SummaryRepository.rebuild_all``) runs in
the newest revision that changes this table (0023_caseload): the summary code writes
every column of the table as the code knows it, which this revision does not have yet.

Revision ID: 0014_person_summaries
Revises: 0013_taper_history
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_person_summaries"
down_revision = "0013_taper_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_summaries",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("sort_name", sa.String(480), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("as_of_day", sa.Integer(), nullable=False),
        sa.Column("last_entry", sa.Date(), nullable=True),
        sa.Column("last_entry_day", sa.Integer(), nullable=True),
        sa.Column("emergency_day", sa.Integer(), nullable=True),
        sa.Column("crisis_day", sa.Integer(), nullable=True),
        sa.Column("urgent_day", sa.Integer(), nullable=True),
        sa.Column("advise_day", sa.Integer(), nullable=True),
        sa.Column("trend_letters", sa.String(16), nullable=False),
        sa.Column("trend_points", sa.JSON(), nullable=False),
        sa.Column("nights_7d", sa.Integer(), nullable=False),
        sa.Column("tst_7d_min", sa.Float(), nullable=True),
        sa.Column("se_7d_pct", sa.Float(), nullable=True),
        sa.Column("phq9_total", sa.Integer(), nullable=True),
        sa.Column("phq9_on", sa.Date(), nullable=True),
        sa.Column("gad7_total", sa.Integer(), nullable=True),
        sa.Column("gad7_on", sa.Date(), nullable=True),
        sa.Column("isi_total", sa.Integer(), nullable=True),
        sa.Column("isi_on", sa.Date(), nullable=True),
        sa.Column("taper_active", sa.Boolean(), nullable=False),
        sa.Column("taper_days_elapsed", sa.Integer(), nullable=False),
        sa.Column("taper_days_logged", sa.Integer(), nullable=False),
        sa.Column("taper_days_over", sa.Integer(), nullable=False),
        sa.Column("last_device_night", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_summaries_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_summaries")),
    )


def downgrade() -> None:
    op.drop_table("person_summaries")
