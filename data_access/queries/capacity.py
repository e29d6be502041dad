"""Grid assets and the load queued on them (可开放容量)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data_access.models import Case, Feeder, Substation
from data_access.queries.cases import open_cases_of
from data_access.queries.frames import _all, _frame
from data_access.queries.scope import Scope, resolve_scope


def feeder_load(session: Session, *, as_of: dt.date, grid: Scope | None = None) -> pd.DataFrame:
    """Per feeder, over cases open at as-of of the `grid` scope (default every unit: the grid is shared): queued kVA
    of every open case and promised kVA of those whose 供电方案 was already answered (答复未接电: `replied_on`, kept
    on the case and in the band index — joining each open case's reply stage took 1.0–1.3 s at 1 M cases)."""
    grid = grid or resolve_scope(session, None)
    promised = case((Case.replied_on <= as_of, Case.capacity_kva), else_=0)
    stmt = (
        select(
            Case.feeder_code,
            func.count().label("open_cases"),
            func.sum(Case.capacity_kva).label("queued_kva"),
            func.sum(promised).label("promised_kva"),
        )
        .where(Case.feeder_code.is_not(None), *open_cases_of(session, as_of, grid))
        .group_by(Case.feeder_code)
    )
    return _frame(session, stmt)


def fetch_open_points(session: Session, *, as_of: dt.date, scope: Scope, limit: int = 3000) -> pd.DataFrame:
    """The largest open applications of the scope that have a location (for the map)."""
    stmt = (
        select(
            Case.case_id, Case.customer_name, Case.unit_code, Case.capacity_kva, Case.lat, Case.lon, Case.feeder_code
        )
        .where(Case.lat.is_not(None), Case.lon.is_not(None), *open_cases_of(session, as_of, scope))
        .order_by(Case.capacity_kva.desc())
        .limit(limit)
    )
    return _frame(session, stmt, scope)


def queued_by_unit(session: Session, *, as_of: dt.date, scope: Scope) -> pd.DataFrame:
    """Per unit: open applications and their kVA (the demand side of each service area)."""
    stmt = (
        select(Case.unit_code, func.count().label("open_cases"), func.sum(Case.capacity_kva).label("queued_kva"))
        .where(*open_cases_of(session, as_of, scope))
        .group_by(Case.unit_code)
    )
    return _frame(session, stmt)


def fetch_substations(session: Session) -> pd.DataFrame:
    """All substations."""
    return _frame(session, select(*_all(Substation)))


def fetch_feeders(session: Session) -> pd.DataFrame:
    """All feeders."""
    return _frame(session, select(*_all(Feeder)))
