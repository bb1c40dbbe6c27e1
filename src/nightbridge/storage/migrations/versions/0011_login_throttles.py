"""login throttles per client and the devices known to each account

Failed logins are counted per client (``login_throttles``) as well as per account; a
browser that has logged in to an account before (``known_devices``, the SHA-256 of its
device cookie) may still try while the account is throttled (issue 12 item 3; NIST SP
800-63B 5.2.2, OWASP ASVS 5.0 6.3.1).

Revision ID: 0011_login_throttles
Revises: 0010_import_runner_in_bed
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_login_throttles"
down_revision = "0010_import_runner_in_bed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_blocked_until"), "login_throttles", ["blocked_until"])
    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_known_devices_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint("account_id", "token_hash", name=op.f("uq_known_devices_account_id")),
    )
    op.create_index(op.f("ix_known_devices_account_id"), "known_devices", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_known_devices_account_id"), table_name="known_devices")
    op.drop_table("known_devices")
    op.drop_index(op.f("ix_login_throttles_blocked_until"), table_name="login_throttles")
    op.drop_table("login_throttles")
