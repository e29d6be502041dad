"""Read queries: each takes the caller's session, an explicit as-of date and a unit scope, returns a DataFrame."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Date, Select, String, and_, case, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session

from .masking import mask_frame
from .models import CalendarDay, CalendarYear, Case, Feeder, Meta, Stage, StageDaily, Substation, Unit

CASE_COLUMNS = [c.name for c in Case.__table__.columns]
STAGE_COLUMNS = [
    "case_id", "stage_code", "started_on", "finished_on", "party", "attempts", "planned_finish_on",
    "unit_code", "chain", "limit_days", "limit_unit",
]  # fmt: skip
DATE_COLUMNS = ("applied_on", "desired_on", "energized_on", "started_on", "finished_on", "planned_finish_on")


class UnknownUnit(LookupError):
    """A unit code that is not in the unit tree."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"未知的供电单位代码：{code}")


class OutOfScope(UnknownUnit):
    """A unit (or a case of a unit) outside the subtree the caller may see; says so without naming its data."""

    def __init__(self, code: str, what: str = "单位"):
        LookupError.__init__(self, f"无权查看{what} {code[:40]}")
        self.code = code


@dataclass(frozen=True)
class Scope:
    """A unit and the codes of its whole subtree; every query is restricted to these codes."""

    root: str
    codes: tuple[str, ...]
    masked: bool = False  # customer names leave the database masked (viewers, the wall)


@dataclass(frozen=True)
class CaseFilter:
    """Case attributes a page may filter on; applied in SQL as bound parameters."""

    voltage: str | None = None  # "lv" (< 1 kV), "mv" (1 kV – < 35 kV), "hv" (35 kV and above)
    customer_class: str | None = None
    key_only: bool = False

    def clauses(self) -> list:
        """WHERE clauses on the cases table."""
        out = []
        if self.voltage == "lv":
            out.append(Case.voltage_kv < 1)
        elif self.voltage == "mv":
            out.append(and_(Case.voltage_kv >= 1, Case.voltage_kv < 35))
        elif self.voltage == "hv":
            out.append(Case.voltage_kv >= 35)
        if self.customer_class:
            out.append(Case.customer_class == self.customer_class)
        if self.key_only:
            out.append(Case.key_project.is_(True))
        return out

    def rollup_clauses(self) -> list:
        """The same filter on the stage_daily rollup's dimension columns."""
        out = []
        if self.voltage:
            out.append(StageDaily.voltage_band == self.voltage)
        if self.customer_class:
            out.append(StageDaily.customer_class == self.customer_class)
        if self.key_only:
            out.append(StageDaily.key_project.is_(True))
        return out

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not self.clauses()


NO_FILTER = CaseFilter()


def _col(column):
    """A column for a DataFrame query: dates come through as raw values (ISO text on SQLite) and are parsed by
    pandas in one vectorised pass instead of one Python call per value."""
    if isinstance(column.type, Date):
        return type_coerce(column, String).label(column.key)
    return column


def _all(model) -> list:
    return [_col(c) for c in model.__table__.columns]


def _frame(session: Session, stmt: Select, scope: Scope | None = None) -> pd.DataFrame:
    frame = pd.read_sql(stmt, session.connection())
    for col in DATE_COLUMNS:
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    if scope is not None and scope.masked:
        mask_frame(frame)
    return frame


def fetch_units(session: Session) -> pd.DataFrame:
    """All units with name, parent, level and path, ordered by path (depth-first)."""
    return _frame(session, select(*_all(Unit)).order_by(Unit.path))


def root_unit(session: Session) -> str | None:
    """Code of the root of the unit tree, or None for an empty database."""
    return session.scalar(select(Unit.unit_code).where(Unit.parent_code.is_(None)).order_by(Unit.unit_code))


def resolve_scope(session: Session, unit_code: str | None, *, within: str | None = None,
                  masked: bool = False) -> Scope:  # fmt: skip
    """The scope of a unit (default: `within`, else the root). `within` is the subtree the caller may see: a unit
    outside it raises OutOfScope; a code not in the tree raises UnknownUnit. `masked` masks customer names."""
    code = unit_code or within or root_unit(session)
    if code is None:
        raise UnknownUnit("(空数据库)")
    path = session.scalar(select(Unit.path).where(Unit.unit_code == code))
    if path is None:
        raise UnknownUnit(code)
    if within is not None and code != within:
        allowed = session.scalar(select(Unit.path).where(Unit.unit_code == within))
        if allowed is None or not path.startswith(allowed):
            raise OutOfScope(code)
    codes = session.scalars(select(Unit.unit_code).where(Unit.path.startswith(path, autoescape=True)))
    return Scope(root=code, codes=tuple(sorted(codes)), masked=masked)


def case_unit(session: Session, case_id: str) -> str | None:
    """The unit of a case (None when there is no such case) — to tell "not yours" from "not there"."""
    return session.scalar(select(Case.unit_code).where(Case.case_id == case_id))


def fetch_cases(session: Session, *, as_of: dt.date, scope: Scope) -> pd.DataFrame:
    """Cases of the scope applied on or before as-of."""
    stmt = select(*_all(Case)).where(Case.unit_code.in_(scope.codes), Case.applied_on <= as_of)
    return _frame(session, stmt, scope)


def fetch_open_cases(session: Session, *, as_of: dt.date, scope: Scope) -> pd.DataFrame:
    """Cases of the scope open at as-of: applied, not energized by then, not cancelled."""
    stmt = select(*_all(Case)).where(
        Case.unit_code.in_(scope.codes),
        Case.applied_on <= as_of,
        Case.status != "cancelled",
        or_(Case.energized_on.is_(None), Case.energized_on > as_of),
    )
    return _frame(session, stmt, scope)


def _portfolio_where(as_of: dt.date, scope: Scope, states: frozenset[str], applied_from, applied_to) -> list:
    """Cases of the scope in some states as of a date (open / energized / cancelled), applied in a range."""
    alive = Case.status != "cancelled"
    by_state = {
        "open": and_(alive, or_(Case.energized_on.is_(None), Case.energized_on > as_of)),
        "energized": and_(alive, Case.energized_on <= as_of),
        "cancelled": Case.status == "cancelled",
    }
    clauses = [Case.unit_code.in_(scope.codes), Case.applied_on <= as_of, or_(*[by_state[s] for s in states])]
    if applied_from:
        clauses.append(Case.applied_on >= applied_from)
    if applied_to:
        clauses.append(Case.applied_on <= applied_to)
    return clauses


def fetch_portfolio(
    session: Session,
    *,
    as_of: dt.date,
    scope: Scope,
    states: frozenset[str],
    applied_from: dt.date | None = None,
    applied_to: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cases of a portfolio view and all their stage rows, selected by the same SQL conditions."""
    where = _portfolio_where(as_of, scope, states, applied_from, applied_to)
    cases = _frame(session, select(*_all(Case)).where(*where), scope)
    stages = _frame(session, _stage_select(False).join(Case, Case.case_id == Stage.case_id).where(*where))
    return cases, stages


def fetch_case(session: Session, case_id: str, *, scope: Scope) -> pd.DataFrame:
    """One case (zero rows when it does not exist or lies outside the scope)."""
    return _frame(session, select(*_all(Case)).where(Case.case_id == case_id, Case.unit_code.in_(scope.codes)), scope)


def _stage_select(with_case: bool) -> Select:
    cols = [_col(getattr(Stage, c)) for c in STAGE_COLUMNS]
    if with_case:
        cols += [Case.customer_class, Case.capacity_kva, Case.voltage_kv, Case.key_project, Case.customer_name,
                 Case.manager]  # fmt: skip
        return select(*cols).join(Case, Case.case_id == Stage.case_id)
    return select(*cols)


def fetch_stages(session: Session, *, as_of: dt.date, scope: Scope, case_ids: list[str] | None = None) -> pd.DataFrame:
    """Every stage row of the scope's cases applied by as-of (optionally only some cases)."""
    stmt = _stage_select(True).where(Stage.unit_code.in_(scope.codes), Case.applied_on <= as_of)
    if case_ids is not None:
        stmt = stmt.where(Stage.case_id.in_(case_ids))
    return _frame(session, stmt.order_by(Stage.case_id, Stage.stage_code))


def fetch_open_stages(session: Session, *, as_of: dt.date, scope: Scope, where: CaseFilter = NO_FILTER) -> pd.DataFrame:
    """Stages open at as-of (started by then, not finished by then), with the case attributes pages need."""
    stmt = _stage_select(True).where(
        Stage.unit_code.in_(scope.codes),
        Stage.started_on <= as_of,
        or_(Stage.finished_on.is_(None), Stage.finished_on > as_of),
        Case.status != "cancelled",
        Case.applied_on <= as_of,
        *where.clauses(),
    )
    return _frame(session, stmt, scope)


def fetch_finished_stages(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope,
    where: CaseFilter = NO_FILTER,
    stage_code: str | None = None,
    late_only: bool = False,
) -> pd.DataFrame:
    """Stages finished in [start, end] with their stored outcome (the drill-down of period measures)."""
    stmt = (
        _stage_select(True)
        .add_columns(Stage.elapsed, Stage.on_time)
        .where(Stage.unit_code.in_(scope.codes), Stage.finished_on >= start, Stage.finished_on <= end, *where.clauses())
    )
    if stage_code:
        stmt = stmt.where(Stage.stage_code == stage_code)
    if late_only:
        stmt = stmt.where(Stage.on_time.is_(False))
    return _frame(session, stmt, scope)


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


def _open_at(as_of: dt.date) -> list:
    """Cases open at as-of: applied by then, not cancelled, not energized by then."""
    return [Case.applied_on <= as_of, Case.status != "cancelled",
            or_(Case.energized_on.is_(None), Case.energized_on > as_of)]  # fmt: skip


def feeder_load(session: Session, *, as_of: dt.date, reply_stages: tuple[str, ...] = ("G3", "L1")) -> pd.DataFrame:
    """Per feeder, over cases open at as-of (all units: the grid is shared): queued kVA of every open case and
    promised kVA of those whose 供电方案 was already answered (答复未接电)."""
    if session.bind.dialect.name == "sqlite":
        return _feeder_load_sqlite(session, as_of, reply_stages)
    # each open case joins its own reply stage through the (case_id, stage_code) index
    reply = and_(Stage.case_id == Case.case_id, Stage.stage_code.in_(reply_stages), Stage.finished_on <= as_of)
    stmt = (
        select(
            Case.feeder_code,
            func.count(func.distinct(Case.case_id)).label("open_cases"),
            func.sum(Case.capacity_kva).label("queued_kva"),
            func.sum(case((Stage.case_id.is_not(None), Case.capacity_kva), else_=0)).label("promised_kva"),
        )
        .outerjoin(Stage, reply)
        .where(Case.feeder_code.is_not(None), *_open_at(as_of))
        .group_by(Case.feeder_code)
    )
    return pd.read_sql(stmt, session.connection())


# SQLAlchemy's SQLite compiler drops table hints, and without one SQLite walks every case through the feeder or
# applied_on index (about 2.5 s at a million cases instead of 0.4 s). Fixed SQL, bound parameters only.
_FEEDER_LOAD_SQLITE = """
SELECT c.feeder_code AS feeder_code, COUNT(DISTINCT c.case_id) AS open_cases, SUM(c.capacity_kva) AS queued_kva,
       SUM(CASE WHEN s.case_id IS NOT NULL THEN c.capacity_kva ELSE 0 END) AS promised_kva
FROM cases AS c INDEXED BY ix_cases_energized_on
LEFT OUTER JOIN stages AS s ON s.case_id = c.case_id AND s.stage_code IN ({codes}) AND s.finished_on <= :as_of
WHERE c.feeder_code IS NOT NULL AND c.applied_on <= :as_of AND c.status != 'cancelled'
  AND (c.energized_on IS NULL OR c.energized_on > :as_of)
GROUP BY c.feeder_code
"""


def _feeder_load_sqlite(session: Session, as_of: dt.date, reply_stages: tuple[str, ...]) -> pd.DataFrame:
    names = [f"code{i}" for i in range(len(reply_stages))]
    sql = text(_FEEDER_LOAD_SQLITE.format(codes=", ".join(f":{n}" for n in names)))
    params = {"as_of": as_of.isoformat(), **dict(zip(names, reply_stages))}
    return pd.read_sql(sql, session.connection(), params=params)


def fetch_open_points(session: Session, *, as_of: dt.date, scope: Scope, limit: int = 3000) -> pd.DataFrame:
    """The largest open applications of the scope that have a location (for the map)."""
    stmt = (
        select(
            Case.case_id, Case.customer_name, Case.unit_code, Case.capacity_kva, Case.lat, Case.lon, Case.feeder_code
        )
        .where(Case.unit_code.in_(scope.codes), Case.lat.is_not(None), Case.lon.is_not(None), *_open_at(as_of))
        .order_by(Case.capacity_kva.desc())
        .limit(limit)
    )
    return _frame(session, stmt, scope)


def queued_by_unit(session: Session, *, as_of: dt.date, scope: Scope) -> pd.DataFrame:
    """Per unit: open applications and their kVA (the demand side of each service area)."""
    stmt = (
        select(Case.unit_code, func.count().label("open_cases"), func.sum(Case.capacity_kva).label("queued_kva"))
        .where(Case.unit_code.in_(scope.codes), *_open_at(as_of))
        .group_by(Case.unit_code)
    )
    return pd.read_sql(stmt, session.connection())


def customer_chain_totals(session: Session, *, as_of: dt.date) -> pd.DataFrame:
    """High-voltage cases energized by as-of with their customer-chain calendar days (stored per case at import):
    the duration model's training data, company-wide since it learns one relation."""
    stmt = select(Case.case_id, Case.capacity_kva, Case.voltage_kv, Case.customer_cd).where(
        Case.customer_class == "high", Case.energized_on <= as_of, Case.customer_cd.is_not(None)
    )
    return pd.read_sql(stmt, session.connection())


def fetch_substations(session: Session) -> pd.DataFrame:
    """All substations."""
    return _frame(session, select(*_all(Substation)))


def fetch_feeders(session: Session) -> pd.DataFrame:
    """All feeders."""
    return _frame(session, select(*_all(Feeder)))


def fetch_calendar(session: Session) -> tuple[list[tuple[dt.date, bool]], list[int]]:
    """Calendar overrides (day, is_workday) and the years fully loaded in the database."""
    days = [(d, w) for d, w in session.execute(select(CalendarDay.day, CalendarDay.is_workday))]
    years = list(session.scalars(select(CalendarYear.year)))
    return days, years


def read_meta(session: Session) -> dict[str, str]:
    """All key/value facts of the database."""
    return dict(session.execute(select(Meta.key, Meta.value)).all())


def last_change(session: Session) -> str:
    """A cheap token that changes whenever cases are imported (for cache keys and the wall's change check)."""
    return read_meta(session).get("data_version", "0")
