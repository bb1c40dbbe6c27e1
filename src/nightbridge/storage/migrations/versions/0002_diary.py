"""diary: tables of the diary area

Revision ID: 0002_diary
Revises: 0001_persons
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0002_diary"
down_revision = "0001_persons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
