"""The 超时预警 drill-down index (stages by unit, stage and finish day) for every database: 0002 created it only
when upgrading, so a database made new at 0002 or 0003 lacked it and a drill-down scanned all stage rows (at 1 M
cases, two minutes). It is in the model now; this adds it where it is missing."""

import sqlalchemy as sa
from alembic import op

revision = "0004_drill_index_in_model"
down_revision = "0003_outbox_claim"
branch_labels = None
depends_on = None


def upgrade() -> None:
    indexes = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("stages")}
    if "ix_stages_unit_stage_finished" not in indexes:
        op.create_index("ix_stages_unit_stage_finished", "stages", ["unit_code", "stage_code", "finished_on"])
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value="9"))


def downgrade() -> None:
    pass  # 0002 owns the index
