"""audit trail: TRUNCATE refused on PostgreSQL too

The row trigger of 0005 refuses UPDATE and DELETE on ``audit_events``; a TRUNCATE does
not fire row triggers, so one statement could empty the trail. A statement trigger now
refuses it as well (OWASP ASVS 5.0 16.4.2; HIPAA 164.312(b)). SQLite has no TRUNCATE
(its DELETE without WHERE fires the row trigger).

Only a superuser can get past these triggers (``session_replication_role = replica``
turns triggers off and needs superuser rights): run the app as an ordinary role that
owns its tables (docs/security.md). The test suite, which empties every table between
tests, does exactly that as the test server's superuser (tests/conftest.py).

Revision ID: 0012_audit_no_truncate
Revises: 0011_login_throttles
"""

from alembic import op

revision = "0012_audit_no_truncate"
down_revision = "0011_login_throttles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
