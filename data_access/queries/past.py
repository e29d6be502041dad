"""A past day's 双链进度 read in SQL: count, order and page the cases as they stood that day, and add up the days
held by each party, without reading every stage row of the scope (a province's past day had 915 k of them).

The read model holds today; any other day starts here. What needs the day's computed measures (holder, forecast,
risk, 供电部门耗时) for every case — a sort or a filter on them — is not answered here: the caller computes the
whole portfolio for those."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from data_access.models import Case, HeldDaily, Stage
from data_access.queries.cases import (
    PORTFOLIO_STAGE_COLUMNS,
    _portfolio_where,
    _stage_select,
    open_cases_on,
    open_stages_on,
)
from data_access.queries.frames import _all, _col, _frame
from data_access.queries.scope import NO_FILTER, CaseFilter, Scope


@dataclass(frozen=True)
class PastQuery:
    """The cases of a scope in some states as of a past day, with the page's SQL-able filters."""

    as_of: dt.date
    scope: Scope
    states: frozenset[str]
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: CaseFilter = NO_FILTER
    text: str = ""
    banded: bool = True  # the day's open rows found by their open bands (spans.worth_it)

    @property
    def every_open_case(self) -> bool:
        """Whether the query is the scope's open cases, unfiltered: their open stages are the day's open stages
        (`fetch_open_stages`), which 总览, 超时预警 and the wall read too."""
        return (
            self.states == {"open"}
            and not (self.applied_from or self.applied_to or self.text.strip())
            and (self.where.empty)
        )

    def clauses(self) -> list:
        out = _portfolio_where(self.as_of, self.scope, self.states, self.applied_from, self.applied_to, self.banded)
        out += self.where.clauses(Case)
        text = self.text.strip()
        if text:
            out.append(or_(Case.case_id.icontains(text, autoescape=True),
                           Case.customer_name.icontains(text, autoescape=True)))  # fmt: skip
        return out


def supervision_level(key_or_kv: float, large_kva: float):
    """督办层级 as a SQL expression, the same rule as `Rules.supervision_level` (thresholds bound, not spelled)."""
    high = Case.customer_class == "high"
    return case(
        (or_(func.coalesce(Case.key_project, False).is_(True), func.coalesce(Case.voltage_kv, 0) >= key_or_kv), 4),
        (high & (func.coalesce(Case.capacity_kva, 0) >= large_kva), 3),
        (high, 2),
        else_=1,
    )


def state_as_of(as_of: dt.date):
    """The case's state that day (`measures.case_state`) as a SQL expression."""
    return case((Case.status == "cancelled", "cancelled"), (Case.energized_on <= as_of, "energized"), else_="open")


def sortable(as_of: dt.date) -> dict:
    """The grid's columns a past day sorts in SQL (column id → expression; "days" and "supervision_level" too); the
    others need computed measures."""
    return {
        "case_id": Case.case_id, "customer_name": Case.customer_name, "capacity_kva": Case.capacity_kva,
        "applied_on": Case.applied_on, "desired": Case.desired_on, "unit_name": Case.unit_code,
        "class_name": Case.customer_class, "manager": Case.manager, "state_name": state_as_of(as_of),
    }  # fmt: skip


def count_past(session: Session, q: PastQuery) -> int:
    return int(session.scalar(select(func.count()).select_from(Case).where(*q.clauses())) or 0)


def past_case_page(
    session: Session, q: PastQuery, levels: tuple[float, float], *, start: int, end: int,
    sort: list[tuple[str, bool]],
) -> pd.DataFrame:  # fmt: skip
    """Case rows [start, end) in the order the computed portfolio sorts them (`sort` holds only `sortable` ids and
    "days", else KeyError); empty values last either way, as pandas puts them."""
    level = supervision_level(*levels)
    keys = {**sortable(q.as_of), "supervision_level": level}
    order = []
    for col, desc in sort:
        if col == "days":  # days so far grow with age: the oldest application first
            order.append(Case.applied_on.asc() if desc else Case.applied_on.desc())
        else:
            expr = keys[col]
            order.append((expr.desc() if desc else expr.asc()).nulls_last())
    order += [level.desc(), Case.applied_on.asc(), Case.case_id.asc()]
    ids_stmt = select(Case.case_id).where(*q.clauses()).order_by(*order).offset(max(start, 0))
    ids = list(session.scalars(ids_stmt.limit(max(end - start, 0))))
    page = _frame(session, select(*_all(Case)).where(Case.case_id.in_(ids)), q.scope)
    rank = {case_id: i for i, case_id in enumerate(ids)}
    return page.sort_values("case_id", key=lambda c: c.map(rank), kind="stable").reset_index(drop=True)


def stages_of_cases(session: Session, case_ids: list[str]) -> pd.DataFrame:
    """Every stage row of some cases (a page of the grid), with the columns a portfolio computes from."""
    stmt = _stage_select(False, PORTFOLIO_STAGE_COLUMNS).where(Stage.case_id.in_(case_ids))
    return _frame(session, stmt)


# what an open stage's status and elapsed days depend on, with the party that holds it
GROUP_KEYS = ["unit_code", "party", "stage_code", "limit_unit", "limit_days", "started_on"]


def group_open_stages(stages: pd.DataFrame) -> pd.DataFrame:
    """Open stage rows counted (`n`) per GROUP_KEYS, as `open_stage_groups` reads them in SQL."""
    groups = stages.groupby(GROUP_KEYS, dropna=False, observed=True, sort=False).size().rename("n").reset_index()
    groups["finished_on"] = pd.NaT
    return groups


def open_stage_groups(session: Session, q: PastQuery) -> pd.DataFrame:
    """The stages of the matching cases open that day, counted (`n`) per stage unit, party, stage code, limit and
    start day: an open stage's status and elapsed days depend only on those keys, so the groups stand for the
    day's 96 k open stages of a province. Found by the stages' open bands."""
    keys = [getattr(Stage, k) for k in GROUP_KEYS[:-1]]
    stmt = (
        select(*keys, _col(Stage.started_on), func.count().label("n"))
        .join(Case, Case.case_id == Stage.case_id)
        .where(open_stages_on(q.as_of, q.as_of, q.scope, banded=q.banded), *q.clauses())
        .group_by(*keys, Stage.started_on)
    )
    frame = _frame(session, stmt)
    frame["finished_on"] = pd.NaT
    return frame


def stage_groups(session: Session, q: PastQuery) -> pd.DataFrame:
    """`open_stage_groups` and `finished_party_days` in one pass over the matching cases' stage rows (PostgreSQL's
    whole province: its planner scans them in parallel, 1.6 s against 2.1 s for the two; see spans.worth_it).
    The stages started by that day are counted per stage unit,
    party, stage code, limit and start day (`started_on`, empty for the stages finished by then) how many there
    are (`n`) and the finished ones' stored calendar days (`done_cd`, which no later day changes). An open stage's
    status and elapsed days depend only on those keys, so the groups stand for the day's 96 k open stages of a
    province (2.0 s as rows; the finished days added up in another pass took 1.5 s more)."""
    d = q.as_of
    finished = Stage.finished_on <= d
    since = case((finished, None), else_=Stage.started_on)
    keys = [Stage.unit_code, Stage.party, Stage.stage_code, Stage.limit_unit, Stage.limit_days]
    stmt = (
        select(
            *keys,
            _col(since).label("started_on"),
            func.count().label("n"),
            func.sum(case((finished, Stage.elapsed_cd), else_=0)).label("done_cd"),
        )  # fmt: skip
        .join(Case, Case.case_id == Stage.case_id)
        .where(*q.clauses(), Stage.started_on <= d)
        .group_by(*keys, since)
    )
    frame = _frame(session, stmt)
    frame["done_cd"] = frame["done_cd"].fillna(0).astype("int64")
    frame["finished_on"] = pd.NaT
    return frame


def finished_party_days(session: Session, q: PastQuery) -> pd.DataFrame:
    """Per stage unit and party, the stored calendar days (which no later day changes) of the matching cases'
    stages finished by that day: the other half of 责任边界, read beside `open_stage_groups` (one pass doing both
    took 4.2 s for a province five months back, this one 3 s)."""
    stmt = (
        select(Stage.unit_code, Stage.party, func.coalesce(func.sum(Stage.elapsed_cd), 0).label("days"))
        .join(Case, Case.case_id == Stage.case_id)
        .where(*q.clauses(), Stage.finished_on <= q.as_of)
        .group_by(Stage.unit_code, Stage.party)
    )
    frame = _frame(session, stmt)
    frame["days"] = frame["days"].astype("int64")
    return frame


def held_party_days(session: Session, q: PastQuery) -> pd.DataFrame:
    """`finished_party_days` of the scope's open cases (`q.every_open_case`), added up from the held_daily rollup:
    one range of its day index instead of the stage rows of every case open that day (1.5 s at 1 M cases)."""
    if not q.every_open_case:
        raise ValueError("held_party_days answers the unfiltered open cases only")
    n, days = func.sum(HeldDaily.n), func.sum(HeldDaily.days)
    stmt = (
        select(HeldDaily.unit_code, HeldDaily.party, days.label("days"))
        .where(HeldDaily.day <= q.as_of, HeldDaily.case_unit.in_(q.scope.codes))
        .group_by(HeldDaily.unit_code, HeldDaily.party)
        .having(n > 0)
    )
    frame = _frame(session, stmt)
    frame["days"] = frame["days"].astype("int64")
    return frame


def late_stage_rows(session: Session, *, first: dt.date, last: dt.date, scope: Scope) -> pd.DataFrame:
    """The stages that could be open and 超时 on some day of [first, last], with their cases' open span: those open
    then, of cases open then, with a limit and not finished on time (one finished on time never was overdue). The
    input of `domain.overdue_days`; a province's twelve week ends five months back are about 250 k rows, read by
    their bands, where one pass grouping every stage open then took 13 s."""
    stmt = (
        select(
            Stage.unit_code,
            _col(Stage.started_on),
            _col(Stage.finished_on),
            Stage.limit_days,
            Stage.limit_unit,
            _col(Case.applied_on),
            _col(Case.energized_on),
        )  # fmt: skip
        .join(Case, Case.case_id == Stage.case_id)
        .where(
            open_stages_on(first, last, scope, late_only=True),
            Stage.limit_days.is_not(None),
            open_cases_on(first, last, scope, banded=False),
            Case.unit_code.in_(scope.codes),
        )
    )
    return _frame(session, stmt)
