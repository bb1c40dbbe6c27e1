"""accounts.totp_secret: sealed at rest with a key outside the database (issue 12 item 9)

The column now holds ``v1:<key id>:<token>`` (AES-GCM; ``services.accounts.totp_keys``),
so it is widened to 255 characters on PostgreSQL (SQLite does not enforce a VARCHAR
length, and a batch copy of ``accounts`` there would cascade to the sessions, shares and
notes that refer to it, so its declared type is left as it was). Every secret still in
the clear is sealed in the same transaction, with the sealer ``nightbridge migrate``
hands in (``config.attributes["totp_sealer"]``, built from the key file setting). With
secrets to seal and no sealer, the migration is refused and nothing changes.

Revision ID: 0020_totp_sealed
Revises: 0019_account_locale
"""

import sqlalchemy as sa
from alembic import context, op

from nightbridge.storage.schema import StoreRefused

revision = "0020_totp_sealed"
down_revision = "0019_account_locale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.alter_column(
            "accounts",
            "totp_secret",
            type_=sa.String(255),
            existing_type=sa.String(64),
            existing_nullable=True,
        )
    clear = [
        (row.id, row.totp_secret)
        for row in bind.execute(
            sa.text(
                "SELECT id, totp_secret FROM accounts WHERE totp_secret IS NOT NULL "
                "AND totp_secret NOT LIKE 'v1:%' ORDER BY id"
            )
        )
    ]
    if not clear:
        return
    sealer = context.config.attributes.get("totp_sealer")
    if sealer is None:
        raise StoreRefused(
            f"{len(clear)} accounts have two-step login secrets stored in the clear, and "
            "this migration seals them with the TOTP key file: run `nightbridge migrate` "
            "(it uses NIGHTBRIDGE_TOTP_KEY_FILE, default totp.key in the home folder). "
            "Nothing was changed."
        )
    update = sa.text("UPDATE accounts SET totp_secret = :sealed WHERE id = :id")
    for account_id, secret in clear:
        bind.execute(update, {"sealed": sealer(account_id, secret), "id": account_id})


def downgrade() -> None:
    # Sealed secrets cannot be opened here (the key is outside the database): a
    # downgrade ends every account's two-step login, which an admin sets up again.
    op.execute(
        "UPDATE accounts SET totp_secret = NULL, totp_confirmed = false, "
        "totp_last_step = NULL WHERE totp_secret IS NOT NULL"
    )
