"""Load a year's holiday calendar into the database and recompute what depends on it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from board.domain.status import finished_outcomes
from board.ingest.columns import parse_local_date
from board.usecases.core import load_calendar
from data_access import held, rollup, spans, writer
from data_access.engine import session_scope
from data_access.models import Case, Stage
from data_access.progress import Progress, silent


class CalendarFileError(ValueError):
    """The calendar file is malformed."""


def read_year_file(year: int, path: Path) -> list[tuple[dt.date, bool, str]]:
    """Rows (day, is_workday, note) of a `date,kind[,note]` CSV; kind is holiday or workday."""
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                day = parse_local_date(row["date"])
            except (KeyError, ValueError) as exc:
                raise CalendarFileError(f"{path.name}:{i}:date: 日期格式错误") from exc
            kind = (row.get("kind") or "").strip()
            if kind not in ("holiday", "workday"):
                raise CalendarFileError(f"{path.name}:{i}:kind: 应为 holiday 或 workday，实际为 {kind!r}")
            if day.year != year:
                raise CalendarFileError(f"{path.name}:{i}:date: {day} 不属于 {year} 年")
            out.append((day, kind == "workday", (row.get("note") or "").strip() or None))
    return out


def load_year_file(svc, year: int, path: Path) -> int:
    """Store the year's calendar (marking the year known), then recompute stored outcomes."""
    days = read_year_file(year, path)
    with svc.engine.begin() as conn:
        writer.load_calendar_year(conn, year, days, source=path.name)
        writer.set_meta(conn, {"calendar_version": dt.datetime.now().isoformat()})
    recompute_outcomes(svc)
    return len(days)


def recompute_outcomes(svc, progress: Progress = silent) -> int:
    """Recompute limit and finished outcome of every stage with the current rules and calendar."""
    cal = load_calendar(svc.engine)
    progress("读取环节", 0, 1)
    with session_scope(svc.engine) as session:
        cols = [
            Stage.id,
            Stage.stage_code,
            Stage.started_on,
            Stage.finished_on,
            Case.customer_class,
            Case.capacity_kva,
            Case.works_type,
            Case.supply,
        ]
        frame = pd.read_sql(select(*cols).join(Case, Case.case_id == Stage.case_id), session.connection())
    for col in ("started_on", "finished_on"):
        frame[col] = pd.to_datetime(frame[col])
    progress("读取环节", 1, 1)
    frame["limit_days"], frame["limit_unit"] = svc.rules.limits(frame)
    outcomes = finished_outcomes(frame, cal, svc.rules)
    outcomes["limit_days"], outcomes["limit_unit"] = frame["limit_days"], frame["limit_unit"]
    # a stage's band tells whether it finished on time, which the new calendar or rules may change
    outcomes["open_band"] = spans.bands(frame["started_on"], frame["finished_on"], outcomes["on_time"])
    with svc.engine.begin() as conn:
        n = writer.update_outcomes(conn, frame["id"], outcomes, progress)
        rollup.rebuild(conn)
        held.rebuild(conn)  # the stored calendar days it adds up were rewritten too
        writer.set_meta(conn, {"rules_fingerprint": svc.rules.fingerprint})
    return n
