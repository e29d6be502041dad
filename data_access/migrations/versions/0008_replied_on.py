"""Cases keep the day their 供电方案 was answered (`replied_on`, the reply stage's finish, derived at import like
`energized_on`), in the band index beside the other columns 可开放容量 reads: a feeder's promised kVA then needs no
lookup of each open case's reply stage (a province's feeder load 1.0–1.3 s). Existing rows are filled in SQL from
the shipped rules' reply stages (G3 for high voltage, L1 for low), as a test checks against the import."""

import sqlalchemy as sa
from alembic import op

from data_access.migrate import set_schema_version

revision = "0008_replied_on"
down_revision = "0007_covering_case_indexes"
branch_labels = None
depends_on = None

REPLY = {"high": "G3", "low": "L1"}  # board/data/rules.json's reply_stage at this revision
BAND = ["open_band", "unit_code", "applied_on", "energized_on", "status", "case_id", "customer_class", "capacity_kva",
        "voltage_kv", "key_project", "manager", "customer_name", "feeder_code", "lat", "lon"]  # fmt: skip


def backfill() -> str:
    """The UPDATE that gives existing cases their reply day (a test runs it against the import's)."""
    return (
        "UPDATE cases SET replied_on = (SELECT s.finished_on FROM stages s WHERE s.case_id = cases.case_id AND "
        f"s.stage_code = CASE WHEN cases.customer_class = 'high' THEN '{REPLY['high']}' ELSE '{REPLY['low']}' END)"
    )


def _band_index(columns: list[str]) -> None:
    op.drop_index("ix_cases_open_band", table_name="cases")
    op.create_index("ix_cases_open_band", "cases", columns)


def upgrade() -> None:
    bind = op.get_bind()
    if "replied_on" not in {c["name"] for c in sa.inspect(bind).get_columns("cases")}:
        op.add_column("cases", sa.Column("replied_on", sa.Date(), nullable=True))
    op.execute(backfill())
    _band_index([*BAND, "replied_on"])
    if bind.dialect.name == "postgresql":
        # the UPDATE left a dead copy of every case: written anew, as 0006 did (a VACUUM follows the upgrade)
        op.execute("CLUSTER cases USING cases_pkey")
    set_schema_version("13")


def downgrade() -> None:
    _band_index(BAND)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("replied_on")
    set_schema_version("12")
