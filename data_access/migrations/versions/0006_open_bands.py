"""Cases and stages keep the band of their open span (data_access/spans.py) with an index by band and start, so
the rows open on a past day are read by a few short index ranges instead of every case energized since that day.
Existing rows get their band here, in SQL, by the same rule as the import (a test compares the two)."""

import sqlalchemy as sa
from alembic import op

revision = "0006_open_bands"
down_revision = "0005_unread_stage_indexes"
branch_labels = None
depends_on = None

LONG, OPEN, ON_TIME = 11, 12, 16  # as in data_access/spans.py at this revision


def _band(start: str, end: str, sqlite: bool) -> str:
    days = f"(julianday({end}) - julianday({start}))" if sqlite else f"({end} - {start})"
    steps = " ".join(f"WHEN {days} <= {2**k} THEN {k}" for k in range(LONG))
    return f"CASE WHEN {start} IS NULL THEN NULL WHEN {end} IS NULL THEN {OPEN} {steps} ELSE {LONG} END"


def backfill(sqlite: bool) -> list[str]:
    """The UPDATEs that give existing rows their band (a test runs them against the import's)."""
    case_band = _band("applied_on", "energized_on", sqlite)
    on_time = "on_time IS 1" if sqlite else "on_time IS TRUE"
    stage_band = _band("started_on", "finished_on", sqlite)
    return [
        f"UPDATE cases SET open_band = CASE WHEN status = 'cancelled' THEN NULL ELSE {case_band} END",
        f"UPDATE stages SET open_band = {stage_band} + CASE WHEN {on_time} THEN {ON_TIME} ELSE 0 END",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    for table in ("cases", "stages"):
        if "open_band" not in {c["name"] for c in sa.inspect(bind).get_columns(table)}:
            op.add_column(table, sa.Column("open_band", sa.Integer(), nullable=True))
    for statement in backfill(bind.dialect.name == "sqlite"):
        op.execute(statement)
    for table, name, columns in (
        ("cases", "ix_cases_open_band", ["open_band", "unit_code", "applied_on", "energized_on"]),
        ("stages", "ix_stages_open_band", ["open_band", "unit_code", "started_on", "finished_on"]),
    ):
        if name not in {ix["name"] for ix in sa.inspect(bind).get_indexes(table)}:
            op.create_index(name, table, columns)
    if bind.dialect.name == "postgresql":
        # the UPDATEs left a dead copy of every row: the tables doubled (stages 1.3 → 2.7 GB at 1 M cases) and every
        # scan read twice the pages; CLUSTER writes them anew, in the order an import writes them (by case)
        op.execute("CLUSTER stages USING ix_stages_case")
        op.execute("CLUSTER cases USING cases_pkey")
        op.execute("ANALYZE cases")  # the planner's view of the new column (autovacuum may be off)
        op.execute("ANALYZE stages")
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value="11"))


def downgrade() -> None:
    op.drop_index("ix_stages_open_band", table_name="stages")
    op.drop_index("ix_cases_open_band", table_name="cases")
    with op.batch_alter_table("stages") as batch:
        batch.drop_column("open_band")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("open_band")
