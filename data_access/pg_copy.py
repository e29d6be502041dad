"""PostgreSQL's COPY for bulk writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Connection, Integer, Table


def copy_rows(conn: Connection, table: Table, frame: pd.DataFrame, chunk_rows: int, on_rows) -> int:
    """PostgreSQL's COPY on the connection's own transaction, fed blocks of COPY text made a column at a time:
    psycopg's write_row formats each row in Python (11 M stage rows: about 40 s of a province's first load)."""
    columns = [_copy_text(_as_column_type(frame[c], table.c[c].type)) for c in frame.columns]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(frame.columns)}) FROM STDIN") as copy:
            for i in range(0, len(frame), chunk_rows):
                chunk = [col[i : i + chunk_rows] for col in columns]
                copy.write("".join(["\t".join(row) + "\n" for row in zip(*chunk)]))
                if on_rows:
                    on_rows(len(chunk[0]))
    finally:
        cursor.close()
    return len(frame)


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped; \N is NULL
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(series: pd.Series) -> np.ndarray:
    """A column as COPY text values. Each distinct value is formatted once: 11 M stage rows hold a few hundred
    days, a dozen codes and 1 M case ids."""
    if pd.api.types.is_datetime64_any_dtype(series):  # as _column_values: datetime columns hold days
        codes, days = pd.factorize(series.to_numpy().astype("datetime64[D]"))
        return np.append(np.datetime_as_string(days, unit="D").astype(object), "\\N")[codes]
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iufb":
        codes, distinct = pd.factorize(series.to_numpy())  # NaN is code -1
    else:
        codes, distinct = pd.factorize(series.to_numpy(dtype=object, na_value=None))
    # str() of numpy and Python scalars alike: 7, 0.25, True, 2026-05-01 — all COPY input as they are
    text = [str(v).translate(_COPY_ESCAPES) for v in np.asarray(distinct, dtype=object).tolist()]
    return np.array([*text, "\\N"], dtype=object)[codes]  # code -1 picks the NULL at the end


def _as_column_type(series: pd.Series, sql_type) -> pd.Series:
    """Whole numbers held as floats (a column with gaps) as integers: COPY, unlike an INSERT's bound parameter, does
    not cast 7.0 to an integer column."""
    if isinstance(sql_type, Integer) and isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return series.astype("Int64")
    if isinstance(sql_type, Boolean) and isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return series.astype("boolean")
    return series
