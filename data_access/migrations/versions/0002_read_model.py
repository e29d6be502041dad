"""The read model (rm_* tables) and the index the 超时预警 drill-down of a late stage reads."""

import sqlalchemy as sa
from alembic import op

revision = "0002_read_model"
down_revision = "0001_schema6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from data_access import read_tables

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    # derived tables: created as the models define them (a database that ran this release's create_all has them)
    for table in (read_tables.ReadState, read_tables.ReadCase, read_tables.ReadStage, read_tables.ReadWeekOverdue,
                  read_tables.ReadBlob):  # fmt: skip
        if table.__tablename__ not in existing:
            table.__table__.create(bind)
    indexes = {ix["name"] for ix in sa.inspect(bind).get_indexes("stages")}
    if "ix_stages_unit_stage_finished" not in indexes:
        op.create_index("ix_stages_unit_stage_finished", "stages", ["unit_code", "stage_code", "finished_on"])
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value="7"))


def downgrade() -> None:
    op.drop_index("ix_stages_unit_stage_finished", table_name="stages")
    for name in ("rm_blob", "rm_week_overdue", "rm_stage", "rm_case", "rm_state"):
        op.drop_table(name)
