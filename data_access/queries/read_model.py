"""Reads of the read model (rm_* tables): open stages with status, case measures paged and aggregated in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from data_access.queries.frames import _col, _frame
from data_access.queries.scope import NO_FILTER, CaseFilter, Scope
from data_access.read_tables import FINAL_DAY, PARTIES, ReadBlob, ReadCase, ReadStage, ReadState, ReadWeekOverdue

STATE_KEY = "rm"


def built_day(session: Session, rm_day: int, version: str) -> bool:
    """Whether the read model holds `rm_day` built from data/calendar `version`."""
    row = session.execute(select(ReadState.data_version).where(ReadState.rm_day == rm_day)).first()
    return row is not None and row[0] == version


def built_days(session: Session) -> pd.DataFrame:
    """Every built day with its version, build time and duration."""
    return pd.read_sql(select(ReadState).order_by(ReadState.rm_day), session.connection())


def fetch_open_stages(session: Session, *, rm_day: int, scope: Scope, where: CaseFilter = NO_FILTER) -> pd.DataFrame:
    """Stages open on the day with status — the frame `stage_status(fetch_open_stages(...))` gives, read back."""
    cols = [_col(c) for c in ReadStage.__table__.columns if c.key not in ("rm_day", "cancelled")]
    stmt = select(*cols, literal(None).label("finished_on")).where(
        ReadStage.rm_day == rm_day,
        ReadStage.unit_code.in_(scope.codes),
        ReadStage.cancelled.is_(False),
        *where.clauses(ReadStage),
    )
    frame = _frame(session, stmt, scope)
    frame["finished_on"] = pd.to_datetime(frame["finished_on"])
    from pandas import Categorical

    frame["state"] = Categorical(["open"] * len(frame), categories=("not_started", "open", "finished"))
    frame["status"] = Categorical(frame["status"], categories=("normal", "warning", "overdue", "on_time"))
    return frame


def fetch_flagged_stages(session: Session, *, rm_day: int, scope: Scope, where: CaseFilter = NO_FILTER) -> pd.DataFrame:
    """The 预警 and 超时 open stages of the day, only what the heatmap counts (unit, stage, status, overrun)."""
    rs = ReadStage
    stmt = select(rs.unit_code, rs.stage_code, rs.status, rs.overrun).where(
        rs.rm_day == rm_day, rs.unit_code.in_(scope.codes), rs.cancelled.is_(False),
        rs.status.in_(("warning", "overdue")), *where.clauses(rs),
    )  # fmt: skip
    frame = pd.read_sql(stmt, session.connection())
    frame["state"] = "open"
    return frame


@dataclass(frozen=True)
class CaseQuery:
    """What the 双链进度 grid asks of the read model: scope, states, dates and the page's filters."""

    rm_day: int
    scope: Scope
    states: frozenset[str]
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: CaseFilter = NO_FILTER
    party: str | None = None
    text: str = ""
    risk: str | None = None

    def clauses(self) -> list:
        """WHERE clauses on rm_case (bound parameters only; the text matches literally)."""
        rc = ReadCase
        days = [self.rm_day] + ([FINAL_DAY] if "energized" in self.states else [])
        out = [rc.rm_day.in_(days), rc.unit_code.in_(self.scope.codes), rc.state_as_of.in_(sorted(self.states)),
               *self.where.clauses(rc)]  # fmt: skip
        if self.applied_from:
            out.append(rc.applied_on >= self.applied_from)
        if self.applied_to:
            out.append(rc.applied_on <= self.applied_to)
        if self.party:
            out.append(("," + func.coalesce(rc.holding_party, "") + ",").contains(f",{self.party},", autoescape=True))
        text = self.text.strip()
        if text:
            out.append(
                or_(rc.case_id.icontains(text, autoescape=True), rc.customer_name.icontains(text, autoescape=True))
            )
        if self.risk:
            out.append(rc.risk == self.risk)
        return out


# the grid may sort by these (its column id → the expression); anything else falls back to the default order
SORTABLE = {
    "case_id": ReadCase.case_id, "customer_name": ReadCase.customer_name, "capacity_kva": ReadCase.capacity_kva,
    "applied_on": ReadCase.applied_on, "supervision_level": ReadCase.supervision_level, "grid_wd": ReadCase.grid_wd,
    "forecast": ReadCase.forecast_on, "desired": ReadCase.desired_on, "unit_name": ReadCase.unit_code,
    "class_name": ReadCase.customer_class, "state_name": ReadCase.state_as_of, "risk_name": ReadCase.risk,
    "manager": ReadCase.manager, "holder": ReadCase.holding_party, "current": ReadCase.current_stages,
}  # fmt: skip


def count_cases(session: Session, q: CaseQuery) -> int:
    """How many cases match (exact)."""
    return int(session.scalar(select(func.count()).select_from(ReadCase).where(*q.clauses())) or 0)


NARROW_FROM = 2_000  # from this row on a page is found over narrow rows first


def fetch_case_page(session: Session, q: CaseQuery, *, start: int, end: int,
                    sort: list[tuple[str, bool]] | None = None) -> pd.DataFrame:  # fmt: skip
    """Rows [start, end) of the matching cases in the grid's order (default: 督办层级, then the oldest first)."""
    order = []
    for col, desc in sort or []:
        if col == "days":  # days so far grow with age: the oldest application first
            order.append(ReadCase.applied_on.asc() if desc else ReadCase.applied_on.desc())
        elif (expr := SORTABLE.get(col)) is not None:
            order.append(expr.desc() if desc else expr.asc())
    order += [ReadCase.supervision_level.desc(), ReadCase.applied_on.asc(), ReadCase.case_id.asc()]
    cols = [_col(c) for c in ReadCase.__table__.columns]
    if start < NARROW_FROM:
        stmt = select(*cols).where(*q.clauses()).order_by(*order).offset(max(start, 0)).limit(max(end - start, 0))
        return _frame(session, stmt, q.scope)
    # deep pages: the order is found over narrow rows (the keys and the id), then only the page's rows are read
    # whole (whole company at 1 M cases, rows 50,000–50,100: 560 → 300 ms)
    ids_stmt = select(ReadCase.case_id).where(*q.clauses()).order_by(*order).offset(start)
    ids = list(session.scalars(ids_stmt.limit(max(end - start, 0))))
    page = _frame(session, select(*cols).where(*q.clauses(), ReadCase.case_id.in_(ids)), q.scope)
    rank = {case_id: i for i, case_id in enumerate(ids)}
    return page.sort_values("case_id", key=lambda c: c.map(rank), kind="stable").reset_index(drop=True)


def party_totals(session: Session, q: CaseQuery) -> tuple[int, pd.DataFrame]:
    """How many cases match (exact), and the days held by each party per unit over them (long format: unit_code,
    party, days) — one pass over the matching cases for both."""
    sums = [func.sum(getattr(ReadCase, f"days_{p}")).label(p) for p in PARTIES]
    stmt = select(ReadCase.unit_code, func.count().label("_cases"), *sums).where(*q.clauses())
    wide = pd.read_sql(stmt.group_by(ReadCase.unit_code), session.connection())
    count = int(wide.pop("_cases").sum())
    long = wide.melt(id_vars="unit_code", var_name="party", value_name="days")
    long["days"] = long["days"].fillna(0).astype("int64")
    return count, long[long["days"] > 0].reset_index(drop=True)


def open_stages_of(session: Session, q: CaseQuery) -> pd.DataFrame:
    """The open stages of the matching open cases (where cases wait), counted in SQL: one row per stage code,
    elapsed days and status with `n` stages of it, instead of one row per stage (100 k at 1 M cases)."""
    rs = ReadStage
    plain = q.states == {"open"} and not (q.party or q.text.strip() or q.risk or q.applied_from or q.applied_to)
    if plain:  # the stage rows carry the case filters themselves: no pass over the cases
        where = [rs.rm_day == q.rm_day, rs.unit_code.in_(q.scope.codes), rs.cancelled.is_(False), *q.where.clauses(rs)]
    else:
        cases = select(ReadCase.case_id).where(*q.clauses(), ReadCase.rm_day == q.rm_day)
        # the scope's stage rows in one pass, each probed against the matching cases: SQLite would otherwise
        # look up every matching case's stages by key (39 k cases at 1 M: 1.4 s instead of 0.35 s); `|| ''`
        # keeps it off that key
        where = [rs.rm_day == q.rm_day, rs.unit_code.in_(q.scope.codes), rs.case_id.op("||")(literal("")).in_(cases)]
    keys = (rs.stage_code, rs.elapsed, rs.status)
    stmt = select(*keys, func.count().label("n")).where(*where).group_by(*keys)
    frame = pd.read_sql(stmt, session.connection())
    frame["state"] = "open"
    return frame


def week_overdue(session: Session, week_end: dt.date, version: str) -> pd.Series | None:
    """Open overdue stages per unit (all units) at a week's end, when stored for this data version (else None)."""
    rows = session.execute(
        select(ReadWeekOverdue.unit_code, ReadWeekOverdue.overdue, ReadWeekOverdue.data_version).where(
            ReadWeekOverdue.week_end == week_end
        )
    ).all()
    if not rows or any(r[2] != version for r in rows):
        return None
    return pd.Series({u: n for u, n, _ in rows}, dtype="int64")


def blob(session: Session, name: str, rm_day: int, version: str) -> bytes | None:
    """A stored fitted object of a day (None when absent or of another data version)."""
    row = session.execute(
        select(ReadBlob.payload, ReadBlob.data_version).where(ReadBlob.name == name, ReadBlob.rm_day == rm_day)
    ).first()
    return row[0] if row is not None and row[1] == version else None
