"""Schema upgrades in place (Alembic): users, tokens, the audit log, the outbox, the calendar and the cases stay.

A new database is created from the models and stamped at the newest revision; a database of release 6 (made before
migrations existed, `meta.schema_version` 6) is stamped at the first revision and upgraded from there.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

FOLDER = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_schema6"


class SchemaOutdated(RuntimeError):
    """The database's schema is older than this release's: `board upgrade-db` brings it up to date."""

    def __init__(self, current: str | None, head: str):
        super().__init__(f"数据库结构版本 {current or '6（迁移前）'} 早于本版本的 {head}：请先运行 board upgrade-db")
        self.current, self.head = current, head


def set_schema_version(value: str) -> None:
    """Inside a migration: `meta.schema_version`, the number the app and older tools read, set to `value`."""
    import sqlalchemy as sa
    from alembic import op

    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
    op.execute(meta.insert().values(key="schema_version", value=value))


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(FOLDER))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision a database is at (None: never stamped)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_board_tables(engine: Engine) -> bool:
    return inspect(engine).has_table("meta")


def stamp_head(engine: Engine) -> None:
    _run(engine, command.stamp, head())


def check(engine: Engine) -> None:
    """Raise SchemaOutdated when a database with the board's tables is behind this release."""
    if has_board_tables(engine):
        now = current(engine)
        if now != head():
            raise SchemaOutdated(now, head())


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring a database to the newest revision; returns (revision before, revision after)."""
    before = current(engine)
    if before is None and has_board_tables(engine):
        _run(engine, command.stamp, BASELINE)
    _run(engine, command.upgrade, "head")
    after = current(engine)
    if after != before and engine.dialect.name == "postgresql":
        _vacuum(engine)
    return before, after


def _vacuum(engine: Engine) -> None:
    """VACUUM (ANALYZE) the two large tables after an upgrade, outside its transaction (VACUUM refuses to run in
    one): rewritten or re-indexed tables have no page marked all-visible, so PostgreSQL's index-only scans — what
    the covering case indexes of 0007 are for — visit the table for every row until autovacuum comes by (the cases
    energized in 30 days at 1 M cases: 0.16–0.6 s before, 0.03–0.05 s after). About 3.5 s at 1 M cases."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("cases", "stages"):
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")


def _run(engine: Engine, fn, revision: str) -> None:
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, revision)
