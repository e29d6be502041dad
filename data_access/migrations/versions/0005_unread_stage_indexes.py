"""Drop the two stage indexes by finish day that no query reads any more (period measures read the stage_daily
rollup; the drill-down has its own (unit, stage, finish day) index): at 1 M cases each cost a first load about 35 s
and every daily file its upkeep."""

import sqlalchemy as sa
from alembic import op

revision = "0005_unread_stage_indexes"
down_revision = "0004_drill_index_in_model"
branch_labels = None
depends_on = None

GONE = {"ix_stages_unit_finished": ["unit_code", "finished_on"], "ix_stages_finished": ["finished_on"]}


def upgrade() -> None:
    indexes = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("stages")}
    for name in GONE:
        if name in indexes:
            op.drop_index(name, table_name="stages")
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value="10"))


def downgrade() -> None:
    for name, columns in GONE.items():
        op.create_index(name, "stages", columns)
