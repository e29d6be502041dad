"""A production database of release 6 (made before migrations) is upgraded in place: every row of every table stays,
the app and the import refuse to run on it until then, and `board upgrade-db` says what it did."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, create_engine, inspect, select, text

from board.cli import main
from board.config import Settings
from board.usecases.service import BoardService
from board.web.app import create_app
from data_access import migrate
from data_access.engine import SCHEMA_VERSION, init_db
from tests.conftest import PG_URL
from tests.fixtures import schema6_models as old


def _value(column, i: int):
    """A value of the column's type; keys and references line up between tables (row i refers to row 0)."""
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column
        return f"0{target.name}"[: target.type.length or 40]
    kind = type(column.type)
    if issubclass(kind, (String, Text)):
        return f"{i}{column.name}"[: getattr(column.type, "length", None) or 40]
    if issubclass(kind, Boolean):
        return True
    if issubclass(kind, Integer):
        return i + 1
    if issubclass(kind, Float):
        return i + 0.5
    if issubclass(kind, DateTime):
        return dt.datetime(2026, 5, i + 1, 8, 30)
    if issubclass(kind, Date):
        return dt.date(2026, 5, i + 1)
    raise AssertionError(kind)


def _fill(engine) -> None:
    old.Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in old.Base.metadata.sorted_tables:
            rows = [{c.name: _value(c, i) for c in table.columns if not (c.primary_key and c.autoincrement is True
                                                                          and isinstance(c.type, Integer))}
                    for i in range(2)]  # fmt: skip
            conn.execute(table.insert(), rows)
        conn.execute(old.Meta.__table__.insert(), [{"key": "schema_version", "value": "6"}])


def _snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(map(str, r)) for r in conn.execute(select(t))) for t in old.Base.metadata.sorted_tables
        }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_db(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'board.sqlite'}"
        engine = create_engine(url)
        yield url, engine
        engine.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set BOARD_TEST_POSTGRES_URL)")
    import uuid

    schema = f"u_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    engine = create_engine(url)
    yield url, engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_a_release_6_database_is_upgraded_with_every_row_intact(old_db, tmp_path):
    url, engine = old_db
    _fill(engine)
    before = _snapshot(engine)
    assert sum(map(len, before.values())) == 2 * len(before) + 1  # users, tokens, audit log, outbox, calendar, cases …
    settings = Settings(data_dir=str(tmp_path), database_url=url, auth=False)
    with pytest.raises(migrate.SchemaOutdated, match="board upgrade-db"):
        create_app(settings)  # the app refuses to serve it
    with pytest.raises(migrate.SchemaOutdated):
        BoardService(settings).init_db()  # and so does every command that writes
    result = CliRunner().invoke(main, ["--database-url", url, "--data-dir", str(tmp_path), "upgrade-db"])
    assert result.exit_code == 0 and f"→ {migrate.head()}" in result.output, result.output
    after = _snapshot(engine)
    for table, rows in before.items():
        if table == "meta":  # the schema version moved on; every other fact stays
            rows = [r for r in rows if r[0] != "schema_version"]
            assert [r for r in after[table] if r[0] != "schema_version"] == rows
            assert ("schema_version", SCHEMA_VERSION) in after[table]
        else:
            assert after[table] == rows, table
    names = set(inspect(engine).get_table_names())
    assert {"rm_case", "rm_stage", "rm_state", "alembic_version"} <= names
    stage_indexes = {ix["name"] for ix in inspect(engine).get_indexes("stages")}
    assert "ix_stages_unit_stage_finished" in stage_indexes
    assert not {"ix_stages_unit_finished", "ix_stages_finished"} & stage_indexes  # unread, dropped by 0005
    assert "claimed_at" in {c["name"] for c in inspect(engine).get_columns("notifications")}
    init_db(engine)  # now accepted
    create_app(settings)
    again = CliRunner().invoke(main, ["--database-url", url, "--data-dir", str(tmp_path), "upgrade-db"])
    assert again.exit_code == 0 and "已是最新" in again.output


def test_a_new_database_starts_at_the_newest_revision(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    init_db(engine)
    assert migrate.current(engine) == migrate.head()


def test_0007_gives_the_case_indexes_a_new_database_has_and_takes_them_back(old_db):
    """The covering case indexes: a database at 0006 gets exactly the models' columns (a new database's), and a
    downgrade gives back the narrow ones."""
    from alembic import command

    _url, engine = old_db
    init_db(engine)

    def case_indexes():
        return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("cases")}

    new = case_indexes()
    assert new["ix_cases_open_band"][:5] == ["open_band", "unit_code", "applied_on", "energized_on", "status"]
    migrate._run(engine, command.downgrade, "0006_open_bands")
    narrow = case_indexes()
    assert narrow["ix_cases_applied_on"] == ["applied_on"]
    assert narrow["ix_cases_open_band"] == ["open_band", "unit_code", "applied_on", "energized_on"]
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT value FROM meta WHERE key = 'schema_version'")) == "11"
    migrate.upgrade(engine)
    assert case_indexes() == new
    if engine.dialect.name == "postgresql":  # vacuumed after the upgrade: its index-only scans need no table visit
        with engine.connect() as conn:
            vacuumed = conn.scalar(text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relid = 'cases'::regclass"))
        assert vacuumed is not None
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT value FROM meta WHERE key = 'schema_version'")) == SCHEMA_VERSION
