"""Writes of the read model: a day's rows replaced in the caller's transaction, so readers see old or new."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, delete, insert

from .read_tables import FINAL_DAY, ReadBlob, ReadCase, ReadStage, ReadState, ReadWeekOverdue
from .writer import insert_frame


def clear(conn: Connection, *, keep_finals: bool, keep_days: tuple[int, ...] = ()) -> None:
    """Drop built days (all but `keep_days`), and the final cases too unless `keep_finals`."""
    for table in (ReadCase, ReadStage, ReadBlob):
        stmt = delete(table).where(table.rm_day != FINAL_DAY, table.rm_day.not_in(keep_days))
        conn.execute(stmt)
    conn.execute(delete(ReadState).where(ReadState.rm_day != FINAL_DAY, ReadState.rm_day.not_in(keep_days)))
    if not keep_finals:
        conn.execute(delete(ReadCase).where(ReadCase.rm_day == FINAL_DAY))
        conn.execute(delete(ReadState).where(ReadState.rm_day == FINAL_DAY))
        conn.execute(delete(ReadWeekOverdue))


def drop_day(conn: Connection, rm_day: int) -> None:
    """Remove one day's rows before it is written again."""
    for table in (ReadCase, ReadStage, ReadBlob, ReadState):
        conn.execute(delete(table).where(table.rm_day == rm_day))


def write_cases(conn: Connection, frame: pd.DataFrame) -> int:
    return insert_frame(conn, ReadCase.__table__, frame)


def write_stages(conn: Connection, frame: pd.DataFrame) -> int:
    return insert_frame(conn, ReadStage.__table__, frame)


def write_state(conn: Connection, rm_day: int, version: str, seconds: float) -> None:
    conn.execute(delete(ReadState).where(ReadState.rm_day == rm_day))
    conn.execute(insert(ReadState), [{"rm_day": rm_day, "data_version": version,
                                      "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                      "seconds": seconds}])  # fmt: skip


def write_blob(conn: Connection, name: str, rm_day: int, version: str, payload: bytes) -> None:
    conn.execute(delete(ReadBlob).where(ReadBlob.name == name, ReadBlob.rm_day == rm_day))
    conn.execute(insert(ReadBlob), [{"name": name, "rm_day": rm_day, "data_version": version, "payload": payload}])


def write_week_overdue(conn: Connection, week_end: dt.date, counts: pd.Series, version: str) -> None:
    """Per unit overdue counts at a week's end; a '*' row marks the week as counted even when nothing is overdue."""
    conn.execute(delete(ReadWeekOverdue).where(ReadWeekOverdue.week_end == week_end))
    rows = [{"week_end": week_end, "unit_code": str(u), "overdue": int(n), "data_version": version}
            for u, n in counts.items() if n]  # fmt: skip
    rows.append({"week_end": week_end, "unit_code": "*", "overdue": 0, "data_version": version})
    conn.execute(insert(ReadWeekOverdue), rows)


def forget_cases(conn: Connection, case_ids: list[str], old_key: str, new_key: str) -> None:
    """In an import's transaction: drop the final-case rows it replaces and carry the other final rows over to the
    new data version (when they were current), so the next build recomputes only what changed."""
    from sqlalchemy import select, update

    current = conn.scalar(select(ReadState.data_version).where(ReadState.rm_day == FINAL_DAY))
    if current != old_key:
        return
    for i in range(0, len(case_ids), 900):
        conn.execute(delete(ReadCase).where(ReadCase.rm_day == FINAL_DAY, ReadCase.case_id.in_(case_ids[i : i + 900])))
    conn.execute(update(ReadState).where(ReadState.rm_day == FINAL_DAY).values(data_version=new_key))
