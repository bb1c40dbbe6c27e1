"""safety: tables of the safety area

Revision ID: 0003_safety
Revises: 0002_diary
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_safety"
down_revision = "0002_diary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
