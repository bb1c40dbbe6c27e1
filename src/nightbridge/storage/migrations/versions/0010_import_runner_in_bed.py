"""import jobs: which process runs each job, and where its upload waits; device nights:
the other source whose in-bed interval set a night's time in bed

Revision ID: 0010_import_runner_in_bed
Revises: 0009_idempotency_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_import_runner_in_bed"
down_revision = "0009_idempotency_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_nights") as batch:
        batch.add_column(sa.Column("in_bed_source", sa.String(200), nullable=True))
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(sa.Column("runner", sa.String(200), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("upload_dir", sa.String(1000), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("upload_dir")
        batch.drop_column("runner")
    with op.batch_alter_table("device_nights") as batch:
        batch.drop_column("in_bed_source")
