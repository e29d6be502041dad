"""Building the read model: a day's open stages with status, every case's measures, strips, forecast and time by
party, and the fitted duration model — computed once when the data or the date changes, then read by SQL.

Final cases (energized) do not change with the date, so a new day recomputes only open and cancelled cases; an
import forgets the final cases it replaces. Each build is one transaction: readers see the old day or the new.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from board.domain.duration import fit, model_to_json
from board.domain.measures import case_measures, party_days
from board.domain.overdue_days import overdue_on_days
from board.domain.portfolio import progress_strips
from board.domain.status import stage_status
from data_access import queries, read_writes, writer
from data_access.models import Case
from data_access.read_tables import FINAL_DAY, PARTIES, ReadCase, ReadStage, ReadState

DURATION_BLOB = "duration"
SAMPLE_BLOB = "duration_sample"
SAMPLE_SIZE = 4000
KEEP_DAYS = 3  # the newest built days kept (today, and a day built ahead)


def version_key(svc) -> str:
    """What the read model depends on: the data, the calendar and the rules."""
    meta = svc._meta()
    return f"{meta.get('data_version', '0')}|{meta.get('calendar_version', '0')}|{svc.rules.fingerprint}"


class RefreshBusy(RuntimeError):
    """Another process is building the read model right now."""


@contextlib.contextmanager
def build_lock(svc):
    """One builder at a time on this database: a PostgreSQL advisory lock, or a file lock beside the SQLite file."""
    engine = svc.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT pg_try_advisory_lock(727001)")):
                raise RefreshBusy("另一个进程正在刷新读模型")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(727001)"))
                conn.commit()
        return
    path = Path(engine.url.database or svc.settings.data_dir).with_suffix(".refresh.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshBusy("另一个进程正在刷新读模型") from exc
        yield


def refresh(svc, as_of: dt.date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Build the read model of `as_of` (and bring the final cases up to date); returns what was done."""
    t0 = time.perf_counter()
    svc.init_db()
    key = version_key(svc)
    day = as_of.toordinal()
    with build_lock(svc), svc.engine.begin() as conn:
        session = Session(bind=conn)
        finals_key = conn.scalar(select(ReadState.data_version).where(ReadState.rm_day == FINAL_DAY))
        finals_ok = finals_key == key
        read_writes.clear(conn, keep_finals=finals_ok, keep_days=_recent_days(conn, day))
        read_writes.drop_day(conn, day)
        model = _fit_model(svc, as_of, day, key, conn)
        units = [u for (u,) in conn.execute(select(Case.unit_code).distinct().order_by(Case.unit_code))]
        counts = {"final_cases": 0, "cases": 0, "open_stages": 0}
        for i, unit in enumerate(units):
            for kind in ("final", "daily"):
                cases, stages = queries.fetch_build_chunk(session, as_of=as_of, unit_code=unit, kind=kind)
                if cases.empty:
                    continue
                rows, open_rows = _chunk_rows(svc, cases, stages, as_of, model, kind)
                rows["rm_day"] = FINAL_DAY if kind == "final" else day
                read_writes.write_cases(conn, rows)
                counts["final_cases" if kind == "final" else "cases"] += len(rows)
                if kind == "daily" and not open_rows.empty:
                    open_rows["rm_day"] = day
                    counts["open_stages"] += read_writes.write_stages(conn, open_rows)
            if progress:
                progress(i + 1, len(units))
        writer.analyze(conn, [ReadCase.__table__, ReadStage.__table__])
        seconds = time.perf_counter() - t0
        read_writes.write_state(conn, FINAL_DAY, key, seconds)
        read_writes.write_state(conn, day, key, seconds)
    return {**counts, "seconds": round(time.perf_counter() - t0, 1), "day": as_of.isoformat()}


def _recent_days(conn, day: int) -> tuple[int, ...]:
    days = [d for (d,) in conn.execute(select(ReadState.rm_day).where(ReadState.rm_day != FINAL_DAY))]
    return tuple(sorted((d for d in days if d != day), reverse=True)[: KEEP_DAYS - 1])


def _fit_model(svc, as_of: dt.date, day: int, key: str, conn):
    # the points the views share (a past day's model filters them): read once here, so the warming that follows
    # finds them (a refresh of a province read its 800 k points twice); a build changes no case, so reading them
    # outside its transaction sees the same rows
    points = svc.duration_points(as_of)
    model = fit(points)
    read_writes.write_blob(conn, DURATION_BLOB, day, key, model_to_json(model).encode())
    sample = points.sample(n=SAMPLE_SIZE, random_state=0) if len(points) > SAMPLE_SIZE else points
    read_writes.write_blob(conn, SAMPLE_BLOB, day, key, sample.to_json(orient="split").encode())
    return model


def _chunk_rows(svc, cases: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date, model, kind: str):
    """The rm_case rows of a chunk of cases, and (for open cases) their rm_stage rows."""
    status = stage_status(stages, as_of, svc.calendar, svc.rules)
    measures = case_measures(cases, status, as_of, svc.calendar, svc.rules)
    classes = pd.Series(measures["customer_class"].to_numpy(), index=measures["case_id"].to_numpy())
    measures["strip"] = progress_strips(status, classes, svc.rules).reindex(measures["case_id"]).to_numpy()
    for col in ("forecast_on", "late_on", "risk", "provisional"):
        measures[col] = None
    open_cases = measures[measures["state_as_of"] == "open"]
    if not open_cases.empty:
        fc = svc.forecasts(open_cases.reset_index(drop=True), stages, as_of, model=model).set_index("case_id")
        for col in ("forecast_on", "late_on", "risk", "provisional"):
            measures[col] = measures["case_id"].map(fc[col])
    days = party_days(status, by=("case_id",)).pivot_table(index="case_id", columns="party", values="days",
                                                            aggfunc="sum", observed=True)  # fmt: skip
    for party in PARTIES:
        col = days[party] if party in days else pd.Series(dtype=float)
        measures[f"days_{party}"] = measures["case_id"].map(col).fillna(0).astype("int64").to_numpy()
    measures["forecast_on"] = pd.to_datetime(measures["forecast_on"])
    measures["late_on"] = pd.to_datetime(measures["late_on"])
    measures["provisional"] = measures["provisional"].astype(object)
    keep = [c.name for c in ReadCase.__table__.columns if c.name != "rm_day"]
    rows = measures.reindex(columns=keep)
    if kind == "final":
        return rows, pd.DataFrame()
    cancelled = set(cases.loc[cases["status"] == "cancelled", "case_id"])
    open_ = status[status["state"].astype(str) == "open"]
    open_ = open_.assign(cancelled=open_["case_id"].isin(cancelled))
    attrs = cases.set_index("case_id")[["customer_class", "capacity_kva", "voltage_kv", "key_project",
                                        "customer_name", "manager"]]  # fmt: skip
    open_rows = open_.drop(columns=[c for c in attrs.columns if c in open_.columns]).join(attrs, on="case_id")
    open_rows["status"] = open_rows["status"].astype(str)
    return rows, open_rows


def week_overdue(svc, session: Session, week_end: dt.date, key: str) -> pd.Series:
    """Open overdue stages per unit at a week's end (all units), from the read model or computed and stored."""
    return weeks_overdue(svc, session, [week_end], key)[week_end]


def weeks_overdue(svc, session: Session, week_ends: list[dt.date], key: str) -> dict[dt.date, pd.Series]:
    """`week_overdue` of several week ends: the stored ones read, the read model's day read from it, and all the
    others counted from one read of the stages that could be overdue on them (domain.overdue_days) and stored."""
    out, missing = {}, []
    for d in week_ends:
        stored = queries.week_overdue(session, d, key)
        if stored is not None:
            out[d] = stored.drop("*", errors="ignore")
            continue
        day = svc.read_day(d)
        if day is None:
            missing.append(d)
            continue
        status = queries.fetch_rm_open_stages(session, rm_day=day, scope=queries.resolve_scope(session, None))
        out[d] = _store_overdue(svc, d, _overdue(status).groupby("unit_code").size(), key)
    if missing:
        missing = sorted(set(missing))
        rows = queries.late_stage_rows(session, first=missing[0], last=missing[-1],
                                       scope=queries.resolve_scope(session, None))  # fmt: skip
        for d, counts in overdue_on_days(rows, missing, svc.calendar).items():
            out[d] = _store_overdue(svc, d, counts, key)
    return out


def _overdue(status: pd.DataFrame) -> pd.DataFrame:
    return status[(status["state"].astype(str) == "open") & (status["status"].astype(str) == "overdue")]


def _store_overdue(svc, week_end: dt.date, counts: pd.Series, key: str) -> pd.Series:
    """Per unit counts (units with none left out, as the store reads them back) written for the other workers."""
    counts = counts[counts > 0].astype("int64")
    with svc.engine.begin() as conn:
        read_writes.write_week_overdue(conn, week_end, counts, key)
    return counts
