"""toolkit: tables of the toolkit area

Revision ID: 0006_toolkit
Revises: 0005_accounts
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_toolkit"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
