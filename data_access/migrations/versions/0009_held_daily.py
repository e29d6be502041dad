"""The held_daily rollup (models.HeldDaily): what the finished stages of a past day's open cases held, per case
unit, stage unit and party, added up by day in place of reading those stages (a province's past day: 400 k stage
rows, 1.5 s). Filled here from the stored rows by the same SQL `board recompute` uses."""

import sqlalchemy as sa
from alembic import op

from data_access.migrate import set_schema_version

revision = "0009_held_daily"
down_revision = "0008_replied_on"
branch_labels = None
depends_on = None

COLUMNS = ["day", "case_unit", "unit_code", "party", "n", "days"]


def upgrade() -> None:
    from data_access import held

    bind = op.get_bind()
    if not sa.inspect(bind).has_table("held_daily"):
        op.create_table(
            "held_daily",
            sa.Column("day", sa.Date(), primary_key=True),
            sa.Column("case_unit", sa.String(32), primary_key=True),
            sa.Column("unit_code", sa.String(32), primary_key=True),
            sa.Column("party", sa.String(12), primary_key=True),
            sa.Column("n", sa.Integer(), nullable=False),
            sa.Column("days", sa.Integer(), nullable=False),
        )
        op.create_index("ix_held_daily_day", "held_daily", COLUMNS)
    held.rebuild(bind)
    set_schema_version("14")


def downgrade() -> None:
    op.drop_index("ix_held_daily_day", table_name="held_daily")
    op.drop_table("held_daily")
    set_schema_version("13")
