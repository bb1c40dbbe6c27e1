"""import jobs: device exports uploaded through the web app, imported in the background

Revision ID: 0007_import_jobs
Revises: 0006_toolkit
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_import_jobs"
down_revision = "0006_toolkit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("bytes_done", sa.BigInteger(), nullable=False),
        sa.Column("bytes_total", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.String(2000), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_import_jobs_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_person_id"), "import_jobs", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_person_id"), table_name="import_jobs")
    op.drop_table("import_jobs")
