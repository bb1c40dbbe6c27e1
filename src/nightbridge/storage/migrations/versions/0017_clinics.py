"""clinics: clinics, their members and invites; shares to a clinic or one clinician,
view or manage (issue 14 item 1)

Existing shares are person-to-clinician shares that had full manage rights: they become
``manage`` shares to that clinician (``access`` defaults to ``manage``). Existing invites
were redeemable by any clinician: they stay so (``for_account_id`` empty) and make
``manage`` shares, until they expire.

Revision ID: 0017_clinics
Revises: 0016_shared_notes
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_clinics"
down_revision = "0016_shared_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("share_code", sa.String(16), nullable=False),
        sa.Column("on_call_email", sa.String(254), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
        sa.UniqueConstraint("share_code", name=op.f("uq_clinics_share_code")),
    )
    op.create_table(
        "clinic_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_members_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_clinic_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_members")),
    )
    op.create_index(op.f("ix_clinic_members_clinic_id"), "clinic_members", ["clinic_id"])
    op.create_index(
        "ix_clinic_members_account_clinic", "clinic_members", ["account_id", "clinic_id"]
    )
    op.create_table(
        "clinic_invites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_clinic_invites_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_clinic_invites_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["accounts.id"],
            name=op.f("fk_clinic_invites_invited_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_invites")),
    )
    op.create_index(op.f("ix_clinic_invites_clinic_id"), "clinic_invites", ["clinic_id"])
    op.create_index(op.f("ix_clinic_invites_account_id"), "clinic_invites", ["account_id"])
    op.create_index(op.f("ix_clinic_invites_invited_by"), "clinic_invites", ["invited_by"])

    # shares and invites: nothing refers to either, so SQLite's batch copy cascades nowhere
    with op.batch_alter_table("shares") as batch:
        batch.alter_column("clinician_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("clinic_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("access", sa.String(8), nullable=False, server_default="manage"))
        batch.create_foreign_key(
            "fk_shares_clinic_id_clinics", "clinics", ["clinic_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_shares_clinic_id", ["clinic_id"])
        batch.create_check_constraint(
            "ck_shares_one_grantee", "(clinician_id IS NULL) <> (clinic_id IS NULL)"
        )
        batch.create_check_constraint("ck_shares_access", "access IN ('view', 'manage')")
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("for_account_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("access", sa.String(8), nullable=False, server_default="manage"))
        batch.create_foreign_key(
            "fk_invites_for_account_id_accounts",
            "accounts",
            ["for_account_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_invites_for_account_id", ["for_account_id"])


def downgrade() -> None:
    op.execute("DELETE FROM shares WHERE clinic_id IS NOT NULL")
    with op.batch_alter_table("invites") as batch:
        batch.drop_index("ix_invites_for_account_id")
        batch.drop_constraint("fk_invites_for_account_id_accounts", type_="foreignkey")
        batch.drop_column("access")
        batch.drop_column("for_account_id")
    with op.batch_alter_table("shares") as batch:
        batch.drop_constraint("ck_shares_access", type_="check")
        batch.drop_constraint("ck_shares_one_grantee", type_="check")
        batch.drop_index("ix_shares_clinic_id")
        batch.drop_constraint("fk_shares_clinic_id_clinics", type_="foreignkey")
        batch.drop_column("access")
        batch.drop_column("clinic_id")
        batch.alter_column("clinician_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("clinic_invites")
    op.drop_table("clinic_members")
    op.drop_table("clinics")
