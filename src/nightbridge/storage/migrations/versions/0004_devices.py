"""devices: tables of the devices area

Revision ID: 0004_devices
Revises: 0003_safety
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_devices"
down_revision = "0003_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
