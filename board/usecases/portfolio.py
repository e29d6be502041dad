"""双链进度's table and figures for one query: counted, paged, sorted and aggregated in SQL on the read model when it
is built for the day, and from the on-demand portfolio (cached per data version) for any other day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from board.domain.portfolio import PortfolioFilter, apply_filter, party_split, utility_share, where_cases_wait
from board.domain.status import stage_status
from data_access import queries, spans
from data_access.engine import session_scope


@dataclass(frozen=True)
class PortfolioQuery:
    """What the page asks for: a scope as of a day, case states, an applied range, and the page's filters."""

    as_of: dt.date
    unit: str | None
    states: frozenset[str]
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    flt: PortfolioFilter = field(default_factory=PortfolioFilter)
    risk: str | None = None


@dataclass(frozen=True)
class PortfolioSummary:
    """The exact count, where the matching cases wait, and time held by each party per child unit."""

    scope: queries.Scope
    units: pd.DataFrame
    count: int
    wait: pd.DataFrame
    split: pd.DataFrame
    share: float


class PortfolioViews:
    """The 双链进度 grid and its figures (mixed into BoardService)."""

    def portfolio_summary(self, q: PortfolioQuery) -> PortfolioSummary:
        """Count, bottleneck and 责任边界 of the matching cases (cached per data version and scope)."""
        return self.cached(("portfolio-summary", replace(q, unit=None)), lambda: self._summary(q), unit=q.unit)

    def portfolio_rows(self, q: PortfolioQuery, start: int, end: int, sort: list[tuple[str, bool]]) -> pd.DataFrame:
        """Rows [start, end) of the matching cases (measures, strip, forecast) in the grid's order."""
        day = self.read_day(q.as_of)
        if day is not None:
            with session_scope(self.engine) as session:
                return queries.fetch_case_page(session, self._case_query(session, q, day), start=start, end=end,
                                               sort=sort)  # fmt: skip
        sort = [(c, d) for c, d in sort if c == "days" or c in _SORT_COLUMNS]  # what the computed path ignores
        past = self._past_query(q, sort)
        if past is not None:
            with session_scope(self.engine) as session:
                levels = self.rules.raw["supervision_levels"]
                cases = queries.past_case_page(session, past, (levels["key_or_kv"], levels["large_kva"]),
                                               start=start, end=end, sort=sort)  # fmt: skip
                stages = queries.stages_of_cases(session, cases["case_id"].tolist())
            return self.measured(cases, stages, q.as_of)[0]
        cases = self._matching(q)
        return _sorted(cases, sort).iloc[max(start, 0) : max(end, 0)]

    def portfolio_count(self, q: PortfolioQuery) -> int:
        """How many cases match (exact); a past day counts in SQL when it can, without the page's figures."""
        if self.read_day(q.as_of) is None and self._past_query(q, []) is not None:
            return self.cached(("portfolio-count", replace(q, unit=None)), lambda: self._past_count(q), unit=q.unit)
        return self.portfolio_summary(q).count

    def _past_count(self, q: PortfolioQuery) -> int:
        with session_scope(self.engine) as session:
            return queries.count_past(session, self._past_query(q, []))

    def _past_query(self, q: PortfolioQuery, sort: list[tuple[str, bool]]) -> queries.PastQuery | None:
        """A day outside the read model in SQL, unless the page filters or sorts by what only the computed
        measures know (holder, risk, forecast, 供电部门耗时), or a masked scope searches or sorts by customer name
        (the computed path sees masked names only)."""
        computed = set(_SORT_COLUMNS) - set(queries.past_sortable(q.as_of)) - {"supervision_level"}
        if q.flt.party or q.risk or any(c in computed for c, _ in sort):
            return None
        scope = self.scope(q.unit)
        if scope.masked and (q.flt.text.strip() or any(c == "customer_name" for c, _ in sort)):
            return None
        where = queries.CaseFilter(q.flt.voltage, q.flt.customer_class, q.flt.key_only)
        banded = spans.worth_it(self.engine.dialect.name, scope.whole)
        return queries.PastQuery(q.as_of, scope, q.states, q.applied_from, q.applied_to, where, q.flt.text, banded)

    def _case_query(self, session, q: PortfolioQuery, day: int) -> queries.CaseQuery:
        scope = self._resolve(session, q.unit)
        where = queries.CaseFilter(q.flt.voltage, q.flt.customer_class, q.flt.key_only)
        return queries.CaseQuery(day, scope, q.states, q.applied_from, q.applied_to, where, q.flt.party, q.flt.text,
                                 q.risk)  # fmt: skip

    def _summary(self, q: PortfolioQuery) -> PortfolioSummary:
        day = self.read_day(q.as_of)
        if day is not None:
            with session_scope(self.engine) as session:
                cq = self._case_query(session, q, day)
                units = queries.fetch_units(session)
                count, days = queries.party_totals(session, cq)
                stages = queries.open_stages_of(session, cq)
            split = party_split(days, units, cq.scope.root)
            return PortfolioSummary(cq.scope, units, count, where_cases_wait(stages, self.rules), split,
                                    utility_share(split))  # fmt: skip
        past = self._past_query(q, [])
        if past is not None:
            return self._past_summary(past)
        data = self.portfolio(q.as_of, q.unit, q.states, q.applied_from, q.applied_to)
        cases = self._matching(q, data)
        ids = set(cases["case_id"])
        stages = data.open_stages[data.open_stages["case_id"].isin(ids)]
        split = party_split(data.party_days[data.party_days["case_id"].isin(ids)], data.units, data.scope.root)
        return PortfolioSummary(data.scope, data.units, len(cases), where_cases_wait(stages, self.rules), split,
                                utility_share(split))  # fmt: skip

    def _past_summary(self, past: queries.PastQuery) -> PortfolioSummary:
        def read(query):
            def run():
                with session_scope(self.engine) as session:
                    return query(session)

            return run

        # the count walks the day's cases, the groups and the finished days their stage rows: side by side
        units, count = read(queries.fetch_units), read(lambda s: queries.count_past(s, past))
        if past.every_open_case:

            def shared():
                # the day's open stages as 总览, 超时预警 and the wall read them (cached once for all of them): the
                # wall of a past day read them twice, once grouped here (1.3 s at 1 M cases) and once as rows there
                return queries.group_open_stages(self.workload(past.as_of, past.scope.root).open_stages)

            # what their finished stages held comes from the held_daily rollup (0.03 s, where the stage rows of the
            # day's open cases took 1.5 s, or PostgreSQL's one pass over a province's stages 1.6 s)
            units, count, groups, done = self.concurrently(
                units, count, shared, read(lambda s: queries.held_party_days(s, past))
            )
        elif past.banded:
            units, count, groups, done = self.concurrently(
                units, count, read(lambda s: queries.open_stage_groups(s, past)),
                read(lambda s: queries.finished_party_days(s, past)),
            )  # fmt: skip
        else:
            units, count, both = self.concurrently(units, count, read(lambda s: queries.stage_groups(s, past)))
            finished = both["started_on"].isna()
            groups = both[~finished]
            done = both.loc[finished, ["unit_code", "party", "done_cd"]].rename(columns={"done_cd": "days"})
        status = stage_status(groups, past.as_of, self.calendar, self.rules)
        held = pd.concat([done, status[["unit_code", "party"]].assign(days=status["elapsed_cd"] * status["n"])])
        days = held.groupby(["unit_code", "party"], as_index=False)["days"].sum()
        split = party_split(days, units, past.scope.root)
        return PortfolioSummary(past.scope, units, count, where_cases_wait(status, self.rules), split,
                                utility_share(split))  # fmt: skip

    def _matching(self, q: PortfolioQuery, data=None) -> pd.DataFrame:
        # a whole company's portfolio is too large for the shared cache: read it once per call
        data = data or self.portfolio(q.as_of, q.unit, q.states, q.applied_from, q.applied_to)
        cases = apply_filter(data.cases, q.flt)
        return cases[cases["risk"] == q.risk] if q.risk else cases


_SORT_COLUMNS = {
    "case_id": "case_id", "customer_name": "customer_name", "capacity_kva": "capacity_kva", "applied_on": "applied_on",
    "supervision_level": "supervision_level", "grid_wd": "grid_wd", "forecast": "forecast_on", "desired": "desired_on",
    "unit_name": "unit_code", "class_name": "customer_class", "state_name": "state_as_of", "risk_name": "risk",
    "manager": "manager", "holder": "holding_party", "current": "current_stages",
}  # fmt: skip


def _sorted(cases: pd.DataFrame, sort: list[tuple[str, bool]]) -> pd.DataFrame:
    """The same order as the SQL path: the grid's sort, then 督办层级, the oldest application, the case id."""
    keys, ascending = [], []
    for col, desc in sort:
        if col == "days":
            keys.append("applied_on")
            ascending.append(desc)
        elif col in _SORT_COLUMNS:
            keys.append(_SORT_COLUMNS[col])
            ascending.append(not desc)
    keys += ["supervision_level", "applied_on", "case_id"]
    ascending += [False, True, True]
    return cases.sort_values(keys, ascending=ascending, kind="stable", na_position="last")
