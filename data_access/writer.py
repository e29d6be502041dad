"""Bulk writes in one transaction: a file set lands whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, select, update

from . import rollup
from .models import CalendarDay, CalendarYear, Case, Feeder, Meta, Stage, Substation, Unit
from .progress import Progress, silent

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
    case_ids: set[str] = set()
    for name in ("cases", "stages"):
        if name in frames:
            case_ids.update(frames[name]["case_id"].astype(str))
    # a replaced case brings its complete stage list, so its stale stages go first
    empty_before = conn.execute(select(Stage.id).limit(1)).first() is None
    touched = set() if empty_before else rollup.finished_days(conn, sorted(case_ids))
    _delete_keys(conn, Stage.__table__, "case_id", sorted(case_ids))
    for name, table, key in (("cases", Case.__table__, "case_id"), ("feeders", Feeder.__table__, "feeder_code"),
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

    for name, table, _key in _ORDER[1:]:
        if name in frames:
            written[name] = insert_frame(conn, table, frames[name], rows_written)
    if "stages" in frames:
        new_days = pd.to_datetime(frames["stages"]["finished_on"]).dropna().dt.date
        # a first load rebuilds everything in one statement; later imports only the days they touch
        rollup.rebuild(conn, None if empty_before else touched | set(new_days))
    set_meta(conn, {"data_version": data_version})
    return written


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
    columns = [_column_values(frame[c], sqlite) for c in cols]
    total = len(frame)
    for i in range(0, total, _CHUNK):
        rows = list(zip(*(col[i : i + _CHUNK] for col in columns)))
        conn.exec_driver_sql(sql, rows)
        if on_rows:
            on_rows(len(rows))
    return total


def _column_values(series: pd.Series, sqlite: bool) -> list:
    if pd.api.types.is_datetime64_any_dtype(series):
        raw = series.to_numpy().astype("datetime64[D]")
        missing = np.isnat(raw)
        if sqlite:  # SQLAlchemy's SQLite Date type stores ISO text; numpy formats it in C
            text = np.datetime_as_string(raw, unit="D").astype(object)
            text[missing] = None
            return text.tolist()
        days = raw.astype(object)
        days[missing] = None
        return days.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        arr = series.to_numpy()
        obj = arr.astype(object)
        obj[np.isnan(arr)] = None
        return obj.tolist()
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub":
        return series.to_numpy().tolist()
    # strings and nullable extension types convert to Python scalars directly; plain objects may hold numpy ones
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    return values if series.dtype != object else [_native(v) for v in values]


def _native(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def set_meta(conn: Connection, values: dict[str, str]) -> None:
    """Write key/value facts (replacing earlier values)."""
    conn.execute(delete(Meta).where(Meta.key.in_(list(values))))
    conn.execute(Meta.__table__.insert(), [{"key": k, "value": v} for k, v in values.items()])


def update_outcomes(conn: Connection, ids: Iterable[int], outcomes: pd.DataFrame, progress: Progress = silent) -> int:
    """Rewrite the stored outcome columns of finished stages (after a calendar or rules change)."""
    rows = [
        {
            "_id": int(i),
            "elapsed": _native(r.elapsed),
            "elapsed_cd": _native(r.elapsed_cd),
            "on_time": _native(r.on_time),
            "entered_warning": _native(r.entered_warning),
            "limit_days": _native(r.limit_days),
            "limit_unit": r.limit_unit,
        }  # fmt: skip
        for i, r in zip(ids, outcomes.astype(object).where(outcomes.notna(), None).itertuples())
    ]
    from sqlalchemy import bindparam

    stmt = (
        update(Stage.__table__)
        .where(Stage.__table__.c.id == bindparam("_id"))
        .values(
            {
                k: bindparam(k)
                for k in ("elapsed", "elapsed_cd", "on_time", "entered_warning", "limit_days", "limit_unit")
            }
        )  # fmt: skip
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
