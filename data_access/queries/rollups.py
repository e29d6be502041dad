"""Period aggregates summed in SQL: the stage_daily rollup and per-case stored facts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data_access.models import Case, StageDaily
from data_access.queries.frames import _col, _frame
from data_access.queries.scope import NO_FILTER, CaseFilter, Scope


def daily_finished(
    session: Session, *, start: dt.date, end: dt.date, scope: Scope, where: CaseFilter = NO_FILTER
) -> pd.DataFrame:
    """Per unit and finish day: stages finished and on time (rolled into weeks or months by the caller)."""
    stmt = (
        select(
            StageDaily.unit_code,
            _col(StageDaily.finished_on),
            func.sum(StageDaily.finished).label("finished"),
            func.sum(StageDaily.on_time).label("on_time"),
        )
        .where(StageDaily.unit_code.in_(scope.codes), StageDaily.finished_on >= start, StageDaily.finished_on <= end)
        .where(*where.rollup_clauses())
        .group_by(StageDaily.unit_code, StageDaily.finished_on)
    )
    return _frame(session, stmt, scope)


def finished_summary(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope,
    by: tuple[str, ...] = ("unit_code",),
    where: CaseFilter = NO_FILTER,
) -> pd.DataFrame:
    """Counts over stages finished in [start, end], summed in SQL from the stage_daily rollup."""
    keys = [getattr(StageDaily, k) for k in by]
    stmt = (
        select(
            *keys,
            func.sum(StageDaily.finished).label("finished"),
            func.sum(StageDaily.on_time).label("on_time"),
            func.sum(StageDaily.warned).label("warned"),
            func.sum(StageDaily.warned_ok).label("warned_ok"),
            func.sum(StageDaily.first_pass).label("first_pass"),
            func.sum(StageDaily.overrun_sum).label("overrun_sum"),
        )
        .where(StageDaily.unit_code.in_(scope.codes), StageDaily.finished_on >= start, StageDaily.finished_on <= end)
        .where(*where.rollup_clauses())
        .group_by(*keys)
    )
    frame = pd.read_sql(stmt, session.connection())
    for col in ("finished", "on_time", "warned", "warned_ok", "first_pass"):
        frame[col] = frame[col].fillna(0).astype("int64")
    return frame


def energized_summary(session: Session, *, start: dt.date, end: dt.date, scope: Scope) -> pd.DataFrame:
    """Per customer class: cases energized in [start, end] and their mean 接电时长 (calendar days)."""
    stmt = (
        select(Case.customer_class, func.count().label("cases"), func.avg(Case.connect_days).label("avg_days"))
        .where(Case.unit_code.in_(scope.codes), Case.energized_on >= start, Case.energized_on <= end)
        .group_by(Case.customer_class)
    )
    return pd.read_sql(stmt, session.connection())


def period_cases(
    session: Session, *, start: dt.date, end: dt.date, scope: Scope, satisfied_min: int = 4
) -> pd.DataFrame:
    """Per unit, over cases energized in [start, end]: count, mean 接电时长 and 供电部门流转耗时, surveyed and
    satisfied customers (score ≥ satisfied_min), and cases with complete, ordered stage records."""
    return pd.read_sql(
        select(
            Case.unit_code,
            func.count().label("energized"),
            func.avg(Case.connect_days).label("avg_connect_days"),
            func.avg(Case.grid_wd).label("avg_grid_wd"),
            func.count(Case.satisfaction).label("surveyed"),
            func.sum(case((Case.satisfaction >= satisfied_min, 1), else_=0)).label("satisfied"),
            func.sum(case((Case.records_ok, 1), else_=0)).label("records_ok"),
        )
        .where(Case.unit_code.in_(scope.codes), Case.energized_on >= start, Case.energized_on <= end)
        .group_by(Case.unit_code),
        session.connection(),
    )


def customer_chain_totals(session: Session, *, as_of: dt.date) -> pd.DataFrame:
    """High-voltage cases energized by as-of with their energization day and customer-chain calendar days (stored
    per case at import): the duration model's training data, company-wide since it learns one relation."""
    cols = [Case.case_id, Case.capacity_kva, Case.voltage_kv, Case.customer_cd, _col(Case.energized_on)]
    stmt = select(*cols).where(Case.customer_class == "high", Case.energized_on <= as_of, Case.customer_cd.is_not(None))
    return _frame(session, stmt)
