"""A first load takes the bulk path (indexes and, on PostgreSQL, foreign keys rebuilt after the rows, COPY, the
rollup from the frames); it must leave what the row-by-row path leaves: the same rollup as the SQL rebuild, every
index and key back in place, and a later daily file on top still correct. On SQLite and PostgreSQL."""

import pandas as pd
from sqlalchemy import inspect

from board.ingest.importer import export_data, import_path
from board.usecases.service import BoardService
from data_access import held, rollup
from data_access.models import Case, Stage

KEY = ["unit_code", "stage_code", "finished_on", "voltage_band", "customer_class", "key_project"]


def _rollup(engine) -> pd.DataFrame:
    frame = pd.read_sql("SELECT * FROM stage_daily", engine)
    frame["finished_on"] = pd.to_datetime(frame["finished_on"])
    frame["key_project"] = frame["key_project"].astype(bool)
    return frame.sort_values(KEY).reset_index(drop=True)


def _held(engine) -> pd.DataFrame:
    frame = pd.read_sql("SELECT * FROM held_daily", engine)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.sort_values(held.KEYS).reset_index(drop=True)


def _both(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _rollup(engine), _held(engine)


def _assert_as_rebuilt(engine) -> None:
    """Both rollups hold what rebuilding them from the stored rows gives."""
    kept = _both(engine)
    with engine.begin() as conn:
        rollup.rebuild(conn)
        held.rebuild(conn)
    for got, want in zip(kept, _both(engine)):
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_first_load_then_daily_file_match_the_sql_rollup(demo_settings, any_svc, tmp_path):
    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    result = import_path(any_svc.engine, tmp_path / "all", any_svc.rules)
    bulk = _rollup(any_svc.engine)
    assert len(_held(any_svc.engine)) > 0
    _assert_as_rebuilt(any_svc.engine)
    stored = pd.read_sql("SELECT COUNT(*) AS n FROM stages", any_svc.engine)["n"].iloc[0]
    assert len(bulk) > 0 and result.written["stages"] == stored

    names = lambda t: {ix["name"] for ix in inspect(any_svc.engine).get_indexes(t.name)}  # noqa: E731
    assert {ix.name for ix in Stage.__table__.indexes} <= names(Stage.__table__)
    assert {ix.name for ix in Case.__table__.indexes} <= names(Case.__table__)
    fks = inspect(any_svc.engine).get_foreign_keys("stages")
    assert [(fk["referred_table"], fk.get("options", {}).get("ondelete")) for fk in fks] == [("cases", "CASCADE")]

    # a daily file on top: 50 cases again, replacing their stored rows
    cases = pd.read_csv(tmp_path / "all" / "cases.csv", dtype=str, keep_default_na=False).tail(50)
    stages = pd.read_csv(tmp_path / "all" / "stages.csv", dtype=str, keep_default_na=False)
    stages = stages[stages["case_id"].isin(set(cases["case_id"]))].copy()
    (tmp_path / "day").mkdir()
    cases.to_csv(tmp_path / "day" / "cases.csv", index=False)
    stages.to_csv(tmp_path / "day" / "stages.csv", index=False)
    import_path(any_svc.engine, tmp_path / "day", any_svc.rules)
    _assert_as_rebuilt(any_svc.engine)


def test_daily_file_that_changes_cases_moves_the_rollup_like_a_rebuild(demo_settings, any_svc, tmp_path):
    """The rollup follows a daily file by delta (what the replaced rows added, taken away; what the new ones add,
    added); it must end where rebuilding from the stage rows ends, whatever the file changes."""
    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    import_path(any_svc.engine, tmp_path / "all", any_svc.rules)
    cases = pd.read_csv(tmp_path / "all" / "cases.csv", dtype=str, keep_default_na=False)
    stages = pd.read_csv(tmp_path / "all" / "stages.csv", dtype=str, keep_default_na=False)
    done = stages[stages["finished_on"] != ""]
    picked = cases[cases["case_id"].isin(set(done["case_id"]))].sample(60, random_state=1).copy()
    ids = list(picked["case_id"])
    day = stages[stages["case_id"].isin(set(ids))].copy()
    # voltage moves 20 cases to another band; 20 cases' stages get one more attempt (first_pass); 10 cases keep
    # their row but lose every stage; 5 are cancelled, 5 applied a year later (held_daily); the rest sent unchanged
    picked.loc[picked["case_id"].isin(ids[:20]), "voltage_kv"] = "35"
    day.loc[day["case_id"].isin(ids[20:40]), "attempts"] = "2"
    day = day[~day["case_id"].isin(ids[40:50])]
    picked.loc[picked["case_id"].isin(ids[50:55]), "status"] = "cancelled"
    later = picked["case_id"].isin(ids[55:60])
    picked.loc[later, "applied_on"] = (
        pd.to_datetime(picked.loc[later, "applied_on"]) + pd.Timedelta(days=365)
    ).dt.strftime("%Y-%m-%d")
    (tmp_path / "day").mkdir()
    picked.to_csv(tmp_path / "day" / "cases.csv", index=False)
    day.to_csv(tmp_path / "day" / "stages.csv", index=False)
    before = _both(any_svc.engine)
    import_path(any_svc.engine, tmp_path / "day", any_svc.rules)
    after = _both(any_svc.engine)
    _assert_as_rebuilt(any_svc.engine)
    assert not before[0].equals(after[0]) and not before[1].equals(after[1])


def test_a_full_export_loaded_again_replaces_everything_in_bulk(demo_settings, any_svc, tmp_path, monkeypatch):
    """Re-importing every stored case (the same export, or a monthly full one) clears the two tables and takes the
    first load's bulk path; it must leave what a first load of the new files leaves."""
    from data_access import writer

    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    import_path(any_svc.engine, tmp_path / "all", any_svc.rules)
    stages = pd.read_csv(tmp_path / "all" / "stages.csv", dtype=str, keep_default_na=False)
    stages.loc[stages.index[::7], "attempts"] = "3"  # the new export differs from the stored data
    (tmp_path / "again").mkdir()
    for name in ("units", "substations", "feeders", "cases"):
        (tmp_path / "again" / f"{name}.csv").write_bytes((tmp_path / "all" / f"{name}.csv").read_bytes())
    stages.to_csv(tmp_path / "again" / "stages.csv", index=False)
    took = []
    real = writer._replaces_every_case
    monkeypatch.setattr(
        writer, "_replaces_every_case", lambda conn, frames: took.append(real(conn, frames)) or took[-1]
    )
    result = import_path(any_svc.engine, tmp_path / "again", any_svc.rules)
    assert took == [True] and result.written["stages"] == len(stages)
    _assert_as_rebuilt(any_svc.engine)
    stored = pd.read_sql("SELECT COUNT(*) AS n, SUM(attempts) AS a FROM stages", any_svc.engine).iloc[0]
    assert stored["n"] == len(stages) and stored["a"] == pd.to_numeric(stages["attempts"].replace("", "1")).sum()
    names = lambda t: {ix["name"] for ix in inspect(any_svc.engine).get_indexes(t.name)}  # noqa: E731
    assert {ix.name for ix in Stage.__table__.indexes} <= names(Stage.__table__)


def test_stage_rows_of_stored_cases_take_their_attributes_from_the_database(demo_settings, any_svc, tmp_path):
    """A file of stage rows only (no cases.csv), so every case it names is a stored one: each row still gets its
    stored case's unit, chain and limit, and the same finished outcomes as the first load gave it."""
    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    import_path(any_svc.engine, tmp_path / "all", any_svc.rules)
    columns = "case_id, stage_code, unit_code, chain, limit_days, limit_unit, elapsed, elapsed_cd, on_time"
    stored = pd.read_sql(f"SELECT {columns} FROM stages ORDER BY case_id, stage_code", any_svc.engine)
    stages = pd.read_csv(tmp_path / "all" / "stages.csv", dtype=str, keep_default_na=False)
    ids = sorted(set(stages["case_id"]))[::7][:40]
    (tmp_path / "day").mkdir()
    stages[stages["case_id"].isin(ids)].to_csv(tmp_path / "day" / "stages.csv", index=False)
    result = import_path(any_svc.engine, tmp_path / "day", any_svc.rules)
    assert result.written["stages"] == int(stages["case_id"].isin(ids).sum())
    again = pd.read_sql(f"SELECT {columns} FROM stages ORDER BY case_id, stage_code", any_svc.engine)
    assert again["unit_code"].notna().all()
    pd.testing.assert_frame_equal(again, stored, check_dtype=False)


def test_awkward_values_are_written_as_they_are(any_svc):
    """Tabs, newlines, backslashes and a literal \\N in text, gaps in numbers, dates and flags: PostgreSQL takes
    them as COPY text, SQLite as bound parameters, and both give back what went in."""
    from sqlalchemy import select

    from data_access.engine import session_scope
    from data_access.models import Unit
    from data_access.writer import insert_frame

    rows = [("R", "根\n公司", None), ("A\tB", "back\\slash", "R"), ("C\\N", "", "R"), ("\\N", "回车\r", "R")]
    units = pd.DataFrame(rows, columns=["unit_code", "unit_name", "parent_code"], dtype=object)
    units["level"] = [0, 1, 1, 1]
    units["path"] = ["/R/" + ("" if p is None else c + "/") for c, _n, p in rows]
    with any_svc.engine.begin() as conn:
        conn.execute(Unit.__table__.delete())
        assert insert_frame(conn, Unit.__table__, units) == 4
    with session_scope(any_svc.engine) as s:
        back = s.execute(select(Unit.unit_code, Unit.unit_name, Unit.parent_code).order_by(Unit.level)).all()
    assert sorted(map(tuple, back), key=str) == sorted(rows, key=str)


def test_the_upgrade_to_0009_fills_held_daily_as_a_first_load_does(demo_settings, any_svc, tmp_path):
    """Migration 0009 adds the held_daily rollup to a database that has data: the rows a first load computes from
    its frames, with the models' index; its downgrade takes both away."""
    from sqlalchemy import text

    from data_access import migrate
    from data_access.engine import SCHEMA_VERSION

    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    import_path(any_svc.engine, tmp_path / "all", any_svc.rules)
    loaded = _held(any_svc.engine)
    assert len(loaded) > 100
    migrate._run(any_svc.engine, __import__("alembic.command").command.downgrade, "0008_replied_on")
    assert "held_daily" not in inspect(any_svc.engine).get_table_names()
    migrate.upgrade(any_svc.engine)
    pd.testing.assert_frame_equal(_held(any_svc.engine), loaded, check_dtype=False)
    index = {ix["name"]: ix["column_names"] for ix in inspect(any_svc.engine).get_indexes("held_daily")}
    assert index["ix_held_daily_day"] == ["day", "case_unit", "unit_code", "party", "n", "days"]
    with any_svc.engine.connect() as conn:
        assert conn.scalar(text("SELECT value FROM meta WHERE key = 'schema_version'")) == SCHEMA_VERSION == "14"
