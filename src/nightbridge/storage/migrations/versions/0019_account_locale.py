"""accounts.locale: the language the account chose (issue 16); NULL follows the browser

Revision ID: 0019_account_locale
Revises: 0018_notification_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_account_locale"
down_revision = "0018_notification_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("locale", sa.String(16), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE accounts DROP COLUMN locale")
