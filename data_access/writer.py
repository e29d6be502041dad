"""Bulk writes in one transaction: a file set lands whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Connection, Integer, Table, delete, func, inspect, select, update

from . import held, rollup
from .models import CalendarDay, CalendarYear, Case, Feeder, HeldDaily, Meta, Stage, StageDaily, Substation, Unit
from .progress import Progress, silent
from .values import native

_CHUNK = 50_000
# parents before children on insert; children before parents on delete
_ORDER: list[tuple[str, Table, str]] = [
    ("units", Unit.__table__, "unit_code"),
    ("substations", Substation.__table__, "substation_code"),
    ("feeders", Feeder.__table__, "feeder_code"),
    ("cases", Case.__table__, "case_id"),
    ("stages", Stage.__table__, "case_id"),
]


def write_tables(
    conn: Connection, frames: dict[str, pd.DataFrame], data_version: str, progress: Progress = silent
) -> dict[str, int]:
    """Upsert units/substations/feeders, replace cases with all their stages; returns rows written per table.

    Runs inside the caller's transaction, so a failure anywhere leaves the database as it was.
    """
    written: dict[str, int] = {}
    # a full export loaded again: the two tables are cleared (inside the bulk block, so no index is kept up to
    # date row by row while they empty) and the rows go in as in a first load
    replaced_all = _replaces_every_case(conn, frames)
    empty_before = replaced_all or conn.execute(select(Stage.id).limit(1)).first() is None
    no_cases = replaced_all or conn.execute(select(Case.case_id).limit(1)).first() is None
    case_ids: list[str] = []
    before = held_before = None
    if not (empty_before and no_cases):  # a first load has nothing to replace
        case_ids = sorted({str(c) for name in ("cases", "stages") if name in frames for c in frames[name]["case_id"]})
        # what the replaced rows added to the rollup, read before they go (their case attributes too)
        before = rollup.contributions(conn, case_ids)
        held_before = held.contributions(conn, case_ids)
        # a replaced case brings its complete stage list, so its stale stages go first
        _delete_keys(conn, Stage.__table__, "case_id", case_ids)
        if "cases" in frames:
            _delete_keys(conn, Case.__table__, "case_id", sorted(frames["cases"]["case_id"].astype(str).unique()))
    for name, table, key in (("feeders", Feeder.__table__, "feeder_code"),
                             ("substations", Substation.__table__, "substation_code")):  # fmt: skip
        if name in frames:
            _delete_keys(conn, table, key, sorted(frames[name][key].astype(str).unique()))
    if "units" in frames:
        _upsert_units(conn, frames["units"])
        written["units"] = len(frames["units"])
    total = sum(len(frames[name]) for name, _t, _k in _ORDER[1:] if name in frames)
    done = 0

    def rows_written(n: int) -> None:
        nonlocal done
        done += n
        progress("写入数据库", done, total)

    # into empty tables, building each index once after the rows are in is about twice as fast as keeping it
    # up to date row by row (measured: 430 k stage rows on SQLite, 5.6 s → 2.8 s)
    bulk = [Case.__table__, Stage.__table__] if empty_before else []
    # PostgreSQL would lock readers out of a live database while its indexes are rebuilt: keep them there
    deferred = [] if replaced_all and conn.dialect.name == "postgresql" else bulk
    # the indexes are built after the bulk block's cache is given back: SQLite sorts an index of 11 M rows in
    # small runs faster than in big ones (one index at 1 M cases: 36 s with the 2 MB default, 61 s with 256 MB)
    with _indexes_deferred(conn, deferred), _sqlite_bulk_memory(conn):
        if replaced_all:
            conn.execute(delete(Stage))
            conn.execute(delete(Case))
        for name, table, _key in _ORDER[1:]:
            if name in frames:
                written[name] = insert_frame(conn, table, frames[name], rows_written)
        if "stages" in frames and empty_before and no_cases and "cases" in frames:
            conn.execute(delete(StageDaily))
            insert_frame(conn, StageDaily.__table__, rollup.from_frames(frames["stages"], frames["cases"]))
            conn.execute(delete(HeldDaily))
            insert_frame(conn, HeldDaily.__table__, held.from_frames(frames["stages"], frames["cases"]))
        elif empty_before and "stages" in frames:
            rollup.rebuild(conn)
            held.rebuild(conn)
        elif case_ids:  # later imports move the rollups by what their cases took away and brought
            rollup.apply_delta(conn, before, rollup.contributions(conn, case_ids))
            held.apply_delta(conn, held_before, held.contributions(conn, case_ids))
    if bulk:
        analyze(conn, [*bulk, StageDaily.__table__, HeldDaily.__table__])
    set_meta(conn, {"data_version": data_version})
    return written


def analyze(conn: Connection, tables: Iterable[Table]) -> None:
    """Fresh planner statistics after a bulk write on PostgreSQL. Without them (autovacuum off, or not yet run)
    the planner guesses 100 k rows for a handful of case ids and compiles every query with JIT: a daily file into
    a freshly loaded 1 M-case database spent 26 s in four such DELETE and SELECT statements."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {table.name}")


def _replaces_every_case(conn: Connection, frames: dict[str, pd.DataFrame]) -> bool:
    """Whether the file set brings every stored case again (with its stage list): re-importing the same export,
    or a monthly full one. Then replacing case by case costs 2.5 × a first load (100 k cases: 70 s against 28 s)."""
    if "cases" not in frames or "stages" not in frames:
        return False
    stored = conn.scalar(select(func.count()).select_from(Case))
    incoming = set(frames["cases"]["case_id"].astype(str))
    if not stored or len(incoming) < stored:
        return False
    return all(c in incoming for c in conn.scalars(select(Case.case_id)))


@contextmanager
def _sqlite_bulk_memory(conn: Connection):
    """SQLite's default page cache is 2 MB: the rollup's GROUP BY and the deletes of a bulk write spill to disk.
    Give the block 256 MB, then the connection's own setting back (temp_store cannot change inside a transaction)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


@contextmanager
def _indexes_deferred(conn: Connection, tables: list[Table]):
    """Drop the tables' secondary indexes for the block and build them again at its end (same transaction)."""
    indexes = [ix for t in tables for ix in t.indexes]
    # PostgreSQL checks a foreign key row by row in a trigger; added back afterwards it is checked in one join
    keys = []
    if conn.dialect.name == "postgresql":  # names as the database has them (created by Alembic or create_all)
        keys = [(t.name, fk) for t in tables for fk in inspect(conn).get_foreign_keys(t.name)]
    for name, fk in keys:
        conn.exec_driver_sql(f'ALTER TABLE {name} DROP CONSTRAINT "{fk["name"]}"')
    for ix in indexes:
        ix.drop(conn)
    yield
    for ix in indexes:
        ix.create(conn)
    for name, fk in keys:
        on_delete = fk.get("options", {}).get("ondelete")
        conn.exec_driver_sql(
            f'ALTER TABLE {name} ADD CONSTRAINT "{fk["name"]}" FOREIGN KEY ({", ".join(fk["constrained_columns"])}) '
            f"REFERENCES {fk['referred_table']} ({', '.join(fk['referred_columns'])})"
            + (f" ON DELETE {on_delete}" if on_delete else "")
        )


def _delete_keys(conn: Connection, table: Table, key: str, values: Sequence[str]) -> None:
    column = table.c[key]
    for i in range(0, len(values), 900):
        conn.execute(delete(table).where(column.in_(list(values[i : i + 900]))))


def _upsert_units(conn: Connection, units: pd.DataFrame) -> None:
    existing = set(conn.scalars(select(Unit.unit_code)))
    fresh = units[~units["unit_code"].isin(existing)]
    # parents first, so the self-referencing foreign key holds row by row
    fresh = fresh.sort_values("level")
    insert_frame(conn, Unit.__table__, fresh)
    for row in units[units["unit_code"].isin(existing)].to_dict("records"):
        conn.execute(
            update(Unit)
            .where(Unit.unit_code == row["unit_code"])
            .values(unit_name=row["unit_name"], parent_code=row["parent_code"], level=row["level"], path=row["path"])
        )


def insert_frame(
    conn: Connection, table: Table, frame: pd.DataFrame, on_rows: Callable[[int], None] | None = None
) -> int:
    """Insert a DataFrame's rows (only the table's columns) with driver-level executemany, in chunks."""
    cols = [c.name for c in table.columns if c.name in frame.columns]
    if frame.empty:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join([marker] * len(cols))})"
    if conn.dialect.name == "postgresql":
        return _copy_rows(conn, table, frame[cols], on_rows)
    columns = [_column_values(frame[c], sqlite) for c in cols]
    total = len(frame)
    for i in range(0, total, _CHUNK):
        chunk = [col[i : i + _CHUNK] for col in columns]
        conn.exec_driver_sql(sql, list(zip(*chunk)))
        if on_rows:
            on_rows(len(chunk[0]))
    return total


def _copy_rows(conn: Connection, table: Table, frame: pd.DataFrame, on_rows) -> int:
    """PostgreSQL's COPY on the connection's own transaction: several times faster than executemany."""
    columns = [_column_values(_as_column_type(frame[c], table.c[c].type), False) for c in frame.columns]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(frame.columns)}) FROM STDIN") as copy:
            for i in range(0, len(frame), _CHUNK):
                chunk = [col[i : i + _CHUNK] for col in columns]
                for row in zip(*chunk):
                    copy.write_row(row)
                if on_rows:
                    on_rows(len(chunk[0]))
    finally:
        cursor.close()
    return len(frame)


def _as_column_type(series: pd.Series, sql_type) -> pd.Series:
    """Whole numbers held as floats (a column with gaps) as integers: COPY, unlike an INSERT's bound parameter, does
    not cast 7.0 to an integer column."""
    if isinstance(sql_type, Integer) and isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return series.astype("Int64")
    if isinstance(sql_type, Boolean) and isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return series.astype("boolean")
    return series


def _column_values(series: pd.Series, sqlite: bool) -> list:
    if pd.api.types.is_datetime64_any_dtype(series):
        # a date column of millions of rows holds a few hundred distinct days: convert each once
        codes, days = pd.factorize(series.to_numpy().astype("datetime64[D]"))
        if sqlite:  # SQLAlchemy's SQLite Date type stores ISO text
            distinct = np.datetime_as_string(days, unit="D").astype(object)
        else:
            distinct = days.astype(object)
        return np.append(distinct, None)[codes].tolist()  # code -1 (NaT) picks the None at the end
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        arr = series.to_numpy()
        obj = arr.astype(object)
        obj[np.isnan(arr)] = None
        return obj.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub":
        return series.to_numpy().tolist()
    # strings and nullable extension types convert to Python scalars directly; plain objects may hold numpy ones
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    # a column of Python strings or dates (what validation returns) binds as it is; only numpy scalars and
    # date-times need converting, value by value
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) in ("string", "date", "empty"):
        return values
    return [native(v) for v in values]


def set_meta(conn: Connection, values: dict[str, str]) -> None:
    """Write key/value facts (replacing earlier values)."""
    conn.execute(delete(Meta).where(Meta.key.in_(list(values))))
    conn.execute(Meta.__table__.insert(), [{"key": k, "value": v} for k, v in values.items()])


def update_outcomes(conn: Connection, ids: Iterable[int], outcomes: pd.DataFrame, progress: Progress = silent) -> int:
    """Rewrite the stored outcome columns of stages, and their open band (after a calendar or rules change)."""
    rows = [
        {
            "_id": int(i),
            "elapsed": native(r.elapsed),
            "elapsed_cd": native(r.elapsed_cd),
            "on_time": native(r.on_time),
            "entered_warning": native(r.entered_warning),
            "limit_days": native(r.limit_days),
            "limit_unit": r.limit_unit,
            "open_band": native(r.open_band),
        }  # fmt: skip
        for i, r in zip(ids, outcomes.astype(object).where(outcomes.notna(), None).itertuples())
    ]
    from sqlalchemy import bindparam

    columns = ("elapsed", "elapsed_cd", "on_time", "entered_warning", "limit_days", "limit_unit", "open_band")
    stmt = (
        update(Stage.__table__)
        .where(Stage.__table__.c.id == bindparam("_id"))
        .values({k: bindparam(k) for k in columns})
    )
    for i in range(0, len(rows), _CHUNK):
        conn.execute(stmt, rows[i : i + _CHUNK])
        progress("写回环节用时", min(i + _CHUNK, len(rows)), len(rows))
    return len(rows)


def load_calendar_year(conn: Connection, year: int, days: list[tuple[dt.date, bool, str]], source: str) -> None:
    """Replace one year's calendar: the days that differ from Monday–Friday, and mark the year as known."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    conn.execute(delete(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end))
    conn.execute(delete(CalendarYear).where(CalendarYear.year == year))
    if days:
        conn.execute(CalendarDay.__table__.insert(), [{"day": d, "is_workday": w, "note": n} for d, w, n in days])
    conn.execute(CalendarYear.__table__.insert(), [{"year": year, "source": source, "loaded_at": dt.datetime.now()}])
