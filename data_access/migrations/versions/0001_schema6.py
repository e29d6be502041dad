"""The schema of release 6 (units … audit_log), made by create_all before migrations existed.

A database of that release is stamped at this revision by `board upgrade-db` and upgraded from here; its tables
are already there, so there is nothing to do.
"""

revision = "0001_schema6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
