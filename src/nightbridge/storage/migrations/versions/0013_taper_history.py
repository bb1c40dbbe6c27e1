"""taper history: who set each schedule and hold, and whether a raise was confirmed

Every change of a person's taper is already a row (``tapers`` keeps the old schedules,
inactive; ``taper_holds`` the holds); these columns say who made it, so the taper pages
and the API can show the history: who, when, from what to what (definitions.md
section 5). Rows from before this migration have no ``set_by`` (shown as "not recorded").

Revision ID: 0013_taper_history
Revises: 0012_audit_no_truncate
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_taper_history"
down_revision = "0012_audit_no_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tapers") as batch:
        batch.add_column(sa.Column("set_by", sa.String(16), nullable=True))
        batch.add_column(sa.Column("set_by_account_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("raise_confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_tapers_set_by_account_id_accounts",
            "accounts",
            ["set_by_account_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("taper_holds") as batch:
        batch.add_column(sa.Column("set_by", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("on_save", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("set_by_account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_taper_holds_set_by_account_id_accounts",
            "accounts",
            ["set_by_account_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("taper_holds") as batch:
        batch.drop_constraint("fk_taper_holds_set_by_account_id_accounts", type_="foreignkey")
        batch.drop_column("on_save")
        batch.drop_column("set_by_account_id")
        batch.drop_column("set_by")
    with op.batch_alter_table("tapers") as batch:
        batch.drop_constraint("fk_tapers_set_by_account_id_accounts", type_="foreignkey")
        batch.drop_column("raise_confirmed")
        batch.drop_column("set_by_account_id")
        batch.drop_column("set_by")
