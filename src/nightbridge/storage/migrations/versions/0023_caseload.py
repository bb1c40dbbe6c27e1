"""caseload: reviews of alerts, clinic tags, assigned clinicians, the newest alert

``person_reviews`` holds who last reviewed a person's alerts, when, and the newest
alert they saw (issue 14 item 2); ``person_summaries.last_alert_id`` the newest alert
recorded, so the caseload tells reviewed from unreviewed in its one query.
``clinic_tags`` (a clinic's tags), ``person_tags`` (on people) and
``person_assignments`` (the clinician of a clinic assigned to a person).

The summaries are then rebuilt with the summary code of this release (every person's
row; this is also 0014's backfill, which moved here: the code writes every column the
table has now). If a later revision adds summary columns, move the rebuild there.

Revision ID: 0023_caseload
Revises: 0022_questionnaire_scores
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0023_caseload"
down_revision = "0022_questionnaire_scores"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_reviews",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_reviews_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["accounts.id"],
            name=op.f("fk_person_reviews_reviewed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_reviews")),
    )
    op.create_table(
        "clinic_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_tags_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["accounts.id"],
            name=op.f("fk_clinic_tags_created_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_tags")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_clinic_tags_clinic_id")),
    )
    op.create_index(op.f("ix_clinic_tags_clinic_id"), "clinic_tags", ["clinic_id"])
    op.create_table(
        "person_tags",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_tags_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["clinic_tags.id"],
            name=op.f("fk_person_tags_tag_id_clinic_tags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["accounts.id"],
            name=op.f("fk_person_tags_added_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", "tag_id", name=op.f("pk_person_tags")),
    )
    op.create_index(op.f("ix_person_tags_tag_id"), "person_tags", ["tag_id"])
    op.create_table(
        "person_assignments",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_assignments_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_person_assignments_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_person_assignments_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"],
            ["accounts.id"],
            name=op.f("fk_person_assignments_assigned_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", "clinic_id", name=op.f("pk_person_assignments")),
    )
    op.create_index(op.f("ix_person_assignments_account_id"), "person_assignments", ["account_id"])
    op.add_column("person_summaries", sa.Column("last_alert_id", sa.Integer(), nullable=True))
    from nightbridge.storage.repositories.summaries import SummaryRepository

    with Session(bind=op.get_bind()) as session:
        SummaryRepository(session).rebuild_all()


def downgrade() -> None:
    op.execute("ALTER TABLE person_summaries DROP COLUMN last_alert_id")
    op.drop_table("person_assignments")
    op.drop_table("person_tags")
    op.drop_table("clinic_tags")
    op.drop_table("person_reviews")
