"""The three case indexes a province reads ranges of carry the columns those queries read after the range, so that
the rows found are not each looked up in a 1 M-row table: a past day's open cases (1.22 s → 0.25 s on SQLite), the
cases energized in a period (0.33 s → 0.02 s), the cases applied per day of the weekly trend. Same names, wider
keys: each is dropped and made again (a few seconds each at 1 M cases)."""

import sqlalchemy as sa
from alembic import op

from data_access.migrate import set_schema_version

revision = "0007_covering_case_indexes"
down_revision = "0006_open_bands"
branch_labels = None
depends_on = None

# as in data_access/models.py at this revision
WIDE = {
    "ix_cases_applied_on": ["applied_on", "unit_code", "status"],
    "ix_cases_unit_energized": ["unit_code", "energized_on", "status", "customer_class", "connect_days", "grid_wd",
                                "satisfaction", "records_ok"],  # fmt: skip
    "ix_cases_open_band": ["open_band", "unit_code", "applied_on", "energized_on", "status", "case_id",
                           "customer_class", "capacity_kva", "voltage_kv", "key_project", "manager", "customer_name",
                           "feeder_code", "lat", "lon"],
}  # fmt: skip
NARROW = {
    "ix_cases_applied_on": ["applied_on"],
    "ix_cases_unit_energized": ["unit_code", "energized_on"],
    "ix_cases_open_band": ["open_band", "unit_code", "applied_on", "energized_on"],
}


def _reshape(indexes: dict[str, list[str]]) -> None:
    existing = {ix["name"]: ix["column_names"] for ix in sa.inspect(op.get_bind()).get_indexes("cases")}
    for name, columns in indexes.items():
        if existing.get(name) == columns:
            continue
        if name in existing:
            op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns)


def upgrade() -> None:
    _reshape(WIDE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE cases")  # the planner's statistics of the new indexes (autovacuum may be off)
    set_schema_version("12")


def downgrade() -> None:
    _reshape(NARROW)
    set_schema_version("11")
