"""accounts: tables of the accounts area

Revision ID: 0005_accounts
Revises: 0004_devices
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_accounts"
down_revision = "0004_devices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
