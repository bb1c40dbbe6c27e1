"""clinician_notes: whether the clinician shared the note with the person (issue 14 item 6)

Existing notes were written as the clinicians' own: they stay unshared.

Revision ID: 0016_shared_notes
Revises: 0015_safety_profile
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_shared_notes"
down_revision = "0015_safety_profile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "clinician_notes",
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE clinician_notes DROP COLUMN shared")
