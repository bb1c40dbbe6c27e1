"""questionnaire_scores: ISI totals and clinician-rated COWS (issue 14 item 3)

One row per rating, with who rated it (role and account). New table, nothing to
backfill.

Revision ID: 0022_questionnaire_scores
Revises: 0021_account_recovery
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_questionnaire_scores"
down_revision = "0021_account_recovery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(32), nullable=False),
        sa.Column("rated_by", sa.String(16), nullable=False),
        sa.Column("rated_by_account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_questionnaire_scores_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_questionnaire_scores_rated_by_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_scores")),
    )
    op.create_index(
        "ix_questionnaire_scores_person_date",
        "questionnaire_scores",
        ["person_id", "instrument", "date"],
    )


def downgrade() -> None:
    op.drop_index("ix_questionnaire_scores_person_date", table_name="questionnaire_scores")
    op.drop_table("questionnaire_scores")
